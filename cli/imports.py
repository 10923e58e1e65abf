"""`amber import conversation FILE`: conversations become events, recallable at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, err, print_json

app = typer.Typer(no_args_is_help=True, help="Import exports and files as events.")

GENERIC_HELP = """Import a conversation file. Importing the same file twice adds nothing.

The generic format is JSON:

  {"id": "trip-2023", "title": "...", "participants": ["Ana", "Ben"],
   "messages": [{"id": "m1", "speaker": "Ana", "timestamp": "2023-05-08T13:56:00Z",
                 "text": "...", "attachments": [{"caption": "a photo of a beach"}]}]}

(a list of such objects is fine too), or JSONL with one message per line, each carrying its
"conversation" id. Timestamps are ISO 8601 or epoch seconds.
"""


@app.command(help=GENERIC_HELP)
def conversation(
    file: Annotated[Path, typer.Argument(help="The export file (.json or .jsonl).")],
    format_: Annotated[
        str | None, typer.Option("--format", help="Importer name (default: detect).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    from amber.importing import available_importers, choose_importer, import_file

    importer = choose_importer(file, available_importers(), format_)
    with memory(reconcile=False) as service:
        result = import_file(service.db, file, importer, "cli", on_commit=_acknowledge)
        waiting = service.pending_embeddings()
    if waiting:
        err.print(f"{waiting} memories wait for vectors: run `amber embed` (or `amber watch`)")
    if as_json:
        print_json({**vars(result), "duplicates": result.duplicates})
        return
    console.print(
        f"Imported {result.added} new messages from {file} ({result.duplicates} already known"
        f", {len(result.skipped)} skipped, {result.redacted} secrets redacted)"
    )
    for where, why in result.skipped[:10]:
        err.print(f"  skipped {where}: {why}", highlight=False)


def _acknowledge(count: int) -> None:
    """Printed only after a commit: a line here means those messages are safely stored."""
    err.print(f"stored {count} messages", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="import")
