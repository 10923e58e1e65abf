"""Zero-LLM recall: names, BM25 with stemming, filters, time phrases, fusion signals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from amber.errors import InvalidInputError
from amber.importing import available_importers, import_file
from amber.retrieval import fusion
from amber.retrieval.fusion import QUESTION_FACTOR, TIME_MATCH_FACTOR, question_factor, time_factor
from amber.retrieval.query import quoted_phrases, without_words
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.store import search

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def _conversation(tmp_path: Path) -> Path:
    messages = [
        {
            "id": "m1",
            "speaker": "Ana",
            "timestamp": "2026-05-08T10:00:00Z",
            "text": "I adopted a greyhound called Biscuit",
        },
        {
            "id": "m2",
            "speaker": "Ben",
            "timestamp": "2026-05-08T10:01:00Z",
            "text": "Lovely! Is Biscuit good with cats?",
            "attachments": [{"caption": "a dog on a sofa"}],
        },
        {
            "id": "m3",
            "speaker": "Ana",
            "timestamp": "2026-10-01T09:00:00Z",
            "text": "We started pottery classes on Thursdays",
        },
    ]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"id": "chat-1", "title": "Catch-up", "messages": messages}))
    return path


def _import(service: MemoryService, path: Path) -> None:
    """Imports the conversation next to some unrelated talk: in a memory of three messages
    every word is common, and BM25 would rank them all alike."""
    background = path.with_name("background.json")
    said = [
        "The train was late again",
        "Lunch at noon?",
        "Sure, the usual place",
        "I fixed the bike brakes",
        "Rain all week here",
        "The garden needs water",
        "Meeting moved to Friday",
        "Read a good novel lately",
        "Tea or coffee?",
    ]
    messages = [
        {"id": f"b{i}", "speaker": "Cy", "timestamp": "2026-01-02T10:00:00Z", "text": t}
        for i, t in enumerate(said)
    ]
    background.write_text(json.dumps({"id": "chat-0", "title": "Other", "messages": messages}))
    for file in (background, path):
        import_file(service.db, file, available_importers(False)["generic"], "test")


def test_exact_title_and_alias_rank_first(service: MemoryService) -> None:
    target = service.remember("Her number is in the blue book", title="Grandma", aliases=["Nana"])
    for i in range(5):
        service.remember(f"Grandma recipe number {i}: soup with grandma's herbs")
    hits = service.recall("nana")
    assert hits[0].id == target.id
    assert "exact" in hits[0].channels
    assert service.recall("Grandma")[0].id == target.id


def test_stemming_and_stopwords(service: MemoryService) -> None:
    entry = service.remember("She was running marathons every spring")
    assert service.recall("what about the runner who runs")[0].id == entry.id
    assert service.recall("marathon")[0].id == entry.id


def test_event_hits_carry_message_provenance(service: MemoryService, tmp_path: Path) -> None:
    path = _conversation(tmp_path)
    _import(service, path)
    hit = service.recall("greyhound")[0]
    assert hit.type == "event"
    assert hit.path is None
    src = hit.to_json()["sources"][0]
    assert src["conversation"] == "chat-1"
    assert src["message_id"] == "m1"
    assert src["source"] == "conversation"
    assert src["uri"] == str(path.resolve())
    assert src["event"] == hit.id
    assert src["timestamp"] == "2026-05-08T10:00:00Z"
    assert service.recall("sofa")[0].sources[0].message_id == "m2"  # attachment caption


def test_entry_sources_resolve_to_events(service: MemoryService, tmp_path: Path) -> None:
    _import(service, _conversation(tmp_path))
    entry = service.remember(
        "Ana has a greyhound named Biscuit",
        kind="fact",
        sources=["conversation:chat-1#m1", "https://example.org/dogs", "notes/dogs.md"],
    )
    hit = next(h for h in service.recall("Biscuit greyhound") if h.type == "entry")
    assert hit.id == entry.id
    kinds = [(s.source, s.message_id) for s in hit.sources]
    assert kinds == [("conversation", "m1"), ("web", None), ("file", None)]
    assert hit.sources[0].event is not None


def test_filters(service: MemoryService, tmp_path: Path) -> None:
    _import(service, _conversation(tmp_path))
    fact = service.remember("Pottery studio is on Elm street", kind="fact", path="hobbies")
    service.remember("Pottery glaze order", kind="note", path="shopping")
    assert [h.id for h in service.recall("pottery", RecallOptions(paths=("hobbies",)))] == [fact.id]
    assert [h.id for h in service.recall("pottery", RecallOptions(kind="fact"))] == [fact.id]
    events = service.recall("pottery", RecallOptions(source="conversation"))
    assert events
    assert all(h.type == "event" for h in events)
    cut = datetime(2026, 5, 8, 10, 0, 30, tzinfo=UTC)
    since = service.recall("biscuit", RecallOptions(since=cut))
    assert since[0].sources[0].message_id == "m2"
    assert "lexical" in since[0].channels
    assert all((h.timestamp or "") >= "2026-05-08T10:00:30Z" for h in since)
    until = service.recall("biscuit", RecallOptions(until=cut))
    assert [h.sources[0].message_id for h in until] == ["m1"]


def test_several_folders_are_searched_as_one(service: MemoryService, tmp_path: Path) -> None:
    _import(service, _conversation(tmp_path))  # events mention pottery too; folders hold none
    studio = service.remember("Pottery studio is on Elm street", path="hobbies/clay")
    glaze = service.remember("Pottery glaze order", path="shopping")
    service.remember("Pottery class with Ana", path="people/ana")
    both = RecallOptions(paths=("hobbies", "shopping"))
    assert {h.id for h in service.recall("pottery", both)} == {studio.id, glaze.id}
    # A date bound makes the folder test run in SQL instead of in the full-text match.
    dated = RecallOptions(paths=("hobbies", "shopping"), since=datetime(2000, 1, 1, tzinfo=UTC))
    assert {h.id for h in service.recall("pottery", dated)} == {studio.id, glaze.id}
    everywhere = service.recall("pottery", RecallOptions(paths=("", "shopping"), k=50))
    assert {"entry", "event"} <= {h.type for h in everywhere}
    # Channels without a full-text match (vectors) filter in SQL: there '_' in a folder name
    # must stay a literal, not LIKE's one-character wildcard.
    service.remember("Pottery kiln manual", path="hobbiesXclay")
    service.remember("Pottery wheel manual", path="hobbies_clay")
    keys = [r[0] for r in service.db.query("SELECT rowid FROM search")]
    folders = search.keys_matching(service.db, keys, search.SearchFilter(paths=("hobbies_clay",)))
    paths = {
        r[0]
        for r in service.db.query(
            f"SELECT path FROM search WHERE rowid IN ({','.join(map(str, folders))})"
        )
    }
    assert [p.rpartition("/")[0] for p in paths] == ["hobbies_clay"]


def test_time_phrase_becomes_a_boost_and_is_not_searched(
    service: MemoryService, tmp_path: Path
) -> None:
    _import(service, _conversation(tmp_path))
    hits = service.recall("what did Ana say last May", RecallOptions(now=NOW))
    assert hits
    assert hits[0].timestamp is not None
    assert hits[0].timestamp.startswith("2026-05")
    only_time = service.recall("last October", RecallOptions(now=NOW))
    assert [h.sources[0].message_id for h in only_time] == ["m3"]


def test_a_time_range_is_fuzzy_at_its_edges() -> None:
    """ "Last week" asked on Tuesday 30 May: the calendar week of the 22nd, and half the
    boost for the Saturday before it, when the jog happened; a month away, none."""
    week = (datetime(2023, 5, 22, tzinfo=UTC), datetime(2023, 5, 29, tzinfo=UTC))
    assert time_factor("2023-05-24T10:00:00Z", *week) == TIME_MATCH_FACTOR
    assert 1.0 < time_factor("2023-05-20T18:15:00Z", *week) < TIME_MATCH_FACTOR
    assert time_factor("2023-05-30T09:00:00Z", *week) == time_factor("2023-05-20T18:15:00Z", *week)
    assert time_factor("2023-05-16T10:00:00Z", *week) == 1.0
    assert time_factor("2023-04-24T10:00:00Z", *week) == 1.0
    assert time_factor(None, *week) == 1.0
    day = (datetime(2023, 5, 22, tzinfo=UTC), datetime(2023, 5, 23, tzinfo=UTC))
    assert time_factor("2023-05-23T18:00:00Z", *day) == 1.0  # half a day's edge, not more
    years = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC))
    assert time_factor("2023-01-10T00:00:00Z", *years) == 1.0  # "before 2023": days, not decades


def test_superseded_entries_are_demoted_and_archive_hidden(service: MemoryService) -> None:
    old = service.remember("Caroline lives in Berlin", kind="fact", path="people")
    new = service.remember("Caroline lives in Paris now", kind="fact", path="people")
    path = service.config.tree_dir / old.path
    path.write_text(
        path.read_text().replace("kind: fact", f"kind: fact\nsuperseded_by: [{new.id}]")
    )
    service.reconcile()
    hits = service.recall("where does Caroline live")
    assert hits[0].id == new.id
    assert hits[1].superseded
    archived = service.config.tree_dir / "_archive" / "people" / "old.md"
    archived.parent.mkdir(parents=True)
    archived.write_text("---\nid: 01ARCHIVED\ntitle: Caroline in Hamburg\n---\nLived in Hamburg\n")
    service.reconcile()
    assert all(h.id != "01ARCHIVED" for h in service.recall("Hamburg"))
    assert service.recall("Hamburg", RecallOptions(include_archived=True))[0].id == "01ARCHIVED"


def test_neighbouring_messages_lend_context(service: MemoryService, tmp_path: Path) -> None:
    """A message that shares no word with the query is found through the ones before it (its
    full-text context) and next to it (a share of their score), below the message itself."""
    _import(service, _conversation(tmp_path))
    hits = service.recall("Is Biscuit good with cats?")
    by_message = {h.sources[0].message_id: h for h in hits}
    assert hits[0].sources[0].message_id == "m2"
    assert "context" in by_message["m1"].channels or "lexical" in by_message["m1"].channels
    assert set(by_message["m3"].channels) == {"lexical", "context"}
    assert by_message["m3"].score < hits[0].score
    lexical_only = service.recall("Is Biscuit good with cats?", RecallOptions(mode="lexical"))
    assert "m3" in {h.sources[0].message_id for h in lexical_only}


@pytest.mark.parametrize("pair_weight", [0.0, None])
def test_query_words_found_together_rank_a_message_first(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch, pair_weight: float | None
) -> None:
    """ "Spanish classes" side by side answers "my Spanish classes"; the two words in
    different sentences seldom do. BM25 alone prefers the shorter message holding both."""
    together = service.remember(
        "Since March I have been taking Spanish classes with a teacher from Valencia, "
        "twice a week after work"
    )
    apart = service.remember("Cooked Spanish food for the whole family. Yoga classes are full")
    for i in range(8):
        service.remember(f"Unrelated note number {i} about the garden and the weather")
    if pair_weight is not None:
        monkeypatch.setattr(fusion, "PAIR_WEIGHT", pair_weight)
    question = "when did I start my Spanish classes"
    for options in (
        RecallOptions(mode="lexical"),
        RecallOptions(mode="lexical", since=NOW.replace(year=2000)),
    ):
        first = service.recall(question, options)[0].id
        assert first == (apart.id if pair_weight == 0.0 else together.id)


def test_a_quoted_phrase_is_matched_as_written(service: MemoryService) -> None:
    """Inside quotes every word counts, "the" too: 'The Power' is a title, "power" a word
    that a shorter note holds as well."""
    title = service.remember(
        "Finished listening to The Power by Naomi Alderman on the train home last night"
    )
    word = service.remember("Finished charging, but power cuts again")
    for i in range(8):
        service.remember(f"Unrelated note number {i} about the garden and the weather")
    plain = service.recall("when did I finish the power", RecallOptions(mode="lexical"))
    assert plain[0].id == word.id  # shorter, so BM25 alone puts it first
    for question in ("when did I finish 'The Power'", 'when did I finish "the power"'):
        assert service.recall(question, RecallOptions(mode="lexical"))[0].id == title.id
    titled = service.remember("Alderman, 2016; a book club pick", title="Notes on The Power")
    service.remember("Grid outage", title="Power notes")
    hits = service.recall("my notes on 'the power'", RecallOptions(mode="lexical"))
    assert hits[0].id == titled.id  # an entry's title is its own words too


def test_quoted_phrases_are_read_from_every_kind_of_quote() -> None:
    question = "reading 'The Nightingale' and “Becoming Nicole”, not Ana's \"x\" or don't"
    phrases = quoted_phrases(question)
    assert phrases is not None
    assert phrases.search("I finished THE  Nightingale!")
    assert phrases.search("becoming-nicole")
    assert not phrases.search("the nightingales")
    assert not phrases.search("Ana's x")
    assert quoted_phrases("nothing 'quoted' here") is None  # one word is a word


def test_an_answer_is_found_through_the_question_it_answers(
    service: MemoryService, tmp_path: Path
) -> None:
    path = tmp_path / "trip.json"
    messages = [
        {"id": "q", "speaker": "Ana", "text": "Which country did you cycle across?"},
        {"id": "a", "speaker": "Bo", "text": "Sweden, twice! The lakes were lovely."},
    ]
    path.write_text(json.dumps({"id": "trip", "messages": messages}))
    _import(service, path)
    hits = service.recall("which country did you cycle across", RecallOptions(mode="lexical"))
    by_message = {h.sources[0].message_id: h for h in hits}
    assert "lexical" in by_message["a"].channels  # through its context column


def test_a_message_that_only_asks_counts_less() -> None:
    assert question_factor("Where did you go last summer?") == pytest.approx(QUESTION_FACTOR)
    assert question_factor("Sweden, twice. Lovely lakes!") == 1.0
    mixed = question_factor("We went to Sweden twice. How about you?")
    assert QUESTION_FACTOR < mixed < 1.0
    assert question_factor("Look! [image: is this a dog? a photo]") == 1.0
    assert question_factor("") == 1.0


def test_speaker_named_in_query_is_preferred(service: MemoryService, tmp_path: Path) -> None:
    path = tmp_path / "talk.json"
    messages = [
        {"id": "a1", "speaker": "Ana", "text": "Ben, how was the climbing trip?"},
        {"id": "b1", "speaker": "Ben", "text": "The climbing trip was great, Ana"},
    ]
    path.write_text(json.dumps({"id": "talk", "messages": messages}))
    _import(service, path)
    assert (
        service.recall("what did Ben say about the climbing trip")[0].sources[0].message_id == "b1"
    )
    assert (
        service.recall("what did Ana ask about the climbing trip")[0].sources[0].message_id == "a1"
    )


def test_dense_channels_get_the_query_without_speaker_names(
    service: MemoryService, tmp_path: Path
) -> None:
    """A name outweighs the rest of a short query in an embedding; who spoke is matched from
    the messages' metadata instead."""
    _import(service, _conversation(tmp_path))
    asked: list[str] = []
    service.recaller.extra_channels["vector"] = lambda query, flt, pool: asked.append(query) or []
    service.recall("What did Ana's greyhound do?")
    service.recall("Ana")  # nothing would be left: the name stays
    assert asked == ["What did greyhound do?", "Ana"]
    session = tmp_path / "session.json"
    messages = [
        {"id": "s1", "speaker": "user", "text": "The login bug is back"},
        {"id": "s2", "speaker": "assistant", "text": "Fixed the cookie"},
    ]
    session.write_text(json.dumps({"id": "agent", "messages": messages}))
    _import(service, session)
    service.recall("how was the user login bug fixed")  # a role, not someone's name
    assert asked[-1] == "how was the user login bug fixed"
    assert without_words("what does Ben (Ana) cook", {"ana", "ben"}) == "what does cook"
    assert without_words("Ana and Ben", {"ana", "ben"}) == "Ana and Ben"


