"""Heading-aware chunking with content hashes, so that an edit makes only the chunks it
touched new.

Markdown is cut at headings (outside code fences); a long section, and text without
headings, is cut at paragraph breaks chosen by the paragraphs' own content (a hash), not by
running length. Cutting by length would shift every later boundary after an edit near the
top; content-chosen cuts fall in the same places again right after the edit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
CUT_ONE_IN = 4  # on average a content-chosen cut every 4 paragraphs past the minimum


@dataclass(frozen=True)
class Chunk:
    heading: str  # "Setup › Install", "page 3", or ""
    text: str
    first_line: int  # 1-based, inclusive (pages: the page number)
    last_line: int

    @property
    def hash(self) -> str:
        return hashlib.sha256(f"{self.heading}\x1f{self.text}".encode()).hexdigest()


@dataclass(frozen=True)
class _Block:
    text: str
    first: int
    last: int


def chunk_markdown(text: str, max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for heading, blocks in _sections(text.splitlines()):
        chunks += _pack(heading, blocks, max_chars)
    return chunks


def chunk_text(text: str, max_chars: int, heading: str = "", line_offset: int = 0) -> list[Chunk]:
    return _pack(heading, _paragraphs(text.splitlines(), line_offset), max_chars)


def chunk_pages(pages: tuple[str, ...], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for number, page in enumerate(pages, start=1):
        for chunk in chunk_text(page, max_chars, heading=f"page {number}"):
            chunks.append(Chunk(chunk.heading, chunk.text, number, number))
    return chunks


def _sections(lines: list[str]) -> list[tuple[str, list[_Block]]]:
    """(heading path, paragraphs) per section; the heading line starts its section."""
    sections: list[tuple[str, int]] = [("", 0)]  # (heading path, first line index)
    stack: list[tuple[int, str]] = []
    fenced = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            level = len(match[1])
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, match[2].strip())]
            sections.append((" › ".join(t for _, t in stack), i))
    bounds = [start for _, start in sections[1:]] + [len(lines)]
    result = []
    for (heading, start), end in zip(sections, bounds, strict=True):
        blocks = _paragraphs(lines[start:end], start)
        if any(not HEADING.match(b.text) for b in blocks):  # a bare heading is no chunk
            result.append((heading, blocks))
    return result


def _paragraphs(lines: list[str], offset: int) -> list[_Block]:
    blocks = []
    current = []
    first = 0
    for i, line in enumerate(lines):
        if line.strip():
            if not current:
                first = i
            current.append(line.rstrip())
        elif current:
            blocks.append(_Block("\n".join(current), offset + first + 1, offset + i))
            current = []
    if current:
        blocks.append(_Block("\n".join(current), offset + first + 1, offset + len(lines)))
    return blocks


def _pack(heading: str, blocks: list[_Block], max_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    group: list[_Block] = []
    for block in (piece for b in blocks for piece in _split_long(b, max_chars)):
        if group and _size(group) + len(block.text) > max_chars:
            chunks.append(_chunk(heading, group))
            group = []
        group.append(block)
        if _size(group) >= max_chars // 4 and _cut_after(block.text):
            chunks.append(_chunk(heading, group))
            group = []
    if group:
        chunks.append(_chunk(heading, group))
    return chunks


def _split_long(block: _Block, max_chars: int) -> list[_Block]:
    """A paragraph longer than a chunk is cut at line ends, else at spaces."""
    if len(block.text) <= max_chars:
        return [block]
    pieces = []
    current = ""
    for word in re.split(r"(?<=\n)|(?<= )", block.text):
        if current and len(current) + len(word) > max_chars:
            pieces.append(current)
            current = ""
        current += word
    pieces.append(current)
    return [_Block(p.strip(), block.first, block.last) for p in pieces if p.strip()]


def _cut_after(text: str) -> bool:
    return hashlib.blake2b(text.encode(), digest_size=1).digest()[0] % CUT_ONE_IN == 0


def _size(group: list[_Block]) -> int:
    return sum(len(b.text) + 2 for b in group)


def _chunk(heading: str, group: list[_Block]) -> Chunk:
    text = "\n\n".join(b.text for b in group)
    return Chunk(heading, text, group[0].first, group[-1].last)
