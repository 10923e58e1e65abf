"""Who said a message, how long it is, and the floor below which recall returns nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amber.importing import available_importers, import_file
from amber.retrieval import relevance
from amber.retrieval.documents import Documents
from amber.retrieval.hits import STRONG, WEAK
from amber.retrieval.recall import RecallOptions
from amber.retrieval.relevance import (
    AGREEING_HITS,
    Evidence,
    answer_at_all,
    channels_agree,
    standout_margin,
    typical_similarity,
)
from amber.retrieval.signals import (
    ANSWER_FACTOR,
    LENGTH_PIVOT,
    asks_for_answers,
    length_factor,
    role_factor,
)
from amber.service import MemoryService
from amber.store import search
from amber.store.search import SearchFilter

BACKGROUND = [
    "The train was late again this morning",
    "Lunch at noon tomorrow?",
    "I fixed the bike brakes on Sunday",
    "Rain all week here, the garden is happy",
    "The meeting moved to Friday afternoon",
    "Reading a good novel about sailors lately",
    "We should repaint the kitchen in spring",
    "My sister starts her new job in March",
]
LONG_ANSWER = (
    "Great question about where to keep old sneakers! Old sneakers last longer when you keep "
    "them somewhere cool and dry. Many people keep old sneakers in a closet, some keep old "
    "sneakers in boxes, and a shoe rack keeps them aired. "
) + "Sneakers made of leather need conditioning, and canvas ones need brushing. " * 20


def _import(service: MemoryService, tmp_path: Path, conversations: list[dict]) -> None:
    """The conversations next to unrelated talk, so that every word is not common."""
    background = {
        "id": "background",
        "messages": [{"id": f"b{i}", "speaker": "Cy", "text": t} for i, t in enumerate(BACKGROUND)],
    }
    path = tmp_path / "talk.json"
    path.write_text(json.dumps([background, *conversations]))
    import_file(service.db, path, available_importers(False)["generic"], "test")


def _message_ids(hits: list) -> list[str]:
    return [h.sources[0].message_id for h in hits]


def use_dense(service: MemoryService, similarity: dict[int, float]) -> None:
    """A vector channel with fixed similarities for the memory's events, which count as
    embedded (none waits in the vector queue)."""
    with service.db.write() as conn:
        conn.execute("DELETE FROM vector_queue")
    service.recaller.extra_channels["vector"] = FakeDense(similarity)


class FakeDense:
    """A vector channel with fixed cosine similarities, for the floor's decisions."""

    def __init__(self, similarity: dict[int, float]) -> None:
        self.similarity = similarity

    def __call__(self, query: str, flt: SearchFilter, pool: int) -> list[tuple[int, float]]:
        return sorted(self.similarity.items(), key=lambda kv: -kv[1])[:pool]

    def similarities(self, query: str, keys: list[int]) -> dict[int, float]:
        return {k: self.similarity[k] for k in keys if k in self.similarity}


def _event_keys(service: MemoryService) -> dict[str, int]:
    return dict(service.db.query("SELECT message_id, rowid FROM events"))


def test_an_assistants_answer_and_a_long_text_count_for_less() -> None:
    assert role_factor("assistant") == ANSWER_FACTOR < 1.0
    assert role_factor(" Tool") == ANSWER_FACTOR
    assert role_factor("user") == role_factor("Caroline") == role_factor("") == 1.0
    assert length_factor("word " * LENGTH_PIVOT) == 1.0
    assert length_factor("word " * LENGTH_PIVOT * 4) == 0.5


def test_a_long_entry_counts_for_less_by_its_words_as_a_long_message_does(
    service: MemoryService,
) -> None:
    """A person page that repeats a name in every line must not outrank, by its size,
    the short entry that answers (scripts/bench_tree.py)."""
    lines = [f"- Ana talked about day {i} of her week at the office." for i in range(40)]
    page = service.remember("\n".join(lines), title="Ana", path="people", kind="person")
    part = service.remember("- Ana bought a kayak for the lake.", path="episodes")
    keys = search.keys_for_entry_ids(service.db, [page.id, part.id])
    docs = Documents(service.db)
    docs.load(list(keys.values()))
    assert docs.length_factor(keys[part.id]) == 1.0
    assert docs.length_factor(keys[page.id]) == length_factor(page.body) < 0.5


