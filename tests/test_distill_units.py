"""Pieces of the distiller: batching under a token budget, validating what a model wrote
against the line and message it rewrote, the entry body of a review proposal, the answer
grammar compiling for llama.cpp, and reading an answer cut off midway."""

from __future__ import annotations

import json

import pytest

from amber.distill.batching import make_batches
from amber.distill.candidate import Evidence, Statement
from amber.distill.render import known, merged_body, new_body
from amber.distill.rewrite_prompt import answer_schema, answers_in
from amber.distill.validation import (
    BAD_LENGTH,
    CUT_OFF,
    DROPPED_NAMES,
    INVENTED,
    LOST_NAMES,
    LOST_WORDS,
    UNSUPPORTED,
    drop_problem,
    normalize,
    rewrite_problem,
    same_line,
)
from amber.events import Event


def test_batches_hold_at_most_so_many_items_and_tokens() -> None:
    items = ["a " * 40, "b " * 40, "c " * 40, "d", "e", "f", "g " * 500]
    words = lambda text: len(text.split())  # noqa: E731
    batches = make_batches(items, words, budget=100, most=3)
    assert [[i[0] for i in b] for b in batches] == [["a", "b"], ["c", "d", "e"], ["f"], ["g"]]


MESSAGE = "Hey! I moved to Lisbon last week with my 2 cats, and it was so exciting"
LINE = "Ana moved to Lisbon last week (week of 1 January 2024) with their 2 cats."


@pytest.mark.parametrize(
    ("fact", "problem"),
    [
        ("Ana moved to Lisbon in the week of 1 January 2024 with her 2 cats.", None),
        ("In the week of 1 January 2024, Ana moved to Lisbon with 2 cats.", None),
        ("Ana moved to Porto in the week of 1 January 2024 with 2 cats.", INVENTED),
        ("Ana moved to Lisbon in the week of 1 January 2024 with 3 cats.", INVENTED),
        ("Ana moved to Lisbon with 2 cats.", LOST_NAMES),
        ("She moved to Lisbon in the week of 1 January 2024 with 2 cats.", LOST_NAMES),
        ("Ana enjoys quantum gardening with cats since 1 January 2024 in Lisbon, 2.", UNSUPPORTED),
        ("Ana, 1 January 2024, Lisbon, 2.", LOST_WORDS),
        ("Ana moved to Lisbon with 2 cats (week of 1 January 2024", CUT_OFF),
        ("Ana", BAD_LENGTH),
        ("Ana moved. " * 40, BAD_LENGTH),
    ],
)
def test_a_rewrite_keeps_to_its_message_and_its_line(fact: str, problem: str | None) -> None:
    assert rewrite_problem(fact, LINE, MESSAGE, "Ana") == problem


def test_a_rewrite_need_not_repeat_the_question_its_line_answers() -> None:
    line = "Ana is researching adoption agencies (asked \u201cAny plans for the summer?\u201d)"
    message = "Researching adoption agencies, it has been a dream of mine."
    fact = "Ana is researching adoption agencies for the summer."
    assert rewrite_problem(fact, line, message, "Ana") is None
    assert same_line("Ana is researching adoption agencies.", line)  # the question says more
    assert not same_line(fact, line)


def test_only_a_line_without_names_or_numbers_may_be_left_out() -> None:
    assert drop_problem("Ana thinks the weather is improving every week.", "Ana") is None
    assert drop_problem(LINE, "Ana") == DROPPED_NAMES
    assert drop_problem("Ana's sister Maria is coming over.", "Ana") == DROPPED_NAMES
    assert normalize("ＡＢＣ  d") == "abc d"


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


def test_the_answer_grammar_compiles_in_llama_cpp() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    for count in (1, 8):
        grammar = llama_cpp.LlamaGrammar.from_json_schema(
            json.dumps(answer_schema(count)), verbose=False
        )
        assert grammar is not None


def test_a_runaway_string_is_stopped_and_complete_answers_are_kept() -> None:
    from amber.distill.salvage import RunawayOutput, StreamGuard

    guard = StreamGuard(max_string=50)
    guard.feed('{"c1": "Ana moved to \\"Lisbon\\".", "c2": "')
    with pytest.raises(RunawayOutput):
        guard.feed("loop loop " * 10)
    assert answers_in(guard.text) == {"c1": 'Ana moved to "Lisbon".'}
    assert answers_in('{"c1": "cut off') == {}


def test_a_string_that_repeats_itself_is_stopped_early() -> None:
    from amber.distill.salvage import RunawayOutput, StreamGuard

    guard = StreamGuard(max_string=400)
    guard.feed('{"c1": "Ana is proud of the race and the people who ran it, and ')
    with pytest.raises(RunawayOutput, match="repeated"):
        for piece in ("Ana is proud ", "of the race ", "and the people"):
            guard.feed(piece)
    assert len(guard.text) < 120
