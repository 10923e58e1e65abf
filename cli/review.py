"""`amber review`: proposals Amber made for entries a person wrote or edited (the
distiller's changes, and lines quoting forgotten messages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import memory
from amber.cli.editor import edit_text
from amber.cli.output import console, err, print_json, safe_markup
from amber.store.review import ReviewRow

if TYPE_CHECKING:
    from rich.console import Console

    from amber.distill.review import ReviewQueue
    from amber.service import MemoryService

app = typer.Typer(help="Proposals that would change what you wrote: accept, edit or reject.")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ItemArg = Annotated[str, typer.Argument(help="Review item id (or a unique prefix).")]


@app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
    as_json: JsonOpt = False,
) -> None:
    """List proposals waiting for you (the default), or those already decided."""
    if ctx.invoked_subcommand is not None:
        return
    with memory(reconcile=False) as service:
        items = _queue(service).items(status)
    if as_json:
        print_json([vars(i) for i in items])
        return
    if not items:
        console.print(f"No {status} review items.")
    for item in items:
        _print_item(item)


def _queue(service: MemoryService) -> ReviewQueue:
    return service.review_queue()


def _print_item(item: ReviewRow, text: str | None = None) -> None:
    target = f"{item.proposal.get('target_title')} ({item.proposal.get('target_path')})"
    cand = item.proposal.get("candidate") or {}  # a FORGET proposes a text, not statements
    assert isinstance(cand, dict)
    console.print(f"[bold]{item.id}[/] {item.status}: {item.action} {safe_markup(target)}")
    console.print(f"  why: {safe_markup(item.reason)}", highlight=False)
    for statement in cand.get("statements", []):
        console.print(f"  + {safe_markup(statement['text'])}", highlight=False)
    if text is not None:
        console.print(f"\n{safe_markup(text)}", highlight=False)


@app.command()
def show(handle: ItemArg, as_json: JsonOpt = False) -> None:
    """One proposal and the text accepting it would write."""
    with memory(reconcile=False) as service:
        queue = _queue(service)
        item = queue.get(handle)
        text = queue.preview(item.id) if item.status == "pending" else None
    if as_json:
        print_json({**vars(item), "preview": text})
    else:
        _print_item(item, text)


@app.command()
def accept(handle: ItemArg) -> None:
    """Apply the proposal (undoable with `amber undo OP`)."""
    with memory() as service:
        op_id = _queue(service).accept(handle)
    _say_accepted("Accepted", op_id)


@app.command()
def reject(handle: ItemArg) -> None:
    """Drop the proposal; nothing is written, and it is not proposed again."""
    with memory(reconcile=False) as service:
        item = _queue(service).reject(handle)
    console.print(f"Rejected {item.id}")


@app.command()
def edit(handle: ItemArg) -> None:
    """Edit the text accepting would write in $EDITOR, then accept it as edited."""
    with memory() as service:
        queue = _queue(service)
        item = queue.get(handle)
        op_id = edit_text(
            queue.preview(item.id),
            service.config.home,
            lambda text: queue.accept(item.id, body=text),
            prefix="review-",
        )
    _say_accepted("Accepted as edited", op_id, err)


def _say_accepted(done: str, op_id: str | None, to: Console = console) -> None:
    if op_id is None:  # a FORGET: what was forgotten does not come back
        to.print(f"{done}; the page no longer holds what was forgotten")
    else:
        to.print(f"{done}; operation {op_id} (`amber undo {op_id}` reverses it)")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="review")
