"""`amber tree`: the Context Tree with counts; `--context` writes each folder's context.md."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.tree import Tree

from amber.cli.context import memory
from amber.cli.output import console, print_json, print_kept_contexts, safe_markup
from amber.contexts import ContextReport
from amber.maintenance import TreeNode
from amber.tree.layout import normalize_folder


def tree(
    folder: Annotated[str, typer.Argument(help="Show only this folder.")] = "",
    depth: Annotated[int, typer.Option(help="How many folder levels to show.")] = 3,
    entries: Annotated[bool, typer.Option(help="List entries, not only folders.")] = True,
    archive: Annotated[bool, typer.Option(help="Include _archive.")] = False,
    context: Annotated[
        bool,
        typer.Option(
            "--context",
            help="Write each folder's context.md (in FOLDER, below and above it) instead.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Browse the Context Tree: domains, topics and entries."""
    where = normalize_folder(folder) if folder else ""
    if context:
        _write_contexts(where, as_json)
        return
    with memory() as service:
        root = service.tree(where, archive)
    if as_json:
        print_json(root)
        return
    view = Tree(f"[bold]{safe_markup(root.name)}[/] ({root.count})")
    _add(view, root, depth, entries)
    console.print(view)


def _add(view: Tree, node: TreeNode, depth: int, show_entries: bool) -> None:
    if depth <= 0:
        return
    for child in sorted(node.children.values(), key=lambda c: c.name):
        label = f"[bold blue]{safe_markup(child.name)}/[/] ({child.count})"
        if child.description:
            label += f" [dim]{safe_markup(child.description)}[/]"
        _add(view.add(label), child, depth - 1, show_entries)
    if show_entries:
        for item in sorted(node.entries, key=lambda e: e["title"].lower()):
            title = safe_markup(item["title"])
            view.add(f"{title} [dim]{safe_markup(item['kind'])} · {item['id'][:10]}[/]")


def _write_contexts(folder: str, as_json: bool) -> None:
    with memory() as service:
        report = service.refresh_contexts(folder)
    if as_json:
        print_json(report)
        return
    _print_contexts(report)
    console.print(
        f"context.md: {len(report.written)} written, {len(report.removed)} removed, "
        f"{report.unchanged} unchanged, {len(report.kept)} yours kept",
        highlight=False,
    )


def _print_contexts(report: ContextReport) -> None:
    for path in report.written:
        console.print(f"wrote {safe_markup(path)}", highlight=False)
    for path in report.removed:
        console.print(f"removed {safe_markup(path)} (no entries left there)", highlight=False)
    print_kept_contexts(report.kept)


def register(app: typer.Typer) -> None:
    app.command()(tree)
