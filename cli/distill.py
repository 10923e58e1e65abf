"""`amber distill` (events become entries), `amber log` (what it did), `amber undo OP`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, err, print_json, print_kept_contexts, safe_markup, shown
from amber.errors import InvalidInputError
from amber.text import one_line

if TYPE_CHECKING:
    from amber.distill.report import DistillReport
    from amber.store.distill_log import OpRecord

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def distill(
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    no_model: Annotated[
        bool,
        typer.Option("--no-model", help="Do not send lines to the chat model (zero-LLM pages)."),
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Also events already distilled (changes nothing new).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Turn pending events into pages in your Context Tree (a local model rewrites lines)."""
    from rich.progress import Progress

    if limit is not None and limit < 1:
        raise InvalidInputError("--limit must be at least 1")
    with memory() as service:
        distiller = service.distiller(use_model=not no_model)
        if not as_json:
            mode = distiller.model.name if distiller.model else "no chat model"
            err.print(f"distilling {distiller.pending()} pending events ({mode})", highlight=False)
        with Progress(console=err, disable=as_json, transient=True) as bar:
            task = bar.add_task("distilling", total=None)
            report = distiller.run(
                limit,
                lambda done, total: bar.update(task, completed=done, total=total),
                again=again,
            )
        waiting = len(service.review_queue().items())
    if as_json:
        print_json(report)
    else:
        _print_report(report, waiting)


def _print_report(report: DistillReport, waiting: int) -> None:
    console.print(f"{report.summary()} ({report.seconds:.1f} s)", highlight=False)
    for reason, count in report.rejected.most_common():
        line = "line" if count == 1 else "lines"
        console.print(f"  rejected {count} {line}: {reason}", style="dim", highlight=False)
    for failure in dict.fromkeys(report.model_failures):
        console.print(f"  [yellow]model failed[/] (lines kept as read): {safe_markup(failure)}")
    if waiting:
        console.print(f"{waiting} proposal(s) wait for you: `amber review`")
    print_kept_contexts(report.contexts_kept)
    if report.ops:
        console.print(f"Undo this run: amber undo --run {report.run_id}", style="dim")


def log(
    op: Annotated[str | None, typer.Argument(help="An operation id: show it in full.")] = None,
    limit: Annotated[int, typer.Option("-n", min=1, max=100_000, help="How many operations.")] = 30,
    run: Annotated[str, typer.Option(help="Only the operations of this run.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """What the distiller did: each operation, the entry it touched and the events it used."""
    with memory(reconcile=False) as service:
        distiller = service.distiller(use_model=False)
        if op:
            record = distiller.find_op(op)
            _show_op(record, distiller.op_events(record), as_json)
            return
        ops = distiller.recent_ops(limit, run.strip())
    if as_json:
        print_json([_op_json(o) for o in ops])
        return
    if not ops:
        console.print("No distiller operations yet: `amber distill` makes some.")
        return
    _print_ops(ops)


def _print_ops(ops: list[OpRecord]) -> None:
    """Two lines an operation, readable at 80 columns: the id in full (to copy into `amber
    undo`), when, what and how many events; then the entry it touched, wrapped if long."""
    width = max(len(_action(o)) for o in ops)
    console.print(f"{'operation':<26}  {'when':<16}  {'action':<{width}}  events", style="bold")
    for o in ops:
        when = o.ts[:16].replace("T", " ")
        events = o.detail.get("events", "")
        console.print(f"{o.id:<26}  {when:<16}  {_action(o):<{width}}  {events}", highlight=False)
        entry = shown(o.title) + (f" · {shown(o.path)}" if o.path else "")
        console.print(f"  {entry}", style="dim", highlight=False, markup=False)


def _action(op: OpRecord) -> str:
    return op.action + (" (undone)" if op.undone_at else "")


def _op_json(op: object) -> dict[str, object]:
    data = {k: v for k, v in vars(op).items() if k not in ("files",)}
    detail = dict(data["detail"])  # type: ignore[call-overload]
    detail.pop("restore", None)  # prior file contents stay in the encrypted index
    data["detail"] = detail
    return data


def _show_op(op: object, events: list, as_json: bool) -> None:
    data = _op_json(op)
    data["files"] = [f.path for f in op.files]  # type: ignore[attr-defined]
    data["events"] = [
        {"id": e.id, "ref": e.ref, "author": e.author, "timestamp": e.timestamp, "text": e.text}
        for e in events
    ]
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['action']}[/] {safe_markup(str(data['title']))} ({data['id']})")
    for key in ("ts", "run_id", "entry_id", "path", "undone_at"):
        if data.get(key):
            console.print(f"  {key}: {data[key]}", highlight=False)
    for key, value in data["detail"].items():  # type: ignore[union-attr]
        console.print(f"  {key}: {safe_markup(str(value))}", highlight=False)
    for path in data["files"]:  # type: ignore[union-attr]
        console.print(f"  file: {safe_markup(path)}", highlight=False)
    for e in events:
        text = one_line(e.text)[:120]
        console.print(f"  event {e.ref or e.id} {e.author}: {safe_markup(text)}", highlight=False)


def undo(
    op: Annotated[str | None, typer.Argument(help="The operation id (see `amber log`).")] = None,
    run: Annotated[str, typer.Option(help="Undo every operation of this run instead.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Undo a distiller operation: files and index go back to how they were before it."""
    if bool(op) == bool(run):
        raise InvalidInputError("give one operation id, or --run RUN (`amber log` lists both)")
    with memory() as service:
        distiller = service.distiller(use_model=False)
        results = distiller.undo_run(run) if run else [distiller.undo(op or "")]
    if as_json:
        print_json(results)
        return
    for result in results:
        console.print(f"Undid {result.action} {result.op_id}: {', '.join(result.paths) or '-'}")


def register(app: typer.Typer) -> None:
    app.command()(distill)
    app.command("log")(log)
    app.command()(undo)
