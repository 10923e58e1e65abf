"""Who speaks in the stored messages (`store.search.SpeakerCache`): the names read one index
step at a time must be exactly the distinct authors a plain scan finds."""

from __future__ import annotations

from datetime import UTC, datetime

from amber.events import EventDraft
from amber.ingest import ingest
from amber.service import MemoryService
from amber.store.search import SpeakerCache

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
