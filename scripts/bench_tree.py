#!/usr/bin/env python
"""How much knowledge the Context Tree carries, against raw retrieval of the same size.

Measure: answer-word recall. For each LoCoMo question of categories 1-4 that has an
`answer`, the share of the gold answer's distinct words that appear as words of a context
of N words. Answer and context are normalised as LoCoMo's QA F1 normalises: lowercased,
ASCII punctuation deleted, the articles a, an and the removed, whitespace collapsed (LoCoMo's
own code also drops commas first, which deleting punctuation does anyway; it also drops
"and" and stems, which this measure does not). Every word left counts: no stopword list.
Integer answers are read as their decimal text; a question whose answer has no word left
is not asked. Deleting punctuation makes a date written 2023-05-25 one word, 20230525,
which no answer such as "25 May 2023" shares.

How: each conversation gets a fresh Amber home (passphrase mode through the environment)
and enters through the ordinary conversation import (`open_home` of
scripts/bench_locomo.py). `amber distill` then runs through the same API as the CLI
(`MemoryService.distiller`, cli/distill.py) without a chat model. For every question:

- tree context: recall restricted to entries, as `amber recall --type entry` (the
  `RecallFilters` of app/retrieval/request.py), each hit's full body in rank order
  (frontmatter excluded), joined, cut at N words;
- raw context: recall restricted to events, as `amber recall --type event`, each event's
  full text in rank order, joined, cut at N words.

Words are whitespace-separated tokens of the text before normalisation (what a reader of
N words gets). Recall does not count accesses here, so no question changes the ranking of
the next. Also printed: the entries in the tree, the tree's words (bodies, and whole files
with frontmatter) against the raw conversation's words (the imported events' texts, image
captions included), and the distiller's time and events per minute.

    .venv/bin/python scripts/bench_tree.py [--data locomo-dev.json] [--conversations conv-26]
        [--ns 100,300,1000] [--json OUT] [--keep DIR]

The generated `observation`, `session_summary` and `event_summary` fields are never read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import string
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bench_locomo import CATEGORIES, DEFAULT_DATA, open_home

from amber.retrieval.recall import MAX_K
from amber.retrieval.request import RecallFilters, recall_options

if TYPE_CHECKING:
    from amber.service import MemoryService

DEFAULT_NS = (100, 300, 1000)
CONTEXTS = {"tree": "tree entries", "raw": "raw messages"}
TYPES = {"tree": "entry", "raw": "event"}
REPORTED = (1, 2, 3, 4)
_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> list[str]:
    """LoCoMo's QA normalisation (without its extra "and"), as a list of words."""
    text = _ARTICLES.sub(" ", str(text).lower().translate(_PUNCTUATION))
    return text.split()


def answer_recall(answer: object, context: str) -> float:
    """Share of the answer's distinct normalised words found among the context's words."""
    wanted = dict.fromkeys(normalize(str(answer)))
    found = set(normalize(context))
    return sum(word in found for word in wanted) / len(wanted)


def cut(texts: Iterable[str], words: int) -> str:
    """The texts joined, cut at `words` whitespace-separated words."""
    taken: list[str] = []
    for text in texts:
        taken += text.split()
        if len(taken) >= words:
            break
    return " ".join(taken[:words])


Scores = dict[str, dict[int, float]]  # context -> N -> answer-word recall


@dataclass
class Question:
    sample: str
    qa: dict
    scores: Scores

    @property
    def category(self) -> int:
        return int(self.qa["category"])

    def to_json(self) -> dict[str, object]:
        return {
            "sample": self.sample,
            "question": self.qa["question"],
            "answer": self.qa["answer"],
            "category": self.category,
            "scores": self.scores,
        }


@dataclass
class TreeSize:
    entries: int = 0
    body_words: int = 0
    file_words: int = 0
    file_bytes: int = 0
    raw_words: int = 0
    events: int = 0
    distill_seconds: float = 0.0

    def add(self, other: TreeSize) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_json(self) -> dict[str, float]:
        data: dict[str, float] = dict(vars(self))
        data["body_words_per_raw_word"] = _ratio(self.body_words, self.raw_words)
        data["file_words_per_raw_word"] = _ratio(self.file_words, self.raw_words)
        data["events_per_min"] = _ratio(self.events * 60, self.distill_seconds, 1)
        return data


def _ratio(part: float, whole: float, digits: int = 3) -> float:
    return round(part / whole, digits) if whole else 0.0


@dataclass
class Contexts:
    """Both contexts of one home; entry bodies are read once."""

    service: MemoryService
    longest: int
    bodies: dict[str, str] = field(default_factory=dict)

    def texts(self, question: str, context: str) -> Iterator[str]:
        options = recall_options(RecallFilters(k=MAX_K, type=TYPES[context]))
        for hit in self.service.recall(question, options, count_access=False):
            yield self.body(hit.id) if hit.type == "entry" else self.service.get_event(hit.id).text

    def body(self, entry_id: str) -> str:
        if entry_id not in self.bodies:
            self.bodies[entry_id] = self.service.get(entry_id).entry.body
        return self.bodies[entry_id]

    def score(self, question: str, answer: object, ns: tuple[int, ...]) -> Scores:
        scores: Scores = {}
        for context in CONTEXTS:
            text = cut(self.texts(question, context), self.longest)
            scores[context] = {n: answer_recall(answer, cut([text], n)) for n in ns}
        return scores


