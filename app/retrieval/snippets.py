"""Snippets: the part of a memory around the first word the query matched."""

from __future__ import annotations

import re

WINDOW_WORDS = 28
STEM_PREFIX = 4  # letters of a term compared, so "runs" finds "running"


def make_snippet(text: str, query_terms: list[str], window: int = WINDOW_WORDS) -> str:
    """About `window` words around the earliest query-term match, with ellipses."""
    words = text.split()
    if len(words) <= window:
        return " ".join(words)
    first = _first_match(text, query_terms)
    start = max(0, min(first - window // 3, len(words) - window))
    piece = " ".join(words[start : start + window])
    return ("…" if start else "") + piece + ("…" if start + window < len(words) else "")


def _first_match(text: str, query_terms: list[str]) -> int:
    """Word index of the first word starting like a query term (stemming lives in the index,
    not here; a shared prefix is close enough to place a snippet)."""
    prefixes = sorted({t[:STEM_PREFIX] for t in query_terms if t}, key=len, reverse=True)
    if not prefixes:
        return 0
    found = re.search(r"\b(?:" + "|".join(map(re.escape, prefixes)) + ")", text, re.IGNORECASE)
    return len(text[: found.start()].split()) if found else 0
