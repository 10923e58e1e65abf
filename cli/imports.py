"""`amber import ...`: exports, agent sessions and shell history become events, recallable
at once. Importing the same thing twice adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, err, print_json
from amber.errors import AmberError, ImportFormatError, InvalidInputError

if TYPE_CHECKING:
    from amber.importing import ImportResult
    from amber.pluginspec import Importer
    from amber.service import MemoryService

app = typer.Typer(no_args_is_help=True, help="Import exports, agent sessions and shell history.")

GENERIC_HELP = """Import a conversation file. Importing the same file twice adds nothing.

The format is detected: a ChatGPT or Claude.ai data export (conversations.json or the
export zip); a Claude Code transcript or Codex session log (.jsonl), their prompt
histories (~/.claude/history.jsonl, ~/.codex/history.jsonl); a Gemini CLI session or
checkpoint; Aider's .aider.chat.history.md or .aider.input.history; a SpecStory chat
(.specstory/history/*.md: Cursor, Copilot); a bash, zsh or fish history under any name;
or Amber's generic format. `--format NAME` chooses one (`amber import formats` lists them).

The generic format is JSON:

  {"id": "trip-2023", "title": "...", "participants": ["Ana", "Ben"],
   "messages": [{"id": "m1", "speaker": "Ana", "timestamp": "2023-05-08T13:56:00Z",
                 "text": "...", "attachments": [{"caption": "a photo of a beach"}]}]}

(a list of such objects is fine too), or JSONL with one message per line, each carrying its
"conversation" id. Timestamps are ISO 8601 or epoch seconds.
"""
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command(help=GENERIC_HELP)
def conversation(
    file: Annotated[Path, typer.Argument(help="The export file (.json, .jsonl or .zip).")],
    format_: Annotated[
        str | None, typer.Option("--format", help="Importer name (default: detect).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from amber.importing import available_importers, choose_importer

    importer = choose_importer(file, available_importers(), format_)
    with memory(reconcile=False) as service:
        result = service.import_file(file, importer, _acknowledge, chosen=bool(format_))
        _embed_hint(service)
    if as_json:
        print_json(result.to_json())
        return
    console.print(
        f"Imported {result.added} new messages from {file} ({result.known} already known"
        f"{_repeated(result.repeated)}, {len(result.skipped)} skipped,"
        f" {result.redacted} secrets redacted)"
    )
    _print_skipped(result.skipped)
    _print_renamed(result.renamed)


@app.command("claude-code")
def claude_code(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Where the transcripts are (default: ~/.claude/projects)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import every Claude Code session transcript (**/*.jsonl) under FOLDER, once, and
    by default also your prompt history (~/.claude/history.jsonl).

    `amber daemon` keeps importing new sessions as they are written; this catches up on
    the ones already there. Tool calls are stored with their results, large output as a
    preview plus its sha256. A prompt of the history whose transcript is still there is
    stored from the transcript, not twice.
    """
    from amber.plugins.importers.claude_code import default_dir
    from amber.plugins.importers.prompt_history import claude_history_file

    roots = [folder] if folder else [default_dir()]
    extra = [] if folder else [claude_history_file()]
    files = _agent_files(roots, extra, "Claude Code transcripts")
    _import_pairs(_agent_pairs(files, "claude-code", "claude-code-history"), as_json)


@app.command()
def codex(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Where the session logs are (default: ~/.codex/sessions and "
            "~/.codex/archived_sessions)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import every Codex CLI session log (**/*.jsonl) under FOLDER, once, and by default
    also archived threads (~/.codex/archived_sessions) and your prompt history
    (~/.codex/history.jsonl; a prompt whose session log is there is stored from the log)."""
    from amber.plugins.importers.codex import archived_dir, default_dir
    from amber.plugins.importers.prompt_history import codex_history_file

    roots = [folder] if folder else [default_dir(), archived_dir()]
    extra = [] if folder else [codex_history_file()]
    files = _agent_files(roots, extra, "Codex session logs")
    _import_pairs(_agent_pairs(files, "codex", "codex-history"), as_json)


