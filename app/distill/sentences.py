"""Splitting a message into sentences, the unit the zero-LLM distiller selects and cites.

Chat text is loose: sentences run together without a space ("community.Then"), end in
emoji or several marks ("so cool!!"), and carry abbreviations ("Dr. Ortiz", "e.g. this").
A sentence ends at `.`, `!`, `?` or `…` (repeated or followed by a closing quote or
bracket) when the next sentence starts with a capital letter, a digit or an opening quote,
or at a line break; a period after a known abbreviation or a single capital ("J. Smith")
does not end one.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc eg ie e.g i.e approx dept est fig inc ltd co corp "
    "mt no vol jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# An end mark (and closing quotes or brackets), then either a line break or spaces (maybe
# none) before an uppercase letter, a digit or an opening quote.
_BOUNDARY = re.compile(r"([.!?…]+[\"'”’)\]]*)(?:\s*\n\s*|\s+(?=[\"“‘(\[]?[A-Z0-9])|(?=[A-Z][a-z]))")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, in order; empty pieces are dropped."""
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text.strip()):
        sentences += _split_line(line)
    return [s for s in sentences if s]


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        end = match.end(1)
        if _is_abbreviation(line[start:end]):
            continue
        pieces.append(line[start:end].strip())
        start = match.end()
    pieces.append(line[start:].strip())
    return pieces


def _is_abbreviation(piece: str) -> bool:
    """Whether a piece ending in '.' ends with an abbreviation or an initial instead."""
    if not piece.endswith("."):
        return False
    found = _LAST_WORD.search(piece[:-1])
    if found is None:
        return False
    word = found.group(1).lstrip("\"'“‘([").casefold()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())
