"""The command palette's Screenshot: an SVG of the screen, saved where the message says.

Textual's own command saves to ~/Downloads and, where that folder is missing (a server,
a container), fails with a notice that gives no reason; this one says the file's path, or
why it could not be written."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_downloads_path
from textual.app import App

from amber.clock import now_iso


def screenshot_folder(downloads: Path, cwd: Path) -> Path:
    """The Downloads folder when there is one, else the folder the TUI was started in."""
    return downloads if downloads.is_dir() else cwd


def default_folder() -> Path:
    return screenshot_folder(user_downloads_path(), Path.cwd())


def save_screenshot(app: App[object], folder: Path) -> Path:
    """Write the screen as SVG into `folder`; raises OSError when it cannot be written."""
    stamp = now_iso().replace(":", "").replace("-", "")[:15]
    path = folder / f"amber-{stamp}.svg"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"amber-{stamp}-{n}.svg"
    path.write_text(app.export_screenshot(), encoding="utf-8")
    return path
