"""Opening chat exports: ``conversations.json`` on its own or inside the export zip, read
one conversation at a time.

Exports reach hundreds of megabytes, so the top-level list is streamed: each conversation
is decoded as soon as it is complete and memory holds about one conversation. A file cut
off halfway still yields every conversation before the cut, then fails with an error that
says so; the importer's caller keeps what was stored.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from amber.plugins.importers.common import (
    HEAD_BYTES,
    MAX_FILE_BYTES,
    UNEXPECTED,
    ReadReport,
    Thread,
    check_file,
    fail,
    json_decoder,
    kind_of,
    loads,
    text_of,
    unexpected,
)
from amber.pluginspec import EventDraft, ImportFormatError

MEMBER = "conversations.json"
CHUNK = 1024 * 1024
TAIL_MARGIN = 64  # characters at the end of the buffer where an error may be a cut
_WORDS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")  # JSON's bare words
_NUMBER_TAIL = re.compile(r"[-+.eE0-9]*")
HINT = "export your data again, or import the conversations.json inside the export"
_DECODER = json_decoder()


@contextmanager
def open_export(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[tuple[IO[bytes], str]]:
    """(binary stream, label for messages) of a conversations.json or an export zip."""
    if not zipfile.is_zipfile(path):
        check_file(path, str(path), max_bytes)
        with path.open("rb") as handle:
            yield handle, str(path)
        return
    try:
        with zipfile.ZipFile(path) as archive:
            info = _member(archive, path)
            if info.file_size > max_bytes:
                raise fail(f"{path}: {info.filename}", "too large to import", HINT)
            with archive.open(info) as handle:
                yield handle, f"{path}: {info.filename}"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError) as err:
        raise fail(str(path), f"the zip archive cannot be read ({err})", HINT) from None


def _member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    found = [i for i in archive.infolist() if Path(i.filename).name == MEMBER and not i.is_dir()]
    if found:
        return min(found, key=lambda i: i.filename.count("/"))  # the top-level one first
    names = ", ".join(i.filename for i in archive.infolist()[:6]) or "nothing"
    problem = f"no {MEMBER} in this zip (it holds: {names})"
    raise fail(str(path), problem, "Amber reads the ChatGPT and Claude export zips")


def export_head(path: Path) -> bytes:
    """The first bytes of the conversations.json of an export (zipped or not); b'' if none."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [i for i in archive.infolist() if Path(i.filename).name == MEMBER]
                if not names:
                    return b""
                with archive.open(min(names, key=lambda i: i.filename.count("/"))) as handle:
                    return handle.read(HEAD_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
        if path.suffix.lower() != ".json":
            return b""
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError):
        return b""


