"""Shell history (opt-in): bash, zsh and fish. Each command becomes one event.

* bash (``~/.bash_history``): one command per line; with ``HISTTIMEFORMAT`` set, a
  ``#<epoch>`` line precedes each command and a command may span several lines.
* zsh (``~/.zsh_history``): with EXTENDED_HISTORY, ``: <epoch>:<seconds>;<command>``; a
  line ending in a backslash continues on the next. zsh stores non-ASCII bytes
  "metafied" (0x83, then the byte xor 0x20); they are restored.
* fish (``~/.local/share/fish/fish_history``): ``- cmd: <command>`` then ``  when: <epoch>``,
  with ``\\n`` and ``\\\\`` escapes.

A copy of a history under another name is recognised by its lines (``shell_detect``).

The id of a command is its time plus a hash of its text, so importing a history again
(or a copy of it) adds nothing; without times, a command repeated is kept once. Secrets
typed into commands are redacted on the way in, like everything else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    HEAD_BYTES,
    ReadReport,
    Thread,
    make_draft,
    read_head,
    short_hash,
    to_int,
    to_utc,
)
from amber.plugins.importers.lines import LineFileImporter
from amber.plugins.importers.shell_detect import shell_of
from amber.pluginspec import EventDraft

SOURCE = "shell"
_BASH_TIME = re.compile(r"#([0-9]{9,11})\s*")
_ZSH_EXTENDED = re.compile(r": *(\d+):(\d+);(.*)", re.S)  # a time that is no number: no time
_FISH_ESCAPE = re.compile(r"\\(.)")
_META = 0x83


def default_files() -> dict[str, Path]:
    """Where each shell keeps its history by default (the files may not exist)."""
    home = Path.home()
    zdot = Path(os.environ.get("ZDOTDIR") or home)
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return {
        "bash": home / ".bash_history",
        "zsh": zdot / ".zsh_history",
        "fish": data / "fish" / "fish_history",
    }


class _HistoryParser:
    """Holds the command being read until it is known to be complete."""

    shell = ""

    def __init__(self, path: Path, report: ReadReport, state: dict[str, Any] | None) -> None:
        saved = state or {}
        self.path = path
        self.report = report
        self.thread = Thread(
            SOURCE, str(path.resolve()), f"{self.shell}-history", f"{self.shell} history"
        )
        held = saved.get("held")
        self.held: dict[str, Any] | None = held if isinstance(held, dict) else None
        self.timestamps = saved.get("timestamps") is True

    def state(self) -> dict[str, Any]:
        return {"held": self.held, "timestamps": self.timestamps}

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        raise NotImplementedError

    def finish(self) -> list[EventDraft]:
        return self._release()

    def _hold(
        self, command: str, lineno: int, when: int | None = None, **extra: Any
    ) -> list[EventDraft]:
        """Start a new command; returns the previous one, now complete."""
        done = self._release()
        self.held = {"lines": [command], "when": when, "line": lineno, **extra}
        return done

    def _release(self) -> list[EventDraft]:
        held = self.held
        self.held = None
        if held is None:
            return []
        draft = self._draft("\n".join(held["lines"]), held, f"{self.path}: line {held['line']}")
        return [draft] if draft else []

    def _draft(self, command: str, held: dict[str, Any], where: str) -> EventDraft | None:
        when = held.get("when")
        key = (
            f"{when}-{short_hash(command, size=8)}"
            if when
            else f"cmd-{short_hash(command, size=12)}"
        )
        meta: dict[str, Any] = {"shell": self.shell}
        if isinstance(held.get("duration"), int) and held["duration"] > 0:
            meta["duration_s"] = held["duration"]
        return make_draft(
            self.thread,
            key,
            command,
            self.report,
            where,
            author="user",
            timestamp=to_utc(when),
            meta=meta,
        )


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape").rstrip("\r\n")


class BashParser(_HistoryParser):
    shell = "bash"

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        text = _text(line)
        stamp = _BASH_TIME.fullmatch(text)
        if stamp:
            self.timestamps = True
            done = self._release()
            self.held = {"lines": [], "when": int(stamp.group(1)), "line": lineno}
            return done
        if not text.strip():
            return []
        if self.timestamps and self.held is not None:
            self.held["lines"].append(text)  # a multi-line command, or the command itself
            return []
        return self._hold(text, lineno) + self._release()

    def _release(self) -> list[EventDraft]:
        if self.held is not None and not self.held["lines"]:
            self.held = None  # a time with no command after it
        return super()._release()


class ZshParser(_HistoryParser):
    shell = "zsh"

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        text = _text(unmetafy(line))
        if self.held is not None and self.held.get("continues"):
            self.held["lines"][-1] = self.held["lines"][-1][:-1]  # the joining backslash
            self.held["lines"].append(text)
            self.held["continues"] = text.endswith("\\")
            return [] if self.held["continues"] else self._release()
        if not text.strip():
            return []
        extended = _ZSH_EXTENDED.fullmatch(text)
        when = duration = None
        if extended:
            when = to_int(extended[1])
            duration = to_int(extended[2])
            text = extended[3]
        continues = text.endswith("\\")
        done = self._hold(text, lineno, when, duration=duration, continues=continues)
        return done if continues else done + self._release()


class FishParser(_HistoryParser):
    shell = "fish"

    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        text = _text(line)
        if text.startswith("- cmd:"):
            command = _FISH_ESCAPE.sub(_unescape, text[6:].strip())
            return self._hold(command, lineno)
        when = text.strip()
        if when.startswith("when:") and self.held is not None:
            self.held["when"] = to_int(when[5:])
            return self._release()  # the paths that may follow are not kept
        return []


def _unescape(match: re.Match[str]) -> str:
    return "\n" if match.group(1) == "n" else match.group(1)


def unmetafy(raw: bytes) -> bytes:
    """zsh writes a byte that is special to it as 0x83 followed by the byte xor 0x20."""
    if _META not in raw:
        return raw
    out = bytearray()
    data = iter(raw)
    for byte in data:
        out.append((next(data, 0x20) ^ 0x20) if byte == _META else byte)
    return bytes(out)


class _HistoryImporter(LineFileImporter):
    """A history file is known by its name or by its first lines (``shell_detect``: a copy
    may have any name), and is never empty."""

    file_name: re.Pattern[str]  # the whole name of the file

    def detect(self, path: Path) -> bool:
        head = read_head(path, HEAD_BYTES)
        if not head:
            return False
        return bool(self.file_name.fullmatch(path.name)) or shell_of(head) == self.name


class BashHistoryImporter(_HistoryImporter):
    name = "bash"
    description = "bash history (~/.bash_history; #<epoch> lines when HISTTIMEFORMAT is set)"
    parser = BashParser
    file_name = re.compile(r".*bash_history.*", re.S)


class ZshHistoryImporter(_HistoryImporter):
    name = "zsh"
    description = "zsh history (~/.zsh_history, plain or EXTENDED_HISTORY)"
    parser = ZshParser
    file_name = re.compile(r".*zsh_history.*|\.*(?:zhistory|histfile)", re.S)


class FishHistoryImporter(_HistoryImporter):
    name = "fish"
    description = "fish history (~/.local/share/fish/fish_history)"
    parser = FishParser
    file_name = re.compile("fish_history")