@app.command()
def shell(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="History files (default: your bash, zsh and fish histories)."),
    ] = None,
    shell_name: Annotated[
        str | None, typer.Option("--shell", help="bash, zsh or fish (default: detect).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import shell history (opt-in: nothing reads it unless you run this).

    Secrets typed into commands (tokens, passwords in URLs and flags) are redacted
    before they are stored.
    """
    from amber.importing import available_importers
    from amber.plugins.importers.shell import default_files

    importers = available_importers()
    if files:
        pairs = [(f, _shell_importer(f, importers, shell_name)) for f in files]
    else:
        found = {n: p for n, p in default_files().items() if p.is_file() and p.stat().st_size}
        if not found:
            raise _no_input(
                "no shell history found (looked for ~/.bash_history, "
                "~/.zsh_history, fish_history); name the file"
            )
        pairs = [(p, importers[n]) for n, p in found.items() if shell_name in (None, n)]
    _import_pairs(pairs, as_json)


@app.command()
def formats(as_json: JsonOption = False) -> None:
    """List the formats `amber import conversation` can read (plugins included)."""
    from amber.importing import available_importers

    found = available_importers()
    if as_json:
        print_json([{"name": n, "description": i.description} for n, i in found.items()])
        return
    width = max(len(name) for name in found)
    for name, importer in found.items():
        console.print(f"[bold]{name:{width}}[/bold]  {importer.description}", highlight=False)
    console.print(f"{len(found)} formats; `--format NAME` chooses one", highlight=False)


# --- helpers ---
SHELLS = ("bash", "zsh", "fish")


def _shell_importer(path: Path, importers: dict[str, Importer], shell_name: str | None) -> Importer:
    """The shell history importer for ``path``: named, or detected among the shells only."""
    from amber.importing import choose_importer

    if shell_name is not None and shell_name not in SHELLS:
        raise InvalidInputError(f"unknown shell '{shell_name}'; one of {', '.join(SHELLS)}")
    shells = {name: importers[name] for name in SHELLS if name in importers}
    try:
        return choose_importer(path, shells, shell_name)
    except ImportFormatError:
        with path.open("rb") as handle:
            if not handle.read(4096).strip():
                raise  # empty: that error says so
        raise InvalidInputError(
            f"{path}: does not look like a bash, zsh or fish history (most lines should be "
            "commands); if it is one, name the shell with --shell bash|zsh|fish"
        ) from None


def _files_under(root: Path, what: str) -> list[Path]:
    if root.is_file():
        raise _no_input(
            f"{root}: is a file, not a folder; give the folder that holds the {what}"
            " (one file: `amber import conversation FILE`)"
        )
    if not root.is_dir():
        raise _no_input(f"{root}: no such folder; give the folder that holds the {what}")
    files = _jsonl_under(root)
    if not files:
        raise _no_input(f"{root}: no .jsonl files in it; is it the folder with the {what}?")
    return files


def _agent_files(roots: list[Path], extra: list[Path], what: str) -> list[Path]:
    """The .jsonl files under the folders that exist, then the ``extra`` files (prompt
    histories) that exist and are not empty; at least one file, else the reason why not."""
    present = [root for root in roots if root.is_dir()]
    files = [f for root in present for f in _jsonl_under(root)]
    files += [f for f in extra if f.is_file() and f.stat().st_size]
    if not files and not present:
        _files_under(roots[0], what)  # raises: says why the folder will not do
    if not files:
        shown = " and ".join(str(r) for r in present)
        raise _no_input(f"{shown}: no .jsonl files in it; is it the folder with the {what}?")
    return files


def _agent_pairs(files: list[Path], sessions: str, history: str) -> list[tuple[Path, Importer]]:
    """Each file with its importer: a ``history.jsonl`` is a prompt history."""
    from amber.importing import available_importers

    importers = available_importers()
    return [(f, importers[history if f.name == "history.jsonl" else sessions]) for f in files]


def _jsonl_under(root: Path) -> list[Path]:
    # Sessions opened and closed at once leave empty files: nothing to import, no failure.
    return sorted(p for p in root.rglob("*.jsonl") if p.is_file() and p.stat().st_size)


def _import_pairs(pairs: list[tuple[Path, Importer]], as_json: bool) -> None:
    from rich.progress import Progress

    results: list[ImportResult] = []
    failed: list[dict[str, str]] = []
    with memory(reconcile=False) as service, Progress(console=err, disable=as_json) as bar:
        task = bar.add_task("importing", total=len(pairs))
        for path, importer in pairs:
            try:
                results.append(service.import_file(path, importer))
            except AmberError as exc:  # one bad file does not stop the others
                failed.append({"path": str(path), "error": str(exc)})
            bar.advance(task)
        _embed_hint(service)
    _report_many(results, failed, as_json)
    if failed:
        raise typer.Exit(1)


def _report_many(results: list[ImportResult], failed: list[dict[str, str]], as_json: bool) -> None:
    if as_json:
        added = sum(r.added for r in results)
        print_json({"added": added, "files": [r.to_json() for r in results], "failed": failed})
        return
    known = sum(r.known for r in results)
    skipped = [s for r in results for s in r.skipped]
    console.print(
        f"Imported {sum(r.added for r in results)} new events from {len(results)} files"
        f" ({known} already known{_repeated(sum(r.repeated for r in results))},"
        f" {len(skipped)} skipped, {sum(r.redacted for r in results)} secrets redacted)"
    )
    _print_skipped(skipped)
    _print_renamed([n for r in results for n in r.renamed])
    for item in failed:
        err.print(f"  failed: {item['error']}", highlight=False)


def _print_skipped(skipped: list[tuple[str, str]]) -> None:
    for where, why in skipped[:10]:
        err.print(f"  skipped {where}: {why}", highlight=False)
    if len(skipped) > 10:
        err.print(f"  ... and {len(skipped) - 10} more skipped", highlight=False)


def _print_renamed(renamed: list[tuple[str, str]]) -> None:
    for where, new_id in renamed[:10]:
        old_id = new_id.rpartition("#")[0]
        note = f"another message in the file has the id {old_id}"
        err.print(f"  kept {where} as {new_id} ({note})", highlight=False)
    if len(renamed) > 10:
        err.print(f"  ... and {len(renamed) - 10} more kept under a new id", highlight=False)


def _repeated(count: int) -> str:
    return f", {count} repeated in the file" if count else ""


def _embed_hint(service: MemoryService) -> None:
    if waiting := service.pending_embeddings():
        err.print(f"{waiting} memories wait for vectors: run `amber embed` (or `amber watch`)")


def _no_input(message: str) -> Exception:
    return InvalidInputError(message)


def _acknowledge(count: int) -> None:
    """Printed only after a commit: a line here means those messages are safely stored."""
    err.print(f"stored {count} messages", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="import")
