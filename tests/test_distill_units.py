"""Pieces of the distiller: batching under a token budget, validation, folder placement,
the entry body, and the grammar schemas compiling for llama.cpp."""

from __future__ import annotations

import json

import pytest

from amber.distill.batching import make_batches
from amber.distill.candidate import Evidence, Statement
from amber.distill.curation import curation_schema
from amber.distill.extraction import extraction_schema
from amber.distill.paths import FolderIndex
from amber.distill.render import known, merged_body, new_body
from amber.distill.validation import (
    NAMES_UNSUPPORTED,
    QUOTE_NOT_FOUND,
    QUOTE_TOO_SHORT,
    WORDS_UNSUPPORTED,
    clean_date,
    normalize,
    quote_problem,
    statement_problem,
)
from amber.events import Event


def event(n: int, text: str, ts: str = "2024-01-01T10:00:00Z", conv: str = "c1") -> Event:
    return Event(
        f"ID{n}",
        f"conversation:{conv}#m{n}",
        "conversation",
        "",
        conv,
        f"m{n}",
        "Ana",
        ts,
        "",
        text,
        "trusted",
        ts,
    )


def test_batches_split_by_thread_time_gap_and_token_budget() -> None:
    events = [
        event(1, "a " * 40),
        event(2, "b " * 40),
        event(3, "c " * 40),
        event(4, "d", "2024-01-01T20:00:00Z"),
        event(5, "e", conv="c2"),
    ]
    words = lambda text: len(text.split())  # noqa: E731
    batches = make_batches(events, words, budget=100)
    assert [[e.id for e in b.events] for b in batches] == [
        ["ID1", "ID2"],
        ["ID3"],
        ["ID4"],
        ["ID5"],
    ]
    assert all(b.tokens <= 100 for b in batches)
    assert batches[3].thread == "c2"


def test_quotes_match_after_normalizing_case_space_and_quote_marks() -> None:
    said = event(1, "I’m moving to\n  Lisbon — in “late” June")
    assert quote_problem('i\'m moving to Lisbon - in "late" june.', said) is None
    assert quote_problem("moving to Porto", said) == QUOTE_NOT_FOUND
    assert quote_problem("June", said) == QUOTE_TOO_SHORT
    assert normalize("ＡＢＣ  d") == "abc d"


def test_statements_must_not_name_or_count_what_the_source_does_not() -> None:
    ev = [Evidence(event(1, "I'm moving to Lisbon in June with my 2 cats"), "moving to Lisbon")]
    assert statement_problem("Ana is moving to Lisbon with 2 cats.", ev) is None
    assert statement_problem("Ana is moving to Porto.", ev) == NAMES_UNSUPPORTED
    assert statement_problem("Ana is moving with 3 cats.", ev) == NAMES_UNSUPPORTED
    assert statement_problem("ana enjoys quantum gardening hobbies", ev) == WORDS_UNSUPPORTED


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2023", "2023"),
        ("2023-05", "2023-05"),
        ("2023-05-31", "2023-05-31"),
        ("2023-13", None),
        ("May 2023", None),
        ("", None),
        ("1850", None),
    ],
)
def test_valid_from_must_be_a_date(raw: str, clean: str | None) -> None:
    assert clean_date(raw) == clean


def test_folders_reuse_close_existing_names() -> None:
    folders = FolderIndex(["people/close_friends/ana.md", "projects/house/roof.md", "top.md"])
    assert folders.place("Person/Close Friend", "fact") == "people/close_friends"
    assert folders.place("projects > houses", "project") == "projects/house"
    assert folders.place("", "preference") == "preferences"
    assert folders.place("../../etc/_archive/x/y/z", "note") == "etc/archive"  # never _archive
    assert folders.place("Health", "fact") == "health"
    assert folders.place("healths/dentist", "fact") == "health/dentist"  # learnt just above


def test_merging_adds_only_new_statements_and_keeps_everything() -> None:
    ev = Evidence(event(1, "we adopted a greyhound called Biscuit"), "adopted a greyhound")
    first = [Statement("Ana adopted a greyhound.", [ev])]
    body = new_body(first) + "\nA line a person added.\n"
    more = [
        Statement("Ana adopted a greyhound", [ev]),
        Statement("The dog is called Biscuit.", [Evidence(ev.event, "called Biscuit")]),
    ]
    merged = merged_body(body, more)
    assert merged.count("Ana adopted a greyhound") == 1
    assert "A line a person added." in merged
    assert "- The dog is called Biscuit.\n\n## Evidence" in merged
    assert '- conversation:c1#m1: "called Biscuit"' in merged
    assert known(merged) == {"ana adopted a greyhound", "the dog is called biscuit"}


def test_the_grammar_schemas_compile_in_llama_cpp() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    for schema in (extraction_schema(["e1", "e2"]), curation_schema(["n1"]), curation_schema([])):
        grammar = llama_cpp.LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        assert grammar is not None


def test_a_runaway_string_is_stopped_and_complete_items_are_kept() -> None:
    from amber.distill.salvage import RunawayOutput, StreamGuard, salvage_list, salvage_object

    schema = extraction_schema(["e1"])
    done = (
        '{"memories":[{"title":"T","kind":"fact","statements":[{"text":"A b c.",'
        '"evidence":[{"event":"e1","quote":"a b c"}]}],"path":"x","valid_from":"",'
        '"confidence":0.8}'
    )
    guard = StreamGuard(max_string=50)
    guard.feed(done + ',{"title":"')
    with pytest.raises(RunawayOutput):
        guard.feed('loop \\" loop ' * 10)
    kept = salvage_list(guard.text, "memories", schema)
    assert kept is not None
    assert [m["title"] for m in kept["memories"]] == ["T"]
    assert salvage_list('{"memories":[{"title":"', "memories", schema) is None
    cut = '{"action":"NOOP","target":"n1","reason":"because because'
    assert salvage_object(cut, curation_schema(["n1"]))["target"] == "n1"  # type: ignore[index]
