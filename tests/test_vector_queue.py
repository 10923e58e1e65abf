"""What waits for vectors: events queue as they are stored (newest embedded first, a
machine's words never), leave the queue when embedded or forgotten, and come back after a
reset; finding the next batch reads the queue, not every event."""

from __future__ import annotations

from pathlib import Path

from helpers.events import store_events

from amber.events import EventDraft
from amber.models.embedder import pack
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.store import vectors
from amber.store.forget import Selection

A_VECTOR = pack([0.5] * 8)  # sqlite-vec's binary codes need a multiple of 8 dimensions


def said(*lines: tuple[str, str]) -> list[EventDraft]:
    return [
        EventDraft(source="chat", text=text, conversation="c1", message_id=str(i), author=who)
        for i, (who, text) in enumerate(lines)
    ]


def queued(service: MemoryService) -> list[int]:
    return [row[0] for row in service.db.query("SELECT doc_key FROM vector_queue")]


def texts(docs: list[vectors.PendingDoc]) -> list[str]:
    return [doc.text for doc in docs]


def test_events_queue_newest_first_and_machine_words_never(service: MemoryService) -> None:
    store_events(
        service,
        said(
            ("Ana", "first: the kiln is fired on Fridays"),
            ("assistant", "Here are ten tips about kilns"),
            ("tool", "exit code 0"),
            ("agent:subagent", "search the repository"),
            ("user", "second: my glaze recipe uses cobalt"),
        ),
    )
    docs = vectors.pending(service.db, 10)
    assert texts(docs) == [
        "second: my glaze recipe uses cobalt",
        "first: the kiln is fired on Fridays",
    ]
    assert vectors.pending_count(service.db) == 2
    assert vectors.pending(service.db, 1)[0].text.startswith("second")


def test_entries_come_before_events_and_can_be_asked_for_alone(service: MemoryService) -> None:
    store_events(service, said(("Ana", "the kiln is fired on Fridays")))
    service.remember("Glaze recipes live in the blue notebook")
    assert texts(vectors.pending(service.db, 10))[1] == "the kiln is fired on Fridays"
    only_entries = vectors.pending(service.db, 10, events=False)
    assert len(only_entries) == 1 and "blue notebook" in only_entries[0].text
    assert vectors.pending_count(service.db, events=False) == 1
    assert vectors.pending_count(service.db) == 2


def test_an_embedded_event_leaves_the_queue(service: MemoryService) -> None:
    store_events(service, said(("Ana", "the kiln is fired on Fridays"), ("Ana", "cobalt glaze")))
    doc = vectors.pending(service.db, 1)[0]
    with service.db.write() as conn:
        vectors.store_doc(conn, doc, [A_VECTOR])
    assert [d.text for d in vectors.pending(service.db, 10)] == ["the kiln is fired on Fridays"]
    assert vectors.pending_count(service.db) == 1


def test_a_forgotten_event_leaves_the_queue(service: MemoryService) -> None:
    store_events(service, said(("Ana", "the kiln is fired on Fridays"), ("Ana", "cobalt glaze")))
    plan = service.forget_plan(Selection(match="cobalt"))
    assert len(plan.events) == 1
    service.forget_events(plan)
    assert texts(vectors.pending(service.db, 10)) == ["the kiln is fired on Fridays"]
    assert len(queued(service)) == 1


def test_a_reset_queues_every_event_again(service: MemoryService) -> None:
    store_events(service, said(("Ana", "the kiln is fired on Fridays"), ("bot", "ok")))
    doc = vectors.pending(service.db, 1)[0]
    with service.db.write() as conn:
        vectors.store_doc(conn, doc, [A_VECTOR])
    assert vectors.pending_count(service.db) == 0
    with service.db.write() as conn:
        vectors.reset(conn, "another-model", 4)
    assert texts(vectors.pending(service.db, 10)) == ["the kiln is fired on Fridays"]


