"""Line-oriented session files (agent transcripts, shell history): one parser per format,
used both for a one-shot import and for tailing a file that is still being written.

A parser is fed complete lines in order and returns the drafts they finish; ``finish()``
hands over what it still holds (a call without a result, the last shell command) at the
end of the input; ``state()`` is a JSON-able checkpoint from which a new parser continues.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from amber.plugins.importers.common import (
    UNEXPECTED,
    ReadReport,
    ReportingImporter,
    kind_of,
    loads,
    unexpected,
)
from amber.pluginspec import EventDraft

CUT_LINE = "the last line is cut off (still being written, or the file was truncated)"


class LineParser(Protocol):
    def feed(self, line: bytes, lineno: int) -> list[EventDraft]:
        """Drafts finished by this line (``line`` ends with a newline, except maybe the last)."""
        ...

    def finish(self) -> list[EventDraft]:
        """End of the input: the drafts still held back."""
        ...

    def state(self) -> dict[str, Any]:
        """A JSON-able checkpoint; ``ParserFactory(path, report, state)`` continues from it."""
        ...


ParserFactory = Callable[[Path, ReadReport, dict[str, Any] | None], LineParser]


class LineFileImporter(ReportingImporter):
    """Base of the importers for line-oriented files; subclasses set name, format, parser."""

    parser: ParserFactory

    def _drafts(self, path: Path, report: ReadReport) -> Iterator[EventDraft]:
        parser = type(self).parser(path, report, None)
        with path.open("rb") as handle:
            for lineno, raw in enumerate(handle, start=1):
                yield from feed_line(parser, raw, lineno, report)
        yield from parser.finish()
        report.finished = True


def feed_line(parser: LineParser, line: bytes, lineno: int, report: ReadReport) -> list[EventDraft]:
    """``parser.feed``, except that a line the parser cannot handle is skipped and listed."""
    try:
        return parser.feed(line, lineno)
    except UNEXPECTED as exc:
        where = f"{report.path}: line {lineno}"
        report.skip(where, f"cannot read this record ({unexpected(exc)}); it was left out")
        return []


def json_line(raw: bytes, where: str, report: ReadReport) -> dict[str, Any] | None:
    """One JSONL line as an object; None (and the reason noted) for a line that is not one.

    Bytes that are not UTF-8 survive as lone surrogates (``surrogateescape``) so that one
    bad byte costs one character, not the line; ``common.clean`` turns them into U+FFFD.
    """
    text = raw.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    if not text.strip():
        return None
    try:
        obj = loads(text)
    except RecursionError:
        report.skip(where, "JSON nested too deeply to read")
        return None
    except json.JSONDecodeError as err:
        if not raw.endswith(b"\n"):
            report.skip(where, CUT_LINE)
        elif err.pos >= len(text.rstrip()):
            report.skip(where, "the line stops before its JSON ends (a write was cut short)")
        else:
            report.skip(where, f"not valid JSON at character {err.pos + 1} ({err.msg})")
        return None
    if not isinstance(obj, dict):
        report.skip(where, f"expected a JSON object, got {kind_of(obj)}")
        return None
    return obj


def sniff_jsonl(head: bytes, *markers: bytes) -> bool:
    """True when the first non-blank line holds every marker (a cheap check, no parsing:
    the first line of a transcript can be longer than the head that was read)."""
    first = next((ln for ln in head.split(b"\n") if ln.strip()), b"")
    return first.lstrip().startswith(b"{") and all(m in first for m in markers)
