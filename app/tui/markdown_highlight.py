"""Markdown highlighting for the editor without tree-sitter.

Textual's TextArea highlights markdown only with the optional tree-sitter grammars
(`textual[syntax]`), which Amber does not depend on. These regular expressions cover what
an entry holds: frontmatter, headings, emphasis, code, links, [[wikilinks]], lists, quotes.
Spans are (start byte, end byte or None for the line's end, highlight name), the format of
TextArea's highlight map, with names its built-in themes style.
"""

from __future__ import annotations

import re

Span = tuple[int, int | None, str]
MAX_LINES = 5000  # past this, highlighting every keystroke would lag; plain text instead

_HEADING = re.compile(r"^(#{1,6})(\s+)(.*)$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])(?=\s)")
_QUOTE = re.compile(r"^\s*>")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)(:)")
_INLINE = [
    (re.compile(r"`[^`]+`"), "inline_code"),
    (re.compile(r"\[\[[^\]\n]+\]\]"), "link.label"),
    (re.compile(r"(?<!\*)\*\*(?!\s)[^*\n]+?\*\*"), "bold"),
    (re.compile(r"(?<![*\w])\*(?![\s*])[^*\n]+?\*(?!\w)"), "italic"),
    (re.compile(r"(?<!\w)_(?!\s)[^_\n]+?_(?!\w)"), "italic"),
    (re.compile(r"~~[^~\n]+~~"), "strikethrough"),
]
_LINK = re.compile(r"(\[[^\]\n]*\])(\([^)\s]*\))")


def markdown_highlights(lines: list[str]) -> dict[int, list[Span]]:
    if len(lines) > MAX_LINES:
        return {}
    found: dict[int, list[Span]] = {}
    front_end = _frontmatter_end(lines)
    in_fence = False
    for row, line in enumerate(lines):
        if row <= front_end:
            spans = _frontmatter_line(line)
        elif _FENCE.match(line) or in_fence:
            in_fence = in_fence != bool(_FENCE.match(line))
            spans = [(0, None, "inline_code")]
        else:
            spans = _body_line(line)
        if spans:
            found[row] = [_to_bytes(line, span) for span in spans]
    return found


def _frontmatter_end(lines: list[str]) -> int:
    """Index of the closing fence of a frontmatter block, -1 when there is none."""
    if not lines or lines[0].rstrip() != "---":
        return -1
    for row in range(1, len(lines)):
        if lines[row].rstrip() in ("---", "..."):
            return row
    return -1


def _frontmatter_line(line: str) -> list[Span]:
    if line.rstrip() in ("---", "..."):
        return [(0, None, "comment")]
    match = _FIELD.match(line)
    return [(0, match.end(1), "yaml.field")] if match else []


def _body_line(line: str) -> list[Span]:
    heading = _HEADING.match(line)
    if heading:
        marks = heading.end(1)
        return [(0, marks, "heading.marker"), (heading.start(3), None, "heading")]
    spans: list[Span] = []
    for pattern, name in ((_LIST, "list.marker"), (_QUOTE, "comment")):
        match = pattern.match(line)
        if match:
            spans.append((match.start(), match.end(), name))
    for pattern, name in _INLINE:
        spans += [(m.start(), m.end(), name) for m in pattern.finditer(line)]
    for match in _LINK.finditer(line):
        spans.append((match.start(1), match.end(1), "link.label"))
        spans.append((match.start(2), match.end(2), "link.uri"))
    return spans


def _to_bytes(line: str, span: Span) -> Span:
    """Character offsets to the UTF-8 byte offsets TextArea expects."""
    if line.isascii():
        return span
    start, end, name = span
    end_bytes = None if end is None else len(line[:end].encode("utf-8"))
    return len(line[:start].encode("utf-8")), end_bytes, name
