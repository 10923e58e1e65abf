"""Handing an entry to the user's own editor ($VISUAL, $EDITOR, else vi)."""

from __future__ import annotations

import os
import shlex
import subprocess
from contextlib import nullcontext
from pathlib import Path

from textual.app import App

from amber.errors import InvalidInputError


def editor_command() -> list[str]:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    parts = shlex.split(command)
    if not parts:
        raise InvalidInputError("$EDITOR is empty; set it to your editor, e.g. EDITOR=nano")
    return parts


def run_editor(app: App[object], path: Path) -> None:
    """Run the editor on `path` with the terminal handed over (the app is suspended)."""
    command = [*editor_command(), str(path)]
    # A headless app (tests, scripts) has no terminal to hand over; the editor runs as is.
    suspended = nullcontext() if app.is_headless else app.suspend()
    try:
        with suspended:
            code = subprocess.call(command)
    except FileNotFoundError as exc:
        raise InvalidInputError(f"cannot run editor '{command[0]}'; set $EDITOR") from exc
    if code != 0:
        raise InvalidInputError(f"the editor exited with status {code}; nothing reindexed")
