"""Built-in capture sources, registered through the same pluggy hook as third-party ones.

Each source module imports its heavy dependencies (watchdog, mss, pytesseract) only when
it runs, so listing sources stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable

from amber.plugins.sources.files import FileSource
from amber.plugins.sources.screen import ScreenSource
from amber.plugins.sources.sessions import AGENT_SESSIONS, SHELL_HISTORY
from amber.pluginspec import CaptureSource, hookimpl

__all__ = ["FileSource", "ScreenSource", "register_sources"]


@hookimpl
def register_sources(register: Callable[[CaptureSource], None]) -> None:
    register(FileSource())
    register(ScreenSource())
    register(AGENT_SESSIONS)
    register(SHELL_HISTORY)