def test_a_persons_short_statement_beats_an_assistants_long_answer(
    service: MemoryService, tmp_path: Path
) -> None:
    chat = {
        "id": "shoes",
        "messages": [
            {"id": "u1", "speaker": "user", "text": "I keep my old sneakers under the bed."},
            {"id": "a1", "speaker": "assistant", "text": LONG_ANSWER},
        ],
    }
    _import(service, tmp_path, [chat])
    hits = service.recall("where do I keep my old sneakers", RecallOptions(mode="lexical"))
    assert _message_ids(hits)[:2] == ["u1", "a1"]


def test_a_question_about_what_an_assistant_said_is_told_apart() -> None:
    assert asks_for_answers("Which restaurant did you recommend in Bandung?")
    assert asks_for_answers("In our previous chat about the campaign, what was the budget?")
    assert asks_for_answers("what you've suggested for the auth bug")
    assert not asks_for_answers("Where do I keep my old sneakers?")
    assert not asks_for_answers("Can you remind me where I put the keys?")
    assert not asks_for_answers("What do you think about a NAS?")
    assert role_factor("assistant", answers_asked=True) == 1.0
    assert role_factor("user", answers_asked=True) == 1.0


RESTAURANT_CHAT = {
    "id": "trip",
    "messages": [
        {
            "id": "u1",
            "speaker": "user",
            "text": "We need a restaurant in Bandung for a family dinner.",
        },
        {
            "id": "a1",
            "speaker": "assistant",
            "text": "I recommend Kedai Sunda, a restaurant in Bandung known for nasi goreng.",
        },
    ],
}


def test_an_assistants_answer_comes_first_when_the_query_asks_what_it_said(
    service: MemoryService, tmp_path: Path
) -> None:
    _import(service, tmp_path, [RESTAURANT_CHAT])
    asked = "which restaurant in Bandung did you recommend"
    assert _message_ids(service.recall(asked, RecallOptions(mode="lexical")))[0] == "a1"
    plain = "restaurant in Bandung"
    assert _message_ids(service.recall(plain, RecallOptions(mode="lexical")))[0] == "u1"


def test_an_answer_without_vectors_is_credited_by_its_words_when_asked_for(
    service: MemoryService, tmp_path: Path
) -> None:
    """A machine's messages are never embedded; beside messages the vector channel ranks,
    the answer asked for would lose to the question before it on meaning alone."""
    _import(service, tmp_path, [RESTAURANT_CHAT])
    keys = _event_keys(service)
    use_dense(service, {keys["u1"]: 0.8, keys["b0"]: 0.3})
    asked = "which Bandung restaurant did you recommend for nasi goreng"
    assert _message_ids(service.recall(asked, RecallOptions(mode="hybrid")))[0] == "a1"


def test_a_long_message_counts_for_less_by_its_words_not_by_its_meaning(
    service: MemoryService, tmp_path: Path
) -> None:
    """BM25's length normalisation is what the length factor corrects; a vector's nearness
    has no length bias, so a long message the embedder finds closest stays first."""
    diary = "I finally repaired the old sailing boat with my father this summer. " * 12
    chat = {
        "id": "boat",
        "messages": [
            {"id": "long", "speaker": "user", "text": diary},
            {"id": "short", "speaker": "user", "text": "Sailing lessons start in June"},
        ],
    }
    _import(service, tmp_path, [chat])
    keys = _event_keys(service)
    close = {keys["long"]: 0.7, keys["short"]: 0.55}
    use_dense(service, close)
    assert _message_ids(service.recall("sailing", RecallOptions(mode="lexical")))[0] == "short"
    hits = service.recall("mending a yacht", RecallOptions(mode="hybrid"))
    assert _message_ids(hits)[0] == "long"


def test_neighbours_lend_only_to_messages_found_on_their_own(
    service: MemoryService, tmp_path: Path
) -> None:
    """Before, the message next to a hit rode on its score into the results though it shares
    nothing with the query (nor has the hit among the messages before it)."""
    chat = {
        "id": "dog",
        "messages": [
            {"id": "m0", "speaker": "Ana", "text": "Morning! Coffee first."},
            {"id": "m1", "speaker": "Ben", "text": "I adopted a greyhound called Biscuit"},
        ],
    }
    _import(service, tmp_path, [chat])
    hits = service.recall("greyhound Biscuit", RecallOptions(mode="lexical"))
    assert _message_ids(hits) == ["m1"]


