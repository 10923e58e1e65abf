"""Snippets: the part of a memory around the first word the query matched."""

from __future__ import annotations

import re

from amber.cjk import has_unspaced, runs

WINDOW_WORDS = 28
STEM_PREFIX = 4  # letters of a term compared, so "runs" finds "running"
# Text in a script without spaces (app/cjk.py) is one "word" per sentence or more: past
# this many characters it is cut by characters instead.
WINDOW_CHARS = 160


def make_snippet(text: str, query_terms: list[str], window: int = WINDOW_WORDS) -> str:
    """About `window` words around the earliest query-term match, with ellipses."""
    words = text.split()
    if len(words) <= window:
        return _unspaced_cut(" ".join(words), query_terms)
    first = _first_match(text, query_terms)
    start = max(0, min(first - window // 3, len(words) - window))
    piece = " ".join(words[start : start + window])
    piece = ("…" if start else "") + piece + ("…" if start + window < len(words) else "")
    return _unspaced_cut(piece, query_terms)


def _unspaced_cut(piece: str, query_terms: list[str]) -> str:
    """About WINDOW_CHARS characters around the first query run found in a long piece of
    CJK or Thai text; any other piece as it is."""
    if len(piece) <= WINDOW_CHARS or not has_unspaced(piece):
        return piece
    found = [piece.find(run) for term in query_terms for run in runs(term)]
    first = min((at for at in found if at >= 0), default=0)
    start = max(0, min(first - WINDOW_CHARS // 3, len(piece) - WINDOW_CHARS))
    cut = piece[start : start + WINDOW_CHARS]
    return ("…" if start else "") + cut + ("…" if start + WINDOW_CHARS < len(piece) else "")


def _first_match(text: str, query_terms: list[str]) -> int:
    """Word index of the first word starting like a query term (stemming lives in the index,
    not here; a shared prefix is close enough to place a snippet)."""
    prefixes = sorted({t[:STEM_PREFIX] for t in query_terms if t}, key=len, reverse=True)
    if not prefixes:
        return 0
    found = re.search(r"\b(?:" + "|".join(map(re.escape, prefixes)) + ")", text, re.IGNORECASE)
    return len(text[: found.start()].split()) if found else 0