def test_an_upgraded_index_queues_what_has_no_vectors(home: Path) -> None:
    """The migration fills the queue from the events already stored (refill_queue), leaving
    out those whose vectors exist."""
    with MemoryService.open(home) as service:
        store_events(service, said(("Ana", "kiln on Fridays"), ("Ana", "cobalt"), ("bot", "ok")))
        embedded = vectors.pending(service.db, 1)[0]
        with service.db.write() as conn:
            vectors.store_doc(conn, embedded, [A_VECTOR])
            conn.execute("DROP TABLE vector_queue")
            conn.execute("DELETE FROM schema_migrations WHERE name = 'm0014_vector_queue'")
    with MemoryService.open(home) as service:
        assert texts(vectors.pending(service.db, 10)) == ["kiln on Fridays"]


class FixedDense:
    """A vector channel that knows only the documents given, with fixed similarities."""

    def __init__(self, similarity: dict[int, float]) -> None:
        self.similarity = similarity

    def __call__(self, query: str, flt: object, pool: int) -> list[tuple[int, float]]:
        return sorted(self.similarity.items(), key=lambda kv: -kv[1])[:pool]

    def similarities(self, query: str, keys: list[int]) -> dict[int, float]:
        return {k: self.similarity[k] for k in keys if k in self.similarity}


def test_a_message_waiting_for_vectors_is_not_buried_by_embedded_ones(
    service: MemoryService,
) -> None:
    """Half a backlog embedded: the vector channel ranks only what has vectors, and the
    best match by words, still waiting, would fall below a weaker one that has them."""
    store_events(
        service,
        said(
            ("Ana", "The kiln firing schedule moved to Friday mornings"),
            ("Ana", "The kiln in the back room is cold again"),
            ("Ben", "Glaze colours for the spring market"),
            ("Ben", "Lunch at noon tomorrow?"),
        ),
    )
    keys = dict(service.db.query("SELECT message_id, rowid FROM events"))
    embedded = [d for d in vectors.pending(service.db, 10) if d.key != keys["0"]]
    with service.db.write() as conn:
        for doc in embedded:
            vectors.store_doc(conn, doc, [A_VECTOR])
    assert vectors.waiting(service.db, list(keys.values())) == {keys["0"]}
    close = {keys["1"]: 0.62, keys["2"]: 0.45, keys["3"]: 0.2}
    service.recaller.extra_channels["vector"] = FixedDense(close)
    hits = service.recall("kiln firing schedule", RecallOptions(mode="hybrid"))
    assert [h.sources[0].message_id for h in hits][:2] == ["0", "1"]


def test_words_decide_for_a_message_that_has_no_vectors_yet(service: MemoryService) -> None:
    """With vectors, a query with no strong hit answers nothing; but a message matched by
    its words and still waiting for vectors cannot be judged by its meaning, so as in
    lexical recall it is shown, labelled weak, until it has vectors."""
    store_events(
        service,
        said(
            ("Ana", "I fixed the bike brakes on Sunday"),
            ("Ben", "Rain all week here, the garden is happy"),
            ("Ben", "The meeting moved to Friday afternoon"),
            ("Cy", "Reading a good novel about sailors lately"),
        ),
    )
    keys = dict(service.db.query("SELECT message_id, rowid FROM events"))
    with service.db.write() as conn:
        for doc in vectors.pending(service.db, 10):
            if doc.key != keys["0"]:
                vectors.store_doc(conn, doc, [A_VECTOR])
    loose = {key: 0.12 for name, key in keys.items() if name != "0"}
    service.recaller.extra_channels["vector"] = FixedDense(loose)
    hits = service.recall("bike parrots tuba", RecallOptions(mode="hybrid"))
    assert hits[0].snippet == "I fixed the bike brakes on Sunday"
    assert {h.match for h in hits} == {"weak"}
    with service.db.write() as conn:
        vectors.store_doc(conn, vectors.pending(service.db, 1)[0], [A_VECTOR])
    service.recaller.extra_channels["vector"] = FixedDense({**loose, keys["0"]: 0.12})
    assert service.recall("bike parrots tuba", RecallOptions(mode="hybrid")) == []
