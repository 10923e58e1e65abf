"""What the built-in importers share: the read report, one-line errors, clean drafts.

Exports are read leniently where a part can be left out without losing the rest: a bad
line or an odd conversation is skipped and listed in the report with where and why. Parts
that are left out by design (system prompts, hidden reasoning, bookkeeping records) are
only counted, in ``ReadReport.ignored``; they are not problems.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amber.pluginspec import EventDraft, ImportFormatError

MAX_FILE_BYTES = 2 * 1024**3
HEAD_BYTES = 64 * 1024  # enough to sniff a format without reading a big file
EPOCH_MS_THRESHOLD = 1e11  # 1e11 seconds is the year 5138, 1e11 milliseconds is 1973
BAD_UTF8 = "invalid UTF-8 bytes, kept as U+FFFD"
CUT_CHARACTER = "half of a character (a lone UTF-16 surrogate, e.g. a cut emoji), kept as U+FFFD"
MAX_INT_DIGITS = 4000  # Python refuses to convert longer digit strings (4,300 by default)
# What reading a record of a shape nobody foresaw may raise (a list where a name was expected,
# a number too large, nesting too deep): that record is left out, not the whole file.
UNEXPECTED = (
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
)
# Bad bytes decoded with surrogateescape, and the halves of a UTF-16 pair that JSON's \ud83d
# escapes can leave alone when an export cuts an emoji: neither can be stored as UTF-8.
_BAD_BYTES = re.compile("[\udc80-\udcff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass
class ReadReport:
    """What one read produced. Filled in while the drafts are consumed, so read it after."""

    path: Path
    format: str
    messages: int = 0  # drafts yielded
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why): problems
    ignored: Counter[str] = field(default_factory=Counter)  # left out by design, per reason
    conversation_ids: set[str] = field(default_factory=set)
    finished: bool = False  # True once the whole file was read

    @property
    def conversations(self) -> int:
        return len(self.conversation_ids)

    def skip(self, where: str, why: str) -> None:
        self.skipped.append((where, why))


class ReportingImporter:
    """Base of the importers that read one file into drafts and say what they left out:
    the file is checked at once (size, binary), parsed lazily as the drafts are taken;
    subclasses set name and description and write `detect` and `_drafts`."""

    name = ""
    description = ""

    def detect(self, path: Path) -> bool:
        raise NotImplementedError

    def read(self, path: Path) -> Iterator[EventDraft]:
        drafts, _report = self.read_with_report(path)
        return drafts

    def read_with_report(self, path: Path) -> tuple[Iterator[EventDraft], ReadReport]:
        check_file(path, str(path))
        report = ReadReport(path=path, format=self.name)
        return self._drafts(path, report), report

    def _drafts(self, path: Path, report: ReadReport) -> Iterator[EventDraft]:
        raise NotImplementedError


@dataclass(frozen=True)
class Thread:
    """Where a message belongs: its source kind, file, conversation and title."""

    source: str
    uri: str
    conversation: str
    title: str = ""


def fail(where: str, problem: str, hint: str) -> ImportFormatError:
    """One line: where, what is wrong, what to do."""
    return ImportFormatError(f"{where}: {problem}; {hint}")


def kind_of(value: object) -> str:
    names = {"dict": "an object", "list": "a list", "str": "a string", "int": "a number"}
    names |= {"float": "a number", "bool": "true/false", "NoneType": "null"}
    return names.get(type(value).__name__, type(value).__name__)


def read_head(path: Path, limit: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file without its BOM and leading blanks; b'' if unreadable."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit).removeprefix(codecs.BOM_UTF8).lstrip()
    except OSError:
        return b""


def check_file(path: Path, label: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse, before anything is read, a file that is missing, too large, binary or empty."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as err:
        raise fail(label, f"cannot read the file ({err.strerror})", "check the path") from None
    if size > max_bytes:
        raise fail(label, f"file too large ({size:,} bytes)", "split it into smaller files")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail(label, "the file is UTF-16, not UTF-8", "save it as UTF-8 and import again")
    if b"\x00" in head and not head.startswith(b"PK"):
        raise fail(label, "looks like a binary file, not a text export", "check the path")
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        raise fail(label, "the file is empty; there is nothing to import", "check the path")


def clean(text: str) -> tuple[str, str]:
    """Bytes that were not UTF-8 (decoded with surrogateescape) and lone UTF-16 surrogates
    become U+FFFD; NULs go. The second value is why the text changed ("" if it did not)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.isascii():
        return text, ""
    fixed, count = _SURROGATES.subn("\ufffd", text)
    if not count:
        return text, ""
    return fixed, BAD_UTF8 if _BAD_BYTES.search(text) else CUT_CHARACTER