def test_one_hop_along_relations(service: MemoryService) -> None:
    melanie = service.remember("Works at the observatory", title="Melanie", kind="person")
    service.remember("Caroline knows [[Melanie]] from university", kind="person")
    hits = service.recall("Caroline university")
    related = next(h for h in hits if h.id == melanie.id)
    assert "relation" in related.channels


def test_a_linked_page_found_by_its_own_words_keeps_its_own_rank(service: MemoryService) -> None:
    """A link lends score only to a page the query did not find: a person's page that
    every episode links to would otherwise rank above the hits that answer."""
    melanie = service.remember(
        "Melanie gave a talk about telescopes at her old school years ago.",
        title="Melanie",
        kind="person",
    )
    service.remember("Caroline and [[Melanie]] planned a talk about telescopes", title="Plan")
    library = service.remember("A talk about telescopes at the library", title="Library talk")
    hits = service.recall("talk about telescopes")
    ids = [h.id for h in hits]
    assert ids.index(library.id) < ids.index(melanie.id)
    assert next(h for h in hits if h.id == melanie.id).channels == ["lexical"]


def test_bad_k_is_rejected(service: MemoryService) -> None:
    with pytest.raises(InvalidInputError, match="between 1 and"):
        service.recall("x", RecallOptions(k=0))


def test_json_contract_fields(service: MemoryService) -> None:
    service.remember("The wifi password hint: the cat's name")
    data = service.recall("wifi")[0].to_json()
    assert set(data) == {
        "id",
        "type",
        "title",
        "path",
        "snippet",
        "score",
        "channels",
        "sources",
        "kind",
        "timestamp",
        "trust",
        "superseded",
        "match",
    }
    assert data["type"] == "entry"
    assert data["match"] == "strong"
    assert data["channels"] == ["lexical"]
