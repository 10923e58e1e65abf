"""Recall over a knowledge base of notes, not chats (README.md, "Benchmarks").

The notes in tests/data/notes_recall/ enter a home through `remember`; a question that names
a note's title, copies a phrase of its body or says what it says in other words must find
that note, lexically, near the top. The floors sit a little below what the ranking measured
when they were set (scripts/bench_notes.py measures every class and mode), so a ranking
change that loses notes fails here, however well it does on conversations.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "notes_recall"
CLASSES = {"title", "phrase", "paraphrase", "absent"}
# class: (R@1, R@10, MRR) floors, lexical; measured when set (2026-12-07): title 1.000, 1.000,
# 1.000; phrase 0.965, 1.000, 0.981; paraphrase 0.345, 0.676, 0.445
FLOORS = {
    "title": (0.97, 0.99, 0.98),
    "phrase": (0.93, 0.98, 0.95),
    "paraphrase": (0.30, 0.62, 0.40),
}


def read_jsonl(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


@pytest.fixture(scope="module")
def notes() -> dict[str, dict]:
    return {note["id"]: note for note in read_jsonl("notes.jsonl")}


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return read_jsonl("questions.jsonl")


def test_notes_are_well_formed(notes: dict[str, dict]) -> None:
    assert len(notes) >= 200
    assert sum(f.stat().st_size for f in DATA.iterdir()) < 600_000
    titles = [n["title"].casefold() for n in notes.values()]
    assert len(set(titles)) == len(titles)
    kinds = {n["kind"] for n in notes.values()}
    assert {"fact", "procedure", "decision", "note", "person", "event"} <= kinds
    for note in notes.values():
        assert note["title"].strip() and note["body"].strip(), note["id"]
        assert note["tags"] and note["source"], note["id"]


def test_questions_point_at_notes_that_answer_them(
    notes: dict[str, dict], questions: list[dict]
) -> None:
    assert len(questions) >= 300
    assert len({q["id"] for q in questions}) == len(questions)
    by_class = {c: [q for q in questions if q["class"] == c] for c in CLASSES}
    assert sum(len(v) for v in by_class.values()) == len(questions)  # no unknown class
    assert len(by_class["absent"]) >= 30
    assert all(not q["answers"] for q in by_class["absent"])
    for q in questions:
        assert set(q["answers"]) <= set(notes), q["id"]
        assert q["answers"] or q["class"] == "absent", q["id"]
    for q in by_class["phrase"]:  # a phrase is copied from the body of every answer
        assert all(words(q["question"]) in words(notes[a]["body"]) for a in q["answers"]), q


def rank(service: MemoryService, question: dict, note_of: dict[str, str]) -> int | None:
    hits = service.recall(question["question"], RecallOptions(k=10, mode="lexical"))
    found = [note_of.get(hit.id) for hit in hits]
    return next((i for i, note in enumerate(found, 1) if note in question["answers"]), None)


def test_notes_are_recalled_lexically(
    service: MemoryService, notes: dict[str, dict], questions: list[dict]
) -> None:
    note_of = {}
    for note in notes.values():
        entry = service.remember(
            note["body"],
            title=note["title"],
            path=note["path"] or None,
            kind=note["kind"],
            tags=note["tags"],
            aliases=note["aliases"],
        )
        note_of[entry.id] = note["id"]
    measured = {}
    for name in FLOORS:
        ranks = [rank(service, q, note_of) for q in questions if q["class"] == name]
        measured[name] = (
            statistics.mean(r == 1 for r in ranks),
            statistics.mean(r is not None for r in ranks),
            statistics.mean(1 / r if r else 0.0 for r in ranks),
        )
    for name, floors in FLOORS.items():
        assert all(m >= f for m, f in zip(measured[name], floors, strict=True)), (name, measured)
