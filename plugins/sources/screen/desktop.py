"""What the desktop is doing: the active window and whether the screen is locked. X11
through xdotool and systemd-logind; macOS through osascript. Each probe answers ""/False
when it cannot tell; idle time is in `xidle`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache

import psutil

PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Window:
    title: str = ""
    app: str = ""  # process name, lower case
    x: int | None = None
    y: int | None = None
    width: int = 0
    height: int = 0

    @property
    def key(self) -> str:
        return f"{self.app}\x1f{self.title}"

    def center(self) -> tuple[int, int] | None:
        if self.x is None or self.y is None:
            return None
        return self.x + self.width // 2, self.y + self.height // 2


def display_problem(display: str) -> str:
    """Why no screen can be captured here ('' when one can)."""
    if sys.platform == "darwin":
        return ""
    if not display:
        if os.environ.get("WAYLAND_DISPLAY"):
            return "Wayland session without X11: screen capture needs an X display"
        return "no display: DISPLAY is not set (is there a desktop session?)"
    return ""


def active_window(display: str) -> Window:
    if sys.platform == "darwin":
        return _mac_window()
    return _x11_window(display)


def _x11_window(display: str) -> Window:
    if not shutil.which("xdotool"):
        return Window()
    for finder in ("getactivewindow", "getwindowfocus"):  # no EWMH window manager: focus
        out = _run(["xdotool", finder, "getwindowname", "getwindowgeometry", "--shell"], display)
        if out:
            return _parse_xdotool(out, display)
    return Window()


def _parse_xdotool(out: str, display: str) -> Window:
    lines = out.splitlines()
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    return Window(
        title=lines[0] if lines else "",
        app=_x11_app(fields.get("WINDOW", ""), display),
        x=_int(fields.get("X")),
        y=_int(fields.get("Y")),
        width=_int(fields.get("WIDTH")) or 0,
        height=_int(fields.get("HEIGHT")) or 0,
    )


_APPS: dict[tuple[str, str], str] = {}  # (display, window id) -> app: asked once per window
_APPS_MAX = 256


def _x11_app(window_id: str, display: str) -> str:
    key = (display, window_id)
    if key not in _APPS:
        if len(_APPS) >= _APPS_MAX:
            _APPS.clear()
        _APPS[key] = _ask_x11_app(window_id, display)
    return _APPS[key]


def _ask_x11_app(window_id: str, display: str) -> str:
    """The window's process name (from _NET_WM_PID), else its WM_CLASS class name."""
    if not window_id.isdigit() or not shutil.which("xprop"):
        return ""
    out = _run(["xprop", "-id", window_id, "_NET_WM_PID", "WM_CLASS"], display)
    pid = re.search(r"_NET_WM_PID\(CARDINAL\) = (\d+)", out)
    if pid and (name := _process_name(int(pid[1]))):
        return name
    names = re.findall(r'"([^"]*)"', out.split("WM_CLASS", 1)[1]) if "WM_CLASS" in out else []
    return names[-1].lower() if names else ""


def _process_name(pid: int) -> str:
    try:
        return psutil.Process(pid).name().lower()
    except (psutil.Error, ValueError):
        return ""


def _mac_window() -> Window:
    script = 'tell application "System Events" to get name of first process whose frontmost is true'
    app = _run(["osascript", "-e", script], "").strip().lower()
    return Window(app=app)


def _run(command: list[str], display: str) -> str:
    env = {**os.environ, "DISPLAY": display} if display else None
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.stdout.strip() else ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# -- idle time and screen lock ------------------------------------------------------------


class LockProbe:
    """systemd-logind's LockedHint for this session (set by GNOME, KDE and most lockers),
    asked at most every `every_s` seconds."""

    def __init__(self, every_s: float = 10.0) -> None:
        self.session = os.environ.get("XDG_SESSION_ID", "")
        self.every_s = every_s
        self._checked = 0.0
        self._locked = False

    def locked(self) -> bool:
        if not self.session or not _has_loginctl():
            return False
        if time.monotonic() - self._checked >= self.every_s:
            out = _run(
                ["loginctl", "show-session", self.session, "-p", "LockedHint", "--value"], ""
            )
            self._locked = out.strip() == "yes"
            self._checked = time.monotonic()
        return self._locked


@cache
def _has_loginctl() -> bool:
    return shutil.which("loginctl") is not None