def test_evidence_decides_the_match() -> None:
    assert Evidence(("exact",)).match() == STRONG
    assert Evidence(("lexical",), words=0.9).match() == STRONG
    assert Evidence(("lexical",), words=0.2).match() == WEAK
    assert Evidence(("vector",), similarity=0.9).match() == STRONG
    assert Evidence(("vector",), similarity=0.05).match() is None
    assert Evidence(("relation",)).match() == WEAK
    # A paraphrase is only moderately close, but far closer than the rest of the memory;
    # how far it must stand out grows with the vectors it was compared with.
    in_500 = standout_margin(500)
    assert Evidence(("vector",), similarity=0.36, typical=0.05, margin=in_500).match() == STRONG
    assert Evidence(("vector",), similarity=0.36, typical=0.2, margin=in_500).match() == WEAK
    in_2 = standout_margin(2)
    assert Evidence(("vector",), similarity=0.35, typical=0.14, margin=in_2).match() == STRONG
    assert Evidence(("vector",), similarity=0.35, typical=0.14, margin=in_500).match() == WEAK
    margins = [standout_margin(n) for n in (0, 2, 10, 500, 100_000)]
    assert margins[0] == margins[1] < margins[2] < margins[3] < margins[4]
    assert typical_similarity([0.9, 0.2, 0.1, 0.3]) == 0.2
    assert typical_similarity([0.9]) == 0.0
    assert answer_at_all([WEAK, WEAK], vectors_took_part=False)
    assert not answer_at_all([WEAK, None], vectors_took_part=True)
    assert answer_at_all([WEAK, STRONG], vectors_took_part=True)


def test_a_nonsense_query_returns_nothing_though_vectors_always_find_something(
    service: MemoryService, tmp_path: Path
) -> None:
    _import(service, tmp_path, [])
    keys = _event_keys(service)
    use_dense(service, {k: 0.12 for k in keys.values()})
    assert service.recall("zzqqxx", RecallOptions(mode="hybrid")) == []
    assert service.recall("zzqqxx", RecallOptions(mode="vector")) == []
    # One shared word and a loose likeness are what noise looks like, too.
    assert service.recall("bike parrots tuba", RecallOptions(mode="hybrid")) == []
    lexical = service.recall("bike parrots tuba", RecallOptions(mode="lexical"))
    assert lexical[0].snippet == "I fixed the bike brakes on Sunday"
    assert {h.match for h in lexical} == {WEAK}  # words alone cannot tell: shown, labelled


REUNION_TALK = [
    "Lee says the class reunion is in a barn this year",
    "I found my old yearbook while packing for the reunion",
    "Sam cannot come to the reunion, his flight is booked",
    "The reunion playlist needs more songs from our teens",
]


@pytest.mark.parametrize(("close", "answered"), [(0.32, True), (0.25, False)])
def test_several_hits_that_words_and_meaning_agree_on_answer_a_vague_query(
    service: MemoryService, tmp_path: Path, close: float, answered: bool
) -> None:
    """No hit is strong (a quarter of the query's information, similarity 0.32), but four
    are found by both channels: the memory speaks of the topic. Merely near (0.25), the same
    words are what noise looks like."""
    talk = {
        "id": "reunion",
        "messages": [
            {"id": f"r{i}", "speaker": "Cy", "text": t} for i, t in enumerate(REUNION_TALK)
        ],
    }
    _import(service, tmp_path, [talk])
    keys = _event_keys(service)
    similarity = {k: 0.22 for k in keys.values()}
    similarity |= {keys[f"r{i}"]: close for i in range(len(REUNION_TALK))}
    use_dense(service, similarity)
    hits = service.recall("reunion nostalgia", RecallOptions(mode="hybrid"))
    assert {h.match for h in hits} <= {WEAK}
    assert bool(hits) is answered


TRIP_TALK = [
    "Back from a road trip to Big Sur with friends",
    "The camping trip to Yosemite was cold at night",
    "Booked a day trip to Muir Woods for Sunday",
]


