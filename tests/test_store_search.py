"""Store queries behind recall that were made faster must answer exactly as before: who
speaks in the stored messages (`SpeakerCache`, one index step per name), and which keys a
filter admits (`keys_matching`, event keys let through unread when no clause can turn an
event away)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from amber.events import EventDraft
from amber.ingest import ingest
from amber.service import MemoryService
from amber.store.search import SearchFilter, SpeakerCache, keys_matching

AUTHORS = ["Ana", "ana", "Zoë", "Bob", "", "assistant", "Ana", "Élodie", "Bob Stone", "user"]


def store(service: MemoryService, authors: list[str], start: int) -> None:
    drafts = [
        EventDraft(
            source="conversation",
            text=f"message {start + n} about the harbour",
            conversation="talk",
            message_id=f"m{start + n}",
            author=author,
            timestamp=datetime(2025, 3, 1, tzinfo=UTC),
        )
        for n, author in enumerate(authors)
    ]
    with service.db.write() as conn:
        ingest(conn, drafts)


def test_every_distinct_person_is_a_speaker_and_no_role(service: MemoryService) -> None:
    store(service, AUTHORS, 0)
    scanned = {r[0] for r in service.db.query("SELECT DISTINCT author FROM events") if r[0]}
    cache = SpeakerCache()
    terms = ["ana", "zoë", "bob", "élodie", "bob stone", "assistant", "user", "carol"]
    named = cache.named_in(service.db, terms)
    assert named == {"ana", "zoë", "bob", "élodie", "bob stone"}
    assert {a.casefold() for a in scanned} - {"assistant", "user"} == named


def test_speakers_who_arrive_later_are_noticed(service: MemoryService) -> None:
    store(service, ["Ana"], 0)
    cache = SpeakerCache()
    assert cache.named_in(service.db, ["ana", "carol"]) == {"ana"}
    store(service, ["Carol"], 1)
    assert cache.named_in(service.db, ["ana", "carol"]) == {"ana", "carol"}


def test_filters_admit_the_same_keys_with_or_without_reading_events(
    service: MemoryService,
) -> None:
    store(service, ["Ana", "Bob"], 0)
    events = [r[0] for r in service.db.query("SELECT rowid FROM events ORDER BY rowid")]
    kept = service.remember("Ana keeps the harbour keys", kind="fact", path="people")
    archived = Path(service.config.tree_dir) / "_archive" / "people" / "old.md"
    archived.parent.mkdir(parents=True)
    archived.write_text("---\nid: 01ARCHIVED\ntitle: Old keys\n---\nThe old harbour keys\n")
    service.reconcile()
    rows = service.db.query("SELECT id, -rowid FROM entries")
    entry = {entry_id: key for entry_id, key in rows}
    keys = [*events, entry[kept.id], entry["01ARCHIVED"]]
    everything = keys_matching(service.db, keys, SearchFilter())
    assert everything == {*events, entry[kept.id]}  # the archive stays out
    assert keys_matching(service.db, keys, SearchFilter(include_archived=True)) == set(keys)
    assert keys_matching(service.db, keys, SearchFilter(types=("event",))) == set(events)
    assert keys_matching(service.db, keys, SearchFilter(types=("entry",))) == {entry[kept.id]}
    assert keys_matching(service.db, keys, SearchFilter(source="shell")) == set()
    assert keys_matching(service.db, keys, SearchFilter(since="2025-03-02")) == {entry[kept.id]}
    assert keys_matching(service.db, keys, SearchFilter(kind="fact")) == {entry[kept.id]}
