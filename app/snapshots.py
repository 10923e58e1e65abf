"""Snapshots of a view: what a window showed, read again every few seconds. Consecutive
snapshots of the same view whose text is nearly the same are one event with a time span.

A draft with a `view` (the screen source sets it to the window) is compared with the
latest stored event of that view among the last few of its thread (an app's windows
interleave: switching back to a tab continues its event). Nearly the same text extends
that event's span (`first_seen`, `last_seen`, `frames` in its meta) and stores no text;
anything else is a new event. The comparison is with the stored text, the span's first,
never with the previous frame, so slow typing or scrolling cannot drift one event
forever: once about a sixth of the word pairs are new, a new event starts.

This is done in ingest, not in the source, because there it compares with what is stored
(after redaction, across daemon restarts) and any source of snapshots gets it by naming
its view.

Similarity is the Jaccard index of word pairs: a misread word spoils two pairs, a line
reflowed by a moved or resized window none, a moved paragraph only the pairs at its
edges. Measured on a screen of 160 words read twice with independent misreads of one
word in fifty each (tests/test_screen_dedup.py; real re-reads of the same pixels repeat
their misreads, so they score higher): median 0.90, 5th percentile 0.84; one paragraph of
five replaced: 0.60 to 0.63; one new sentence of 14 words: 0.79 to 0.88. At 0.85 (the
screen source's threshold since it skipped such frames) a changed paragraph is always a
new event, most re-reads merge, and a single new sentence is a new event more often than
not; a lower threshold would merge more re-reads and lose more such sentences.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import pairwise

import sqlcipher3

from amber.clock import iso
from amber.events import EventDraft
from amber.store import spans

SIMILAR = 0.85  # word-pair Jaccard at or above which a snapshot continues its view's event
RECENT = 8  # how many of a thread's latest events may hold the view's event


def shingles(text: str) -> frozenset[str]:
    """The text's word pairs, case folded (a single word: itself)."""
    words = re.findall(r"\w+", text.casefold())
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in pairwise(words))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' word pairs (1.0 for two texts without words)."""
    first, second = shingles(a), shingles(b)
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


@dataclass(frozen=True)
class Span:
    rowid: int
    meta: dict[str, object]


def with_span(draft: EventDraft) -> dict[str, object]:
    """The meta a snapshot's new event starts with: its view and a span of one frame."""
    seen = iso(draft.timestamp) if draft.timestamp else None
    return {**draft.meta, "view": draft.view, "first_seen": seen, "last_seen": seen, "frames": 1}


def merge(conn: sqlcipher3.Connection, draft: EventDraft, threshold: float = SIMILAR) -> bool:
    """Extend the span of the view's latest event when `draft` nearly repeats its text;
    False: it is new (the caller stores it)."""
    latest = _latest_of_view(conn, draft)
    if latest is None:
        return False
    rowid, text, meta = latest
    if similarity(text, draft.text) < threshold:
        return False
    spans.set_meta(conn, rowid, json.dumps(_extended(meta, draft)))
    return True


def _latest_of_view(conn: sqlcipher3.Connection, draft: EventDraft) -> tuple | None:
    for rowid, text, raw in spans.latest_in_thread(conn, draft.source, draft.conversation, RECENT):
        meta = _meta(raw)
        if meta.get("view") == draft.view:
            return rowid, text, meta
    return None


def _extended(meta: dict[str, object], draft: EventDraft) -> dict[str, object]:
    seen = iso(draft.timestamp) if draft.timestamp else None
    last = meta.get("last_seen")
    extended = {**meta, "frames": int(str(meta.get("frames") or 1)) + 1}
    if seen and (not isinstance(last, str) or seen > last):
        extended["last_seen"] = seen
    image = draft.meta.get("image")
    if isinstance(image, str) and image:  # a kept screenshot goes when the event does
        listed = meta.get("merged_images")
        extended["merged_images"] = [*(listed if isinstance(listed, list) else []), image]
    return extended


def _meta(raw: str) -> dict[str, object]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