def test_words_that_give_a_question_its_form_are_not_its_topic(
    service: MemoryService, tmp_path: Path
) -> None:
    """ "Order", "earliest" and "latest" are rare in a memory of chats, so they held most
    of the question's information and its trip messages (similarity 0.28) looked like
    noise; the floor weighs the topic, trips, alone."""
    talk = {
        "id": "trips",
        "messages": [{"id": f"t{i}", "speaker": "Cy", "text": t} for i, t in enumerate(TRIP_TALK)],
    }
    _import(service, tmp_path, [talk])
    keys = _event_keys(service)
    similarity = {k: 0.15 for k in keys.values()}
    similarity |= {keys[f"t{i}"]: 0.28 for i in range(len(TRIP_TALK))}
    use_dense(service, similarity)
    hits = service.recall("What is the order of my trips, earliest to latest?")
    assert sorted(_message_ids(hits)) == ["t0", "t1", "t2"]
    assert service.recall("What is the order of my submarines, earliest to latest?") == []
    assert relevance.topical(["order", "trips", "earliest", "latest"]) == ["trips"]
    assert relevance.topical(["many", "times"]) == ["many", "times"]


def test_channels_agree_only_on_enough_hits_found_both_ways() -> None:
    both = Evidence(("lexical", "vector"), words=0.2, similarity=0.31)
    assert channels_agree([both] * AGREEING_HITS)
    assert not channels_agree([both] * (AGREEING_HITS - 1))
    by_meaning = Evidence(("vector",), words=0.0, similarity=0.5)
    assert not channels_agree([by_meaning] * AGREEING_HITS)
    few_words = Evidence(("lexical", "vector"), words=0.1, similarity=0.5)
    assert not channels_agree([few_words] * AGREEING_HITS)


def test_a_query_naming_someone_this_memory_knows_is_never_noise(
    service: MemoryService, tmp_path: Path
) -> None:
    chat = {
        "id": "church",
        "messages": [
            {"id": "c1", "speaker": "Caroline", "text": "I sing in the choir every Sunday"},
            {"id": "c2", "speaker": "Dana", "text": "That sounds lovely"},
        ],
    }
    _import(service, tmp_path, [chat])
    keys = _event_keys(service)
    use_dense(service, {k: 0.12 for k in keys.values()})
    hits = service.recall("Would Caroline be considered religious?", RecallOptions())
    assert _message_ids(hits)[0] == "c1"
    assert {h.match for h in hits} == {WEAK}
    assert service.recall("Would Zebulon be considered religious?", RecallOptions()) == []


def test_a_relevant_vector_only_hit_survives_the_floor(service: MemoryService) -> None:
    car = service.remember("The car needs new tyres before winter")
    piano = service.remember("My sister teaches piano in Lisbon")
    keys = search.keys_for_entry_ids(service.db, [car.id, piano.id])
    close = {keys[car.id]: 0.62, keys[piano.id]: 0.04}
    use_dense(service, close)
    assert not service.recall("automobile maintenance", RecallOptions(mode="lexical"))
    hits = service.recall("automobile maintenance", RecallOptions(mode="vector"))
    assert [(h.id, h.match) for h in hits] == [(car.id, STRONG)]
    hybrid = service.recall("car tyres", RecallOptions(mode="hybrid"))
    assert [(h.id, h.match) for h in hybrid] == [(car.id, STRONG)]
    close[keys[car.id]] = 0.36  # MiniLM's cosine for this pair: nothing else comes near
    hits = service.recall("automobile maintenance", RecallOptions(mode="vector"))
    assert [(h.id, h.match) for h in hits] == [(car.id, STRONG)]


def test_whether_a_query_is_answered_does_not_depend_on_how_many_hits_are_asked(
    service: MemoryService, tmp_path: Path
) -> None:
    """Thirty-five messages share one word with the question; the message it means ranks
    below most of them, found by meaning only. Asking for 5, 10 or 15 hits reads the
    same evidence: a bigger page must not turn "no memories match" into an answer."""
    weeks = [
        {"id": f"w{i}", "speaker": "Cy", "text": f"The schedule for week {i} is busy"}
        for i in range(35)
    ]
    car = {"id": "car", "speaker": "Cy", "text": "The car needs new tyres before winter"}
    _import(service, tmp_path, [{"id": "plans", "messages": [*weeks, car]}])
    keys = _event_keys(service)
    similarity = {key: 0.10 for key in keys.values()}
    similarity[keys["car"]] = 0.70
    use_dense(service, similarity)
    query = "automobile maintenance schedule"
    answered = {k: service.recall(query, RecallOptions(k=k, mode="hybrid")) for k in (5, 10, 15)}
    assert all(answered.values())
    assert all(len(hits) <= k for k, hits in answered.items())
