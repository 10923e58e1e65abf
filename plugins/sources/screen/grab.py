"""Screenshots with mss: the monitor that holds the active window, else the primary one.
Frames stay in memory; nothing here writes to disk."""

from __future__ import annotations

import sys
from typing import Any

from PIL import Image

from amber.plugins.sources.screen.desktop import Window


class Grabber:
    """One mss handle, created and used in the capturing thread."""

    def __init__(self, display: str) -> None:
        import mss

        options: dict[str, Any] = {}
        if display and sys.platform.startswith("linux"):
            options["display"] = display
        self._mss = mss.MSS(**options)

    def grab(self, window: Window) -> tuple[Image.Image, int]:
        """(the frame, the monitor's number)."""
        monitors = self._mss.monitors
        number = _monitor_of(monitors, window)
        shot = self._mss.grab(monitors[number])
        return Image.frombytes("RGB", shot.size, shot.bgra, "raw", "BGRX"), number

    def close(self) -> None:
        self._mss.close()


def _monitor_of(monitors: list[dict[str, int]], window: Window) -> int:
    """monitors[0] is all of them together; 1.. are the real ones."""
    center = window.center()
    if center is not None:
        x, y = center
        for number, m in enumerate(monitors[1:], start=1):
            if m["left"] <= x < m["left"] + m["width"] and m["top"] <= y < m["top"] + m["height"]:
                return number
    primary = [n for n, m in enumerate(monitors[1:], start=1) if m.get("is_primary")]
    return primary[0] if primary else (1 if len(monitors) > 1 else 0)
