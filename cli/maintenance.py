"""reindex, doctor, stats, audit and watch."""

from __future__ import annotations

from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, err, print_json, safe_markup, shown
from amber.maintenance import DoctorReport, Storage

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def reindex(as_json: JsonOpt = False) -> None:
    """Rebuild the whole index from the tree files and the stored events."""
    with memory(reconcile=False) as service:
        report = service.reindex()
    if as_json:
        print_json({**vars(report), "changed": report.changed})
    else:
        console.print(f"Reindexed {len(report.added)} entries ({len(report.skipped)} skipped).")


def doctor(
    fix: Annotated[bool, typer.Option(help="Reindex files that drifted.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the tree against the index, unreadable files and the key. Exit 1 if not clean."""
    with memory(reconcile=False) as service:
        if fix:
            service.reconcile()
        report = service.doctor()
    if as_json:
        print_json({**vars(report), "clean": report.clean})
    else:
        _print_doctor(report)
    if not report.clean:
        raise typer.Exit(1)


def _print_doctor(report: DoctorReport) -> None:
    console.print(f"key: {report.key}", highlight=False)
    console.print(f"index integrity: {report.integrity}", highlight=False)
    for problem in report.config:
        console.print(f"[yellow]config[/]: {safe_markup(problem)}", highlight=False)
    for name in report.unreadable_names:
        console.print(
            f"[yellow]{safe_markup(name)}[/]: its name is not valid UTF-8, so Amber passes it "
            "over; rename it (e.g. `mv` it in a shell) to a UTF-8 name",
            highlight=False,
        )
    for what, paths in report.drift.items():
        for path in paths:
            console.print(f"[yellow]drift ({what})[/]: {safe_markup(path)}", highlight=False)
    for path, why in {**report.problems, **report.skipped}.items():
        console.print(f"[yellow]{safe_markup(path)}[/]: {safe_markup(why)}", highlight=False)
    if any(report.drift.values()):
        err.print("run `amber doctor --fix` (or keep `amber watch` running) to reindex drift")
    console.print("[green]all good[/]" if report.clean else "[red]problems found[/]")


def stats(as_json: JsonOpt = False) -> None:
    """Counts of entries and events, index size, where the key lives; size per source and
    events added per month."""
    with memory() as service:
        data = service.stats()
        storage = service.storage()
    if as_json:
        print_json({**data, "storage": storage.to_json()})
        return
    for key, value in data.items():
        console.print(f"{key:>22}  {value}", highlight=False)
    _print_storage(storage)


def _print_storage(storage: Storage) -> None:
    if not storage.sources:
        return
    console.print("\nsize per source (index share estimated from the text each holds)")
    console.print(f"{'source':<16}{'events':>10}{'text':>12}{'share':>8}{'≈ index':>12}")
    for size in storage.sources:
        console.print(
            f"{size.source:<16.16}{size.events:>10,}{_mb(size.text_bytes):>12}"
            f"{size.share:>8.1%}{_mb(size.index_bytes):>12}",
            highlight=False,
            markup=False,
        )
    sources = [size.source for size in storage.sources]
    console.print("\nevents added per month")
    console.print(f"{'month':<9}" + "".join(f"{s[:10]:>11}" for s in sources), markup=False)
    for month, counts in storage.months.items():
        cells = "".join(f"{counts.get(s, 0):>11,}" for s in sources)
        console.print(f"{month:<9}{cells}", highlight=False, markup=False)


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def audit(
    limit: Annotated[int, typer.Option("-n", help="How many records.")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """The audit log: which interface changed what, and when (never the content)."""
    with memory(reconcile=False) as service:
        records = service.audit_log(limit)
    if as_json:
        print_json(records)
        return
    for rec in records:
        console.print(
            f"{rec['ts'][:19]}  {rec['interface']:<8} {rec['action']:<14} {rec['target']}",
            highlight=False,
        )


def watch() -> None:
    """Keep the index in step with the tree while you edit files (Ctrl-C to stop)."""
    from amber.watcher import run_watch

    with memory(reconcile=False) as service:
        tree = service.config.tree_dir
        err.print(
            f"watching {tree} ({service.entry_count()} entries): saved files are reindexed "
            "within 2 s, each listed here. Ctrl-C stops.",
            highlight=False,
            markup=False,
        )
        run_watch(service, on_change=_print_change)
    err.print("stopped watching; the index holds every change seen", highlight=False)


def _print_change(path: str, outcome: str) -> None:
    """One line per file the watcher indexed: when, what happened, which file."""
    from datetime import datetime

    line = f"{datetime.now():%H:%M:%S} {outcome}: {shown(path)}"
    err.print(line, highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    for command in (reindex, doctor, stats, audit, watch):
        app.command()(command)