def tree_size(service: MemoryService) -> TreeSize:
    """Entries and words of the tree, and words of the events it was made from."""
    size = TreeSize()
    for row in service.outline():
        size.entries += 1
        size.body_words += len(service.get(row.id).entry.body.split())
        text = service.entry_text(row.id)[1]
        size.file_words += len(text.split())
        size.file_bytes += len(text.encode("utf-8"))
    events = service.recent_events(limit=sum(service.event_source_counts().values()))
    size.events = len(events)
    size.raw_words = sum(len(e.text.split()) for e in events)
    return size


def scored(qa: dict) -> bool:
    """A question this measure asks: categories 1-4, an answer with words."""
    return qa.get("category") in REPORTED and "answer" in qa and bool(normalize(qa["answer"]))


def bench_sample(
    sample: dict, workdir: Path, ns: tuple[int, ...]
) -> tuple[list[Question], TreeSize]:
    """Import, distill, and score every question of one conversation in a fresh home."""
    service = cast("MemoryService", open_home(sample, workdir, None))
    try:
        report = service.distiller(use_model=False).run()
        size = tree_size(service)
        size.distill_seconds = report.seconds
        contexts = Contexts(service, max(ns))
        questions = [
            Question(sample["sample_id"], qa, contexts.score(qa["question"], qa["answer"], ns))
            for qa in sample["qa"]
            if scored(qa)
        ]
    finally:
        service.close()
    return questions, size


@contextmanager
def workdir(keep: Path | None) -> Iterator[Path]:
    """Where the homes live: a temporary folder, or `keep` (left for reading)."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="amber-bench-tree-") as tmp:
            yield Path(tmp)
        return
    keep.mkdir(parents=True, exist_ok=True)
    yield keep


def means(questions: list[Question], ns: tuple[int, ...]) -> dict:
    return {
        context: {
            str(n): round(statistics.mean(q.scores[context][n] for q in questions), 3)
            if questions
            else 0.0
            for n in ns
        }
        for context in CONTEXTS
    }


def run(data: list[dict], ns: tuple[int, ...], keep: Path | None) -> dict:
    questions: list[Question] = []
    total = TreeSize()
    conversations = {}
    started = time.monotonic()
    with workdir(keep) as where:
        for sample in data:
            found, size = bench_sample(sample, where, ns)
            questions += found
            total.add(size)
            conversations[sample["sample_id"]] = {"questions": len(found), **size.to_json()}
    categories = {
        CATEGORIES[c]: {"n": len(mine), **means(mine, ns)}
        for c in REPORTED
        if (mine := [q for q in questions if q.category == c])
    }
    return {
        "ns": list(ns),
        "questions": len(questions),
        "overall_1_4": means(questions, ns),
        "categories": categories,
        "tree": total.to_json(),
        "conversations": conversations,
        "per_question": [q.to_json() for q in questions],
        "seconds": round(time.monotonic() - started, 1),
    }


def table(title: str, scores: dict, ns: tuple[int, ...]) -> list[str]:
    lines = [
        f"| {title} | " + " | ".join(f"N = {n}" for n in ns) + " |",
        "|---" * (len(ns) + 1) + "|",
    ]
    for context, label in CONTEXTS.items():
        row = " | ".join(f"{scores[context][str(n)]:.3f}" for n in ns)
        lines.append(f"| {label} | {row} |")
    return lines


def print_report(result: dict) -> None:
    ns = tuple(result["ns"])
    print(f"Answer-word recall, categories 1-4 ({result['questions']} questions)\n")
    print("\n".join(table("context of N words", result["overall_1_4"], ns)))
    for name, scores in result["categories"].items():
        print()
        print("\n".join(table(f"{name} ({scores['n']} questions)", scores, ns)))
    tree = result["tree"]
    print(
        f"\ntree: {tree['entries']} {'entry' if tree['entries'] == 1 else 'entries'}, "
        f"{tree['body_words']} words of body "
        f"({tree['body_words_per_raw_word']:.1%} of the raw {tree['raw_words']} words), "
        f"{tree['file_words']} with frontmatter ({tree['file_words_per_raw_word']:.1%}; "
        f"{tree['file_bytes']:,} bytes of files)"
    )
    print(
        f"distill: {tree['events']} events in {tree['distill_seconds']:.2f} s "
        f"({tree['events_per_min']:,.0f} events/min, no chat model); "
        f"whole run {result['seconds']:.1f} s"
    )


def pick(data: list[dict], wanted: str) -> list[dict]:
    """The samples named in `wanted` (comma-separated ids), or all of them."""
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    if not names:
        return data
    known = {s["sample_id"]: s for s in data}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"no conversation {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


def parse_ns(text: str) -> tuple[int, ...]:
    try:
        ns = tuple(sorted({int(n) for n in text.split(",") if n.strip()}))
    except ValueError:
        raise SystemExit(f"--ns takes word counts separated by commas, not '{text}'") from None
    if not ns or ns[0] < 1:
        raise SystemExit("--ns needs at least one count of 1 word or more")
    return ns


def check_keep(keep: Path | None, data: list[dict]) -> None:
    """A home that exists already would import nothing new: refuse it."""
    taken = [s["sample_id"] for s in data if keep and (keep / s["sample_id"]).exists()]
    if taken:
        raise SystemExit(f"{keep} already holds {', '.join(taken)}; choose an empty folder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--conversations", default="", help="sample ids, comma-separated")
    parser.add_argument("--ns", default=",".join(map(str, DEFAULT_NS)), help="context sizes")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    parser.add_argument("--keep", type=Path, help="keep the homes in this folder")
    args = parser.parse_args()
    os.environ.setdefault("AMBER_PASSPHRASE", "tree-bench passphrase")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    data = pick(json.loads(args.data.read_text(encoding="utf-8")), args.conversations)
    check_keep(args.keep, data)
    result = run(data, parse_ns(args.ns), args.keep)
    result["data"] = str(args.data)
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
