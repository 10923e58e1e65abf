"""Commands that write or show one memory: remember, show, edit, mv (forget: cli/forget.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, err, print_json, read_stdin, safe_markup, shown
from amber.reads import EntryView
from amber.service import MemoryService
from amber.text import one_line
from amber.tree.entry import KINDS, Entry

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EMBED_NOW_MAX = 32  # more than this waits for `amber embed` or a running watcher


def remember(
    text: Annotated[list[str], typer.Argument(help="What to remember; '-' reads stdin.")],
    title: Annotated[str | None, typer.Option(help="Title (default: the first line).")] = None,
    path: Annotated[
        str | None, typer.Option(help="Folder in the tree, e.g. people/family.")
    ] = None,
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")] = "note",
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")
    ] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Another name (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Provenance (repeatable).")] = None,
    valid_from: Annotated[str | None, typer.Option(help="When it became true (2023-05).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Remember something: it becomes a markdown entry in your Context Tree."""
    body = read_stdin() if text == ["-"] else " ".join(text)
    with memory() as service:
        entry = service.remember(
            body,
            title=title,
            path=path,
            kind=kind,
            tags=tag,
            aliases=alias,
            sources=source,
            valid_from=valid_from,
        )
        embed_new(service)
    if as_json:
        print_json(_entry_json(entry))
    else:
        title = safe_markup(entry.title)
        console.print(f"Remembered [bold]{title}[/] → {safe_markup(entry.path)} ({entry.id})")


def embed_new(service: MemoryService) -> None:
    """Vectors for what a command just wrote, when an embed model is active (a few docs)."""
    if service.embedder is None or service.pending_embeddings() > EMBED_NOW_MAX:
        return
    try:
        service.embed_pending()
    except Exception as exc:  # the memory is stored; its vectors can wait
        # Failing here would make a user retry and store the memory twice.
        reason = one_line(str(exc))[:200] or type(exc).__name__
        err.print(
            f"amber: warning: stored, but not embedded ({reason}); "
            "`amber embed` adds the vectors once the embed model works",
            highlight=False,
        )


def show(
    handle: Annotated[str, typer.Argument(help="Entry id, id prefix, path or exact title.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one entry with its provenance."""
    with memory() as service:
        view = service.get(handle)
    if as_json:
        print_json(_view_json(view))
        return
    _print_view(view)


def edit(handle: Annotated[str, typer.Argument(help="Entry id, path or title.")]) -> None:
    """Open an entry in $VISUAL or $EDITOR; what you save is stored, stamped and reindexed."""
    from amber.cli.editor import edit_text

    with memory() as service:
        entry, before = service.entry_text(handle)

        def save(after: str) -> str:
            if after == before:
                return "unchanged"
            service.save_entry_text(entry.path, after, expected=before)
            embed_new(service)
            return "updated"

        outcome = edit_text(before, service.config.home, save)
    err.print(f"{shown(entry.path)}: {outcome}", highlight=False, markup=False)


def mv(
    handle: Annotated[str, typer.Argument(help="Entry id, path or title.")],
    destination: Annotated[str, typer.Argument(help="A folder (people/work) or a path (.md).")],
    as_json: JsonOpt = False,
) -> None:
    """Move an entry to another folder or name; its id stays the same."""
    with memory() as service:
        entry = service.move(handle, destination)
    if as_json:
        print_json(_entry_json(entry))
    else:
        console.print(f"Moved {entry.id} → {shown(entry.path)}", markup=False)


def _entry_json(entry: Entry) -> dict[str, object]:
    data = {k: v for k, v in vars(entry).items() if k != "has_own_id"}
    data["links"] = entry.links
    return data


def _view_json(view: EntryView) -> dict[str, object]:
    return {
        **_entry_json(view.entry),
        "sources": [vars(s) for s in view.sources],
        "lifecycle": {
            "importance": view.importance,
            "access_count": view.access_count,
            "last_access": view.last_access,
            "maturity": view.maturity,
        },
    }


def _print_view(view: EntryView) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel

    e = view.entry
    meta = (
        f"{e.kind} · {e.path} · id {e.id}\ncreated {e.created or '?'} · updated {e.updated or '?'}"
    )
    if e.valid_from:
        meta += f" · valid from {e.valid_from}"
    meta += f"\n{view.maturity} · importance {view.importance:.2f} · recalled {view.access_count}×"
    tags = shown(", ".join(e.tags))
    console.print(Panel(Markdown(shown(e.body)), title=shown(e.title), subtitle=f"tags: {tags}"))
    console.print(shown(meta), style="dim", highlight=False, markup=False)
    if e.problem:
        console.print(f"problem: {shown(e.problem)}", style="yellow", markup=False)
    for src in view.sources:
        where = f"{src.conversation or src.uri}#{src.message_id}" if src.message_id else src.uri
        line = f"  source: {src.source} {where} {src.timestamp or ''}"
        console.print(shown(line), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    for command in (remember, show, edit, mv):
        app.command()(command)