def is_zip_without_export(path: Path) -> bool:
    """A zip with no conversations.json: an importer claims it to say what is missing."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return all(Path(i.filename).name != MEMBER for i in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        return False


class ExportCutShort(ImportFormatError):
    """The export stops being readable after ``count`` conversations."""

    def __init__(self, label: str, problem: str, count: int) -> None:
        super().__init__(f"{label}: {problem}; {HINT}")
        self.problem = problem
        self.count = count


def read_conversations(stream: IO[bytes], label: str, report: ReadReport) -> Iterator[object]:
    """``conversations``, except that a break after some conversations keeps those: the
    rest is noted in the report as skipped instead of failing the whole import."""
    try:
        yield from conversations(stream, label)
    except ExportCutShort as cut:
        if not cut.count:
            raise
        report.skip(label, f"{cut.problem}; the rest of the file could not be read")


def conversations(stream: IO[bytes], label: str) -> Iterator[object]:
    """The conversations of an export: a list, ``{"conversations": [...]}``, or one object."""
    reader = _Reader(stream, label)
    if not reader.peek():
        raise fail(label, "the export is empty; there is nothing to import", HINT)
    if reader.peek() == "[":
        yield from reader.array()
        return
    if reader.peek() != "{":
        shown = reader.peek() or "nothing"
        raise fail(label, f"not a JSON export (it starts with {shown!r})", HINT)
    doc = reader.whole()
    inner = doc.get("conversations") if isinstance(doc, dict) else None
    yield from inner if isinstance(inner, list) else [doc]


class _Reader:
    """Decodes JSON values one by one from a stream (see ``conversations``)."""

    def __init__(self, stream: IO[bytes], label: str) -> None:
        self.stream = stream
        self.label = label
        # surrogateescape: a byte that is not UTF-8 costs one character, not the export.
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("surrogateescape")
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines = 0  # lines in the text already dropped from the buffer
        self.column = 0  # the length of its last line

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos : self.pos + 1]
            self._more(CHUNK)

    def array(self) -> Iterator[object]:
        self.pos += 1  # the "["
        count = 0
        while (mark := self.peek()) != "]":
            if count:
                if mark not in ("", ","):
                    raise self._syntax("expected ',' or ']' after a conversation", count)
                self.pos += 1
                mark = self.peek()
            if not mark:
                raise self._truncated(count)
            yield self._value(count)
            count += 1

    def whole(self) -> object:
        while not self.eof:
            self._more(CHUNK)
        try:
            return loads(self.buf)
        except json.JSONDecodeError as err:
            raise self._error(err, 0) from None
        except RecursionError:
            raise fail(self.label, "JSON nested too deeply to be an export", HINT) from None

    def _value(self, count: int) -> object:
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as err:
                if self.eof or not _incomplete(err, len(self.buf)):
                    raise self._error(err, count) from None
                self._more(max(CHUNK, len(self.buf) - self.pos))  # doubling: linear overall
                continue
            except RecursionError:
                raise fail(self.label, "JSON nested too deeply to be an export", HINT) from None
            self.pos = end
            self._compact()
            return value

    def _more(self, size: int) -> None:
        data = self.stream.read(size)
        self.eof = not data
        self.buf += self.decoder.decode(data, final=self.eof)

    def _compact(self) -> None:
        if self.pos > 4 * CHUNK:
            newlines = self.buf.count("\n", 0, self.pos)
            last = self.buf.rfind("\n", 0, self.pos)
            self.lines += newlines
            self.column = self.pos - last - 1 if newlines else self.column + self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0

    def _error(self, err: json.JSONDecodeError, count: int) -> Exception:
        if self.eof and _cut_at_end(err, self.buf):
            return self._truncated(count)
        line = self.lines + self.buf.count("\n", 0, err.pos) + 1
        last = self.buf.rfind("\n", 0, err.pos)
        column = err.pos - last if last >= 0 else self.column + err.pos + 1
        return self._syntax(f"not valid JSON at line {line} column {column} ({err.msg})", count)

    def _syntax(self, problem: str, count: int) -> Exception:
        return ExportCutShort(self.label, f"{problem}, after {_conversations(count)}", count)

    def _truncated(self, count: int) -> Exception:
        problem = f"the file ends early (truncated?) after {_conversations(count)}"
        return ExportCutShort(self.label, problem, count)


def _conversations(count: int) -> str:
    return f"{count} complete conversation{'' if count == 1 else 's'}"


def _cut_at_end(err: json.JSONDecodeError, text: str) -> bool:
    """At the end of the file: did the text stop inside a value (a cut, not a mistake)?"""
    rest = text[err.pos :].rstrip()
    if err.msg.startswith("Unterminated string") or _NUMBER_TAIL.fullmatch(rest):
        return True  # `"ti|`, `1714980000.|`, or nothing left at all
    if err.msg.startswith("Invalid \\uXXXX escape") and len(rest) <= 6:
        return True  # `"Gr\\u00|`
    return any(word.startswith(rest) for word in _WORDS)  # `fa|`


def _incomplete(err: json.JSONDecodeError, size: int) -> bool:
    """True when decoding may have failed only because the text stops: the error is at the
    end, where a literal (``fa|lse``) or a number can be cut. A real error that close to the
    end shows up again, away from the end, once more text has been read."""
    return err.msg.startswith("Unterminated string") or err.pos >= size - TAIL_MARGIN


class ExportImporter:
    """What every export importer shares: open the file or zip, stream its conversations,
    check that each is a conversation of this format, and turn its messages into drafts
    with the subclass's `messages`. A subclass says where its format keeps things."""

    name = ""
    source = ""  # the events' source kind
    messages_key = ""  # where a conversation holds its messages ...
    messages_type: type = list  # ... and in what
    missing = ""  # why a conversation without them is left out
    id_keys: tuple[str, ...] = ()  # the conversation's id: the first of these that is text
    title_key = ""
    # The other format's messages key, and the error when one is found instead of ours:
    # the user picked the wrong --format, which no conversation of the file will fix.
    other_export: tuple[str, str, str] = ("", "", "")  # (key, problem, hint)

    def messages(
        self, conv: dict[str, Any], messages: Any, thread: Thread, where: str, report: ReadReport
    ) -> Iterator[EventDraft]:
        """The drafts of one conversation's messages (`conv[messages_key]`)."""
        raise NotImplementedError

    def conversation(
        self, conv: object, index: int, uri: str, where: str, report: ReadReport
    ) -> Iterator[EventDraft]:
        """The drafts of one conversation; one that is not of this format is skipped."""
        if not isinstance(conv, dict):
            report.skip(where, f"a conversation must be an object, got {kind_of(conv)}")
            return
        messages = conv.get(self.messages_key)
        if not isinstance(messages, self.messages_type):
            key, problem, hint = self.other_export
            if key in conv:
                raise fail(where, problem, hint)
            report.skip(where, f"{self.missing}; the conversation was left out")
            return
        yield from self.messages(conv, messages, self._thread(conv, index, uri), where, report)

    def _thread(self, conv: dict[str, Any], index: int, uri: str) -> Thread:
        """The conversation's id, or one made from the file and its place in it."""
        given = (text_of(conv.get(key)) for key in self.id_keys)
        conv_id = next((i for i in given if i), "") or f"{Path(uri).stem}-{index}"
        return Thread(self.source, uri, conv_id, text_of(conv.get(self.title_key)))

    def read(self, path: Path) -> Iterator[EventDraft]:
        drafts, _report = self.read_with_report(path)
        return drafts

    def read_with_report(self, path: Path) -> tuple[Iterator[EventDraft], ReadReport]:
        report = ReadReport(path=path, format=self.name)
        return self._drafts(path, report), report

    def _drafts(self, path: Path, report: ReadReport) -> Iterator[EventDraft]:
        uri = str(path.resolve())
        with open_export(path) as (stream, label):
            for index, conv in enumerate(read_conversations(stream, label, report)):
                where = f"{label}: [{index}]"
                drafts = self.conversation(conv, index, uri, where, report)
                yield from _guarded(drafts, where, report)
        report.finished = True


def _guarded(drafts: Iterator[EventDraft], where: str, report: ReadReport) -> Iterator[EventDraft]:
    """The drafts of one conversation; one of a shape nobody foresaw ends that conversation
    (what it gave so far is kept), not the whole export."""
    try:
        yield from drafts
    except UNEXPECTED as exc:
        report.skip(where, f"cannot read the rest of this conversation ({unexpected(exc)})")
