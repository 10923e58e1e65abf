"""`amber key`: where the index key lives. `amber key file --create` keeps it in a file
beside the config (0600, like an SSH key) so the daemon and MCP clients need no
passphrase; `--remove` goes back to the keyring or the passphrase."""

from __future__ import annotations

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