def clean_draft(draft: EventDraft) -> tuple[EventDraft, str]:
    """``draft`` with every text field cleaned (see ``clean``); why it changed, or ""."""
    fields = ("text", "uri", "conversation", "message_id", "author", "title")
    whole = "".join(getattr(draft, name) for name in fields)
    if whole.isascii() and "\x00" not in whole:
        return draft, ""
    cleaned = {name: clean(getattr(draft, name)) for name in fields}
    changed = {name: text for name, (text, _) in cleaned.items() if text != getattr(draft, name)}
    if not changed:
        return draft, ""
    return replace(draft, **changed), next((why for _, why in cleaned.values() if why), "")


def _int_or_float(digits: str) -> int | float:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def json_decoder() -> json.JSONDecoder:
    """A JSON decoder that reads an integer too long for Python (``1`` and 5,000 zeros) as
    a float, infinite if need be, instead of failing the whole document."""
    return json.JSONDecoder(parse_int=_int_or_float)


_DECODER = json_decoder()


def loads(text: str) -> Any:
    """``json.loads`` with the decoder of ``json_decoder``."""
    return _DECODER.decode(text)


def to_int(text: str, max_digits: int = 18) -> int | None:
    """ASCII digits as an int; None for anything else (``²``, ``٣``, 5,000 digits)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > max_digits:
        return None
    return int(text)


def to_utc(value: object) -> datetime | None:
    """ISO 8601 text or epoch seconds/milliseconds -> aware UTC; None when absent or odd."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if abs(value) >= EPOCH_MS_THRESHOLD else value
            return datetime.fromtimestamp(seconds, tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip())
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def text_of(value: object) -> str:
    """A field that should be text; anything else (null, numbers, objects) counts as none."""
    return value if isinstance(value, str) else ""


def short_hash(*parts: object, size: int = 16) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8", "replace"))
    return digest.hexdigest()[:size]


def make_draft(
    thread: Thread,
    message_id: str,
    text: str,
    report: ReadReport,
    where: str,
    *,
    author: str = "",
    timestamp: datetime | None = None,
    trust: str = "trusted",
    meta: dict[str, Any] | None = None,
) -> EventDraft | None:
    """The draft for one message, counted; None (counted as ignored) when it has no text."""
    body, bad = clean(text.strip())
    if not body:
        report.ignored["empty message"] += 1
        return None
    if bad:
        report.skip(where, bad)
    report.messages += 1
    report.conversation_ids.add(thread.conversation)
    return EventDraft(
        source=thread.source,
        text=body,
        uri=clean(thread.uri)[0],
        conversation=clean(thread.conversation)[0],
        message_id=clean(message_id)[0],
        author=clean(author)[0],
        timestamp=timestamp,
        title=clean(thread.title)[0],
        trust=trust,
        meta={k: clean(v)[0] if isinstance(v, str) else v for k, v in (meta or {}).items()},
    )


def unexpected(exc: BaseException) -> str:
    """A skip reason for one of ``UNEXPECTED``: short, one line, printable."""
    return clean(" ".join(f"{type(exc).__name__}: {exc}".split()))[0][:160]


def first_line(text: str, limit: int = 80) -> str:
    """A title made from the start of a message: its first non-blank line, shortened."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
