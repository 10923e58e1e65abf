"""Handing text to the person's own editor: `amber edit` and `amber review edit`.

The editor is `$VISUAL`, else `$EDITOR`, else the first of a few common editors found on
PATH; a blank variable counts as unset (an empty command would run the note itself). The
text is edited in a private copy inside the Amber home and handed back to the command,
which writes it through the one write path; the copy is kept when that write fails, so
an edit is never lost.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from amber.cli.output import err
from amber.errors import AmberError, InvalidInputError

FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vi")
T = TypeVar("T")


def editor_command() -> list[str]:
    """The editor to run, as a command line; a one-line error says what to set."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "")
        if value.strip():
            return _split(value, variable)
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise InvalidInputError(
        "no editor found: set $EDITOR to the editor you use, e.g. export EDITOR=nano"
    )


def _split(value: str, variable: str) -> list[str]:
    try:
        command = shlex.split(value)
    except ValueError as exc:
        raise InvalidInputError(f"${variable} cannot be read as a command ({exc})") from None
    if shutil.which(command[0]) is None:
        raise InvalidInputError(
            f"the editor '{command[0]}' (from ${variable}) is not installed or not on PATH; "
            f"set ${variable} to an editor you have, e.g. export {variable}=nano"
        )
    return command


def edit_text(text: str, home: Path, use: Callable[[str], T], prefix: str = "edit-") -> T:
    """Open `text` in the editor and return `use(edited text)`. Nothing is used when the
    editor fails; when `use` fails, the edited copy stays and its place is printed."""
    command = editor_command()
    # In the Amber home (not /tmp): the text is memory, and the home is private (0700).
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".md", dir=home)
    path = Path(name)
    keep = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        code = subprocess.call([*command, str(path)])
        if code != 0:
            raise InvalidInputError(f"the editor exited with status {code}; nothing saved")
        try:
            return use(path.read_text(encoding="utf-8"))
        except AmberError:
            keep = True
            err.print(f"amber: your edited text is kept in {path}", highlight=False, markup=False)
            raise
    finally:
        if not keep:
            path.unlink(missing_ok=True)
