"""`amber key`: where the index key lives. `amber key file --create` keeps it in a file
beside the config (0600, like an SSH key) so the daemon and MCP clients need no
passphrase; `--remove` goes back to the keyring or the passphrase. `amber key export` /
`import` carry the key to another device that syncs this memory, sealed with a passphrase."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amber.cli.context import prompt_passphrase
from amber.cli.output import console, err, print_json

if TYPE_CHECKING:
    from amber.config import Config

app = typer.Typer(help="Where the index key lives: OS keyring, passphrase, or a key file.")


@app.command("file")
def key_file(
    create: Annotated[
        bool,
        typer.Option(
            "--create",
            help="Write the key into a 0600 file beside the config (asks the passphrase once).",
        ),
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Delete the key file; the passphrase or keyring stay.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Keep the index key in a file, for headless machines: the daemon and MCP servers then
    start without a passphrase. Anyone who can read the file can read your memory, so it is
    used only while it is 0600 and yours. Without an option: say which key mode is in use."""
    from amber.config import load_config
    from amber.errors import InvalidInputError
    from amber.home import create_key_file, remove_key_file

    if create and remove:
        raise InvalidInputError("give --create or --remove, not both")
    if create:
        path = create_key_file(prompt=prompt_passphrase)
        _say(as_json, {"key_file": str(path), "action": "created"}, f"key file written: {path}")
        err.print(
            "It holds your index key: whoever reads it reads your memory. Keep it 0600, out "
            "of backups you share; `amber key file --remove` deletes it.",
            highlight=False,
        )
    elif remove:
        path = remove_key_file()
        state = "removed" if path else "absent"
        text = f"key file removed: {path}" if path else "there is no key file; nothing changed"
        _say(as_json, {"key_file": str(path or ""), "action": state}, text)
    else:
        _status(load_config(), as_json)


TRANSFER_ENV = "AMBER_KEY_PASSPHRASE"  # the export's passphrase, for scripts and tests
FileArg = Annotated[Path, typer.Argument(help="The key export file.")]


@app.command("export")
def key_export(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write the memory key, sealed with a passphrase you choose now, into FILE (0600): on
    another device `amber key import FILE` with that passphrase lets it sync this memory."""
    from amber.cli.context import memory
    from amber.errors import InvalidInputError
    from amber.security import keys

    if file.exists():
        raise InvalidInputError(f"{file} exists; give a new file name (nothing was written)")
    passphrase = _transfer_passphrase(confirm=True)
    keys.check_new_passphrase(passphrase)
    with memory(reconcile=False) as service:
        text = service.export_key(passphrase)
    _write_private(file, text)
    _say(as_json, {"exported": str(file)}, f"key sealed into {file}")
    err.print(
        "Move it to the other device, run `amber key import FILE` there, then delete it.",
        highlight=False,
    )


@app.command("import")
def key_import(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Make the key in FILE (from `amber key export`) this home's key: the index is
    encrypted again with it, and it is kept where this home keeps its key."""
    from amber.errors import InvalidInputError
    from amber.home import import_key
    from amber.sync.keyshare import open_key

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {file} ({exc}); nothing was changed") from None
    key = open_key(text, _transfer_passphrase(confirm=False), str(file))
    import_key(key, prompt=prompt_passphrase)
    _say(as_json, {"imported": str(file)}, f"this home now uses the key from {file}")


def _transfer_passphrase(confirm: bool) -> str:
    import os
    import sys

    from amber.errors import KeyUnavailableError

    given = os.environ.get(TRANSFER_ENV)
    if given is None and sys.stdin.isatty():
        given = typer.prompt(
            "Passphrase for the key export", hide_input=True, confirmation_prompt=confirm
        )
    if not given:
        raise KeyUnavailableError(
            f"a passphrase for the key export is needed: set {TRANSFER_ENV} or run in a terminal"
        )
    return given


def _write_private(path: Path, text: str) -> None:
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _status(config: Config, as_json: bool) -> None:
    from amber.errors import KeyUnavailableError
    from amber.security import keys

    problem = ""
    if keys.key_file_exists(config):
        try:
            keys.load_key_file(config)
        except KeyUnavailableError as exc:
            problem = str(exc)
    data = {
        "mode": keys.key_mode(config),
        "key_storage": config.key_storage,
        "key_file": str(keys.key_file_path(config)),
        "key_file_exists": keys.key_file_exists(config),
        "problem": problem,
    }
    text = f"key: {keys.describe_key(config)}"
    _say(as_json, data, text + (f"\nproblem: {problem}" if problem else ""))


def _say(as_json: bool, data: dict[str, object], text: str) -> None:
    if as_json:
        print_json(data)
    else:
        console.print(text, highlight=False, markup=False, soft_wrap=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="key")
