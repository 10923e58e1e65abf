"""The "generic" conversation importer: Amber's own, documented JSON / JSONL format.

JSON: one conversation object, or a list of them::

    {"id": "trip-2023", "title": "Trip planning", "participants": ["me", "Sam"],
     "messages": [{"id": "m1", "speaker": "Sam", "timestamp": "2023-05-01T09:30:00Z",
                   "text": "Booked it.", "attachments": [{"caption": "the ticket"}]}]}

JSONL (``.jsonl`` / ``.ndjson``): one message per line, each naming its conversation::

    {"conversation": "trip-2023", "title": "Trip planning", "id": "m1",
     "speaker": "Sam", "timestamp": 1682933400, "text": "Booked it."}

Rules:

* Each message becomes one event: its ``text``, then one line per attachment,
  ``[image: <caption>]``, or ``[attachment: <name>]`` when it has a name but no caption.
* ``timestamp``: ISO 8601 text (``Z`` or an offset; no offset means UTC) or epoch seconds
  or milliseconds as a number (1e11 and above is milliseconds); it may be left out.
* A message without ``id`` gets ``idx-<n>``, its 0-based position in its conversation,
  so importing the same file again adds nothing.
* A conversation without ``id`` (JSON) or a line without ``conversation`` (JSONL) gets
  ``<file stem>-<n>``, n being the conversation's position in the file (0 for JSONL).
  In JSONL a ``title`` holds for the later lines of its conversation too.
* ``speaker`` and ``title`` may be left out; ``participants`` is informational.
* A message needs ``text`` or ``attachments``; one with empty text and no attachments
  is skipped and listed in the import report.
* The file must be UTF-8 (a BOM is allowed) and at most 2 GiB. JSONL is read line by
  line. Anything malformed stops the import with an error naming the file and the line
  (JSONL) or the JSON position, e.g. ``[1].messages[4]``; a list of conversations cut
  short or broken halfway keeps the complete conversations before the break, and the
  break is listed in the report. Half of a character (a lone UTF-16 surrogate such as
  ``\ud83d``, left when an emoji is cut) becomes U+FFFD and is listed too.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import ReadReport, clean_draft, loads
from amber.plugins.importers.exports import read_conversations
from amber.pluginspec import EventDraft, ImportFormatError

MAX_FILE_BYTES = 2 * 1024**3
HEAD_BYTES = 64 * 1024  # enough to sniff the format without reading a big file
BINARY_SNIFF_BYTES = 8 * 1024
EPOCH_MS_THRESHOLD = 1e11  # 1e11 seconds is the year 5138, 1e11 milliseconds is 1973
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FORMAT_HINT = "the generic format is documented in `amber import conversation --help`"
UTF8_HINT = "save the file as UTF-8 and import it again"
SKIP_EMPTY = "empty text and no attachments"
_MESSAGES_KEY = re.compile(rb'"messages"\s*:')
_KEY = re.compile(rb'"(conversation|speaker|text)"\s*:')


def _starts_like_a_message(head: bytes) -> bool:
    """A message too long to read whole for a sniff (a pasted log, a huge attachment
    text): its keys, seen in the part that was read, tell what it is."""
    keys = {match.group(1) for match in _KEY.finditer(head)}
    return head[:1] == b"{" and (b"conversation" in keys or {b"speaker", b"text"} <= keys)


@dataclass
class ImportReport(ReadReport):
    """What one read produced (``format`` is "json" or "jsonl"). Filled in while the drafts
    are consumed, so read it after."""


@dataclass(frozen=True)
class _Conversation:
    id: str
    title: str
    uri: str


class GenericConversationImporter:
    """Reads Amber's generic conversation format. Stateless, so one instance is shared."""

    name = "generic"
    description = "Amber's generic JSON/JSONL conversation format (one event per message)"

    def __init__(self, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.max_bytes = max_bytes

    def detect(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        if suffix != ".json" and suffix not in JSONL_SUFFIXES:
            return False
        try:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
        except OSError:
            return False
        if suffix in JSONL_SUFFIXES:
            return _first_line_is_generic_message(head)
        return head[:1] in (b"{", b"[") and _MESSAGES_KEY.search(head) is not None

    def read(self, path: Path) -> Iterator[EventDraft]:
        drafts, _report = self.read_with_report(path)
        return drafts

    def read_with_report(self, path: Path) -> tuple[Iterator[EventDraft], ImportReport]:
        """Check the file now (size, binary, empty); parse lazily as the drafts are taken."""
        head = _preflight(path, self.max_bytes)
        kind = _choose_format(path, head)
        report = ImportReport(path=path, format=kind)
        reader = _read_jsonl if kind == "jsonl" else _read_json
        return reader(path, report), report


def parse_timestamp(value: object, where: str) -> datetime | None:
    """ISO 8601 text or epoch seconds/milliseconds -> aware UTC datetime; None if absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _from_iso(value, where)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value, where)
    raise _fail(where, f'"timestamp" must be ISO 8601 text or an epoch number, got {_kind(value)}')


# --- checks before parsing ---
def _preflight(path: Path, max_bytes: int) -> bytes:
    """Fail early, before any draft is yielded, on files that cannot be this format."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as err:
        raise _fail(str(path), f"cannot read the file ({err.strerror})", "check the path") from None
    if size > max_bytes:
        limit = f"{_size(size)} is over the {_size(max_bytes)} limit"
        raise _fail(str(path), f"file too large: {limit}", "split it into smaller files")
    _check_not_binary(head[:BINARY_SNIFF_BYTES], str(path))
    content = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not content:
        raise _fail(str(path), "the file is empty; there is nothing to import")
    if content[:1] not in (b"{", b"["):
        shown = content[:1].decode("latin-1")
        raise _fail(str(path), f"not JSON or JSONL (it starts with {shown!r}, not '{{' or '[')")
    return content


def _check_not_binary(sniff: bytes, label: str) -> None:
    if sniff.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _fail(label, "the file is UTF-16, not UTF-8", UTF8_HINT)
    if b"\x00" in sniff:
        raise _fail(label, "looks like a binary file (NUL bytes in its first 8 KiB), not JSON")


def _choose_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".json" or head.startswith(b"["):
        return "json"
    return "jsonl" if _first_line_is_generic_message(head) else "json"


def _first_line_is_generic_message(head: bytes) -> bool:
    # Decoding leniently here lets the reader report bad UTF-8 with its line, instead of
    # detection calling the file "not a conversation format".
    if b"\n" not in head and len(head) >= HEAD_BYTES:  # a first line longer than the head
        return _starts_like_a_message(head)
    line = head.partition(b"\n")[0].decode("utf-8", errors="replace")
    try:
        obj = loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and ("conversation" in obj or {"speaker", "text"} <= obj.keys())


# --- JSON ---
def _read_json(path: Path, report: ImportReport) -> Iterator[EventDraft]:
    uri = str(path.resolve())
    label = str(path)
    for index, obj, pos in _conversation_objects(_load_json(path, report), label):
        where = f"{label}: {pos}" if pos else label
        conv = _Conversation(
            id=_id_field(obj, "id", where) or f"{path.stem}-{index}",
            title=_str_field(obj, "title", where),
            uri=uri,
        )
        report.conversation_ids.add(conv.id)
        at = f"{label}: {pos}.messages" if pos else f"{label}: messages"
        for n, msg in enumerate(_messages_list(obj, where)):
            if (draft := _accept(msg, n, conv, f"{at}[{n}]", report)) is not None:
                yield draft
    report.finished = True


def _load_json(path: Path, report: ImportReport) -> object:
    data = path.read_bytes()  # the JSON format may be loaded whole; JSONL is streamed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        problem = f"not valid UTF-8 at line {line} (byte 0x{data[err.start]:02x})"
        raise _fail(str(path), problem, UTF8_HINT) from None
    try:
        return loads(text)
    except json.JSONDecodeError as err:
        if salvaged := _salvage(data, str(path), report):
            return salvaged
        raise _fail(str(path), _json_problem(err)) from None
    except RecursionError:
        raise _fail(str(path), "JSON nested too deeply to be a conversation") from None


def _salvage(data: bytes, label: str, report: ImportReport) -> list[object]:
    """The complete conversations before the break in a list that is cut short or broken
    halfway, the break noted in the report; [] when there are none to keep."""
    if not data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"["):
        return []
    noted = len(report.skipped)
    try:
        found = list(read_conversations(io.BytesIO(data), label, report))
    except ImportFormatError:
        return []
    return found if len(report.skipped) > noted else []  # no break found: not a cut list


def _json_problem(err: json.JSONDecodeError) -> str:
    msg = err.msg.removesuffix(" starting at")  # json reports where the string began
    problem = f"not valid JSON at line {err.lineno} column {err.colno} ({msg})"
    if msg == "Extra data":
        return problem + " - one message per line? then name the file .jsonl"
    # A string still open at the end (strings cannot span lines) or nothing after: cut off.
    if msg == "Unterminated string" or not err.doc[err.pos :].strip():
        return problem + " - the file ends early; is it truncated?"
    return problem


def _conversation_objects(doc: object, label: str) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(index, conversation, position) for one object ("") or a list of them ("[i]")."""
    if isinstance(doc, dict):
        yield 0, doc, ""
        return
    if not isinstance(doc, list):
        raise _fail(label, f"expected a conversation object or a list, got {_kind(doc)}")
    for index, obj in enumerate(doc):
        if not isinstance(obj, dict):
            problem = f"a conversation must be an object, got {_kind(obj)}"
            raise _fail(f"{label}: [{index}]", problem)
        yield index, obj, f"[{index}]"


def _messages_list(obj: dict[str, Any], where: str) -> list[object]:
    messages = obj.get("messages")
    if isinstance(messages, list):
        return messages
    if messages is not None:
        raise _fail(where, f'"messages" must be a list, got {_kind(messages)}')
    if "mapping" in obj:  # the shape of a ChatGPT conversations.json
        problem = 'this looks like a ChatGPT export ("mapping", no "messages")'
        raise _fail(where, problem, "import it with the ChatGPT format instead of generic")
    raise _fail(where, 'a conversation needs a "messages" list')


# --- JSONL ---
def _read_jsonl(path: Path, report: ImportReport) -> Iterator[EventDraft]:
    uri = str(path.resolve())
    label = str(path)
    positions: dict[str, int] = {}  # next message index per conversation
    titles: dict[str, str] = {}  # a title given once holds for the conversation's later lines
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            where = f"{label}: line {lineno}"
            obj = _parse_line(raw, lineno, where)
            if obj is None:
                continue
            conv_id = _id_field(obj, "conversation", where) or f"{path.stem}-0"
            titles[conv_id] = title = _str_field(obj, "title", where) or titles.get(conv_id, "")
            index = positions.get(conv_id, 0)
            positions[conv_id] = index + 1
            report.conversation_ids.add(conv_id)
            if draft := _accept(obj, index, _Conversation(conv_id, title, uri), where, report):
                yield draft
    report.finished = True


def _parse_line(raw: bytes, lineno: int, where: str) -> dict[str, Any] | None:
    """One JSONL line -> message object; None for a blank line."""
    if lineno == 1:
        raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problem = f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at byte {err.start + 1})"
        raise _fail(where, problem, UTF8_HINT) from None
    if not line.strip():
        return None
    try:
        obj = loads(line)
    except json.JSONDecodeError as err:
        cut = "" if raw.endswith(b"\n") else " - the last line is cut off; is the file truncated?"
        raise _fail(where, f"not valid JSON at column {err.colno} ({err.msg}){cut}") from None
    except RecursionError:
        raise _fail(where, "JSON nested too deeply to be a message") from None
    if not isinstance(obj, dict):
        raise _fail(where, f"expected one message object per line, got {_kind(obj)}")
    if "messages" in obj:
        raise _fail(where, 'a JSONL line holds one message, not a "messages" list')
    return obj


# --- messages ---
def _accept(
    msg: object, index: int, conv: _Conversation, where: str, report: ImportReport
) -> EventDraft | None:
    """The message's draft, counted in the report; None (and noted) when it is skipped."""
    if not isinstance(msg, dict):
        raise _fail(where, f"a message must be an object, got {_kind(msg)}")
    draft = _draft(msg, index, conv, where)
    if draft is None:
        report.skipped.append((where, SKIP_EMPTY))
        return None
    draft, repaired = clean_draft(draft)
    if repaired:
        report.skip(where, repaired)
    report.messages += 1
    return draft


def _draft(msg: dict[str, Any], index: int, conv: _Conversation, where: str) -> EventDraft | None:
    """Validate every field (even of a message that will be skipped) and build the draft."""
    if "text" not in msg and "attachments" not in msg:
        keys = ", ".join(list(msg)[:8]) or "none"
        raise _fail(where, f'a message needs "text" or "attachments" (its keys: {keys})')
    text = _str_field(msg, "text", where)
    lines = _attachment_lines(msg.get("attachments"), where)
    message_id = _id_field(msg, "id", where) or f"idx-{index}"
    author = _str_field(msg, "speaker", where)
    timestamp = parse_timestamp(msg.get("timestamp"), where)
    if not text.strip() and not lines:
        return None
    return EventDraft(
        source="conversation",
        text="\n".join([text, *lines] if text.strip() else lines),
        uri=conv.uri,
        conversation=conv.id,
        message_id=message_id,
        author=author,
        timestamp=timestamp,
        title=conv.title,
        trust="trusted",
        meta={"attachments": len(lines)} if lines else {},
    )


def _attachment_lines(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f'"attachments" must be a list, got {_kind(value)}')
    return [_attachment_line(item, where) for item in value]


def _attachment_line(item: object, where: str) -> str:
    if not isinstance(item, dict):
        raise _fail(where, f"an attachment must be an object, got {_kind(item)}")
    # Collapse whitespace: each attachment must stay on exactly one line of the text.
    caption = " ".join(_str_field(item, "caption", where).split())
    name = " ".join(_str_field(item, "name", where).split())
    if caption:
        return f"[image: {caption}]"
    return f"[attachment: {name}]" if name else "[attachment]"


def _from_iso(value: str, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        problem = f'"timestamp" {value[:40]!r} is not ISO 8601 (e.g. 2024-05-01T09:30:00Z)'
        raise _fail(where, problem) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)  # the format says: no offset means UTC
    return parsed.astimezone(UTC)


def _from_epoch(value: float, where: str) -> datetime:
    try:
        seconds = value / 1000 if abs(value) >= EPOCH_MS_THRESHOLD else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _fail(where, f'"timestamp" {value!r} is out of range for a date') from None


# --- small helpers ---
def _str_field(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value or ""
    raise _fail(where, f'"{key}" must be a string, got {_kind(value)}')


def _id_field(obj: dict[str, Any], key: str, where: str) -> str:
    """Ids may be strings or integers; both become strings."""
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, str):
        return (value or "").strip()
    raise _fail(where, f'"{key}" must be a string or an integer, got {_kind(value)}')


_KINDS = {"dict": "an object", "list": "a list", "str": "a string", "int": "a number"}
_KINDS |= {"float": "a number", "bool": "true/false", "NoneType": "null"}


def _kind(value: object) -> str:
    return _KINDS.get(type(value).__name__, type(value).__name__)


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n:,} bytes"


def _fail(where: str, problem: str, hint: str = FORMAT_HINT) -> ImportFormatError:
    """One line: where, what is wrong, what to do."""
    return ImportFormatError(f"{where}: {problem}; {hint}")
