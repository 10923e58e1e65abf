"""The one way events enter memory: `amber import`, the capture daemon and the tailed
agent sessions all store their drafts through `ingest`.

Inside the caller's transaction, for every draft: a text over the size limit is cut to
its start and end, with a note saying how much is left out and the sha256 of the whole
(a 200 MB paste would otherwise slow every later recall); secrets are redacted from its
text and its title; text from an untrusted source (a screen, a file, a web page, a tool's output)
that reads like orders to an AI is flagged in `meta`, so that recall and the MCP server
show it as quoted data; then it is inserted, once (events are unique by their dedup key,
so a batch that comes twice adds nothing the second time). A snapshot (a draft with a
`view`, such as a screen's window) that nearly repeats its view's latest event extends
that event's time span instead (amber/snapshots.py). The caller commits, together
with whatever else belongs to the same unit (an import's audit record, a source's
progress), so nothing is acknowledged before it is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import sqlcipher3

from amber.config import MAX_EVENT_BYTES
from amber.events import EventDraft
from amber.redact import Redaction, redact
from amber.snapshots import merge, with_span
from amber.store import events as event_rows
from amber.trust import TRUSTED, flagged_signals


@dataclass(frozen=True)
class Ingested:
    added: int  # new events (the rest were known already)
    redacted: int  # secrets replaced by [REDACTED:<kind>] in the events' texts
    # Titles that held secrets (as stored), with how many: every message of a thread
    # carries its title, so a caller counts each title once.
    redacted_titles: dict[str, int] = field(default_factory=dict)
    merged: int = 0  # snapshots that extended an event's time span (counted in neither)


def ingest(
    conn: sqlcipher3.Connection,
    drafts: Iterable[EventDraft],
    max_bytes: int = MAX_EVENT_BYTES,
) -> Ingested:
    """Store the drafts not seen before, made safe to store (see the module docstring)."""
    prepared = [prepare(cut_to(draft, max_bytes)) for draft in drafts]
    added = event_rows.insert_events(conn, [p.draft for p in prepared if not p.draft.view])
    merged = 0
    for snapshot in (p.draft for p in prepared if p.draft.view):  # in order: one may extend
        if merge(conn, snapshot):  # the event an earlier one of this batch started
            merged += 1
        else:
            added += event_rows.insert_events(conn, [replace(snapshot, meta=with_span(snapshot))])
    titles = {p.draft.title: p.title_secrets for p in prepared if p.title_secrets}
    return Ingested(added, sum(p.text_secrets for p in prepared), titles, merged)


@dataclass(frozen=True)
class Prepared:
    draft: EventDraft  # as it may be stored
    text_secrets: int
    title_secrets: int


def prepare(draft: EventDraft) -> Prepared:
    """The draft as it may be stored, and how many secrets were taken out of it."""
    text = redact(draft.text)
    title = _redacted_title(draft.title) if draft.title else None
    new_title = title.text if title else draft.title
    meta = _flagged(draft, f"{new_title}\n{text.text}")
    title_secrets = len(title.kinds) if title else 0
    if text.text != draft.text or new_title != draft.title or meta is not draft.meta:
        draft = replace(draft, text=text.text, title=new_title, meta=meta)
    return Prepared(draft, len(text.kinds), title_secrets)


def cut_to(draft: EventDraft, max_bytes: int) -> EventDraft:
    """The draft with a text of at most about `max_bytes`: its start and its end."""
    data = draft.text.encode("utf-8", errors="replace")
    if len(data) <= max_bytes:
        return draft
    keep = max(max_bytes // 2 - 256, 1)
    digest = hashlib.sha256(data).hexdigest()
    note = (
        f"\n\n[... {len(data) - 2 * keep:,} of {len(data):,} bytes left out by Amber's "
        f"size limit ([index] max_event_bytes); sha256 of the whole text: {digest}]\n\n"
    )
    head = data[:keep].decode("utf-8", errors="ignore")
    tail = data[-keep:].decode("utf-8", errors="ignore")
    meta = {**draft.meta, "cut": {"bytes": len(data), "sha256": digest}}
    return replace(draft, text=head + note + tail, meta=meta)


@lru_cache(maxsize=1024)
def _redacted_title(title: str) -> Redaction:
    """Every message of a thread carries its title: redacted once, not once a message."""
    return redact(title)


def _flagged(draft: EventDraft, shown: str) -> dict[str, object]:
    signals = [] if draft.trust == TRUSTED else flagged_signals(shown)
    if not signals:
        return draft.meta
    return {**draft.meta, "flagged_as_instructions": True, "instruction_signals": signals}
