#!/usr/bin/env python
"""Recall over notes, not chats: entries with titles, tags and aliases, and questions about them.

A check beside LoCoMo and LongMemEval so that ranking tuned on conversations is also measured
on a knowledge base. The notes (tests/data/notes_recall/notes.jsonl: Python standard-library
docs and sections of this repository's README and ARCHITECTURE) enter a fresh home through
`MemoryService.remember`, the path of `amber remember`; every question goes through the
ordinary recall path. Questions come in classes: `title` (a title, alias or near it),
`phrase` (words copied from a note's body), `paraphrase` (the same meaning in other words)
and `absent` (nothing in the notes answers it). A question is answered at rank r by its
best-ranked answer note; R@k is the share answered within k, MRR the mean of 1/r. For
`absent` it reports the share with no hit at all and the share with no strong hit.

    .venv/bin/python scripts/bench_notes.py [--modes lexical,vector,hybrid] [--classes title]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench_locomo import DEFAULT_CACHE, DEFAULT_EMBED, ROOT, EmbedCache, embed_cache

DEFAULT_DATA = ROOT / "tests" / "data" / "notes_recall"
CLASSES = ("title", "phrase", "paraphrase")
ABSENT = "absent"
KS = (1, 5, 10)
RETRIEVED = 20  # hits asked for; MRR beyond this rank counts as 0


@dataclass
class Scores:
    ranks: list[int | None] = field(default_factory=list)  # None: no answer among the hits

    def recall_at(self, k: int) -> float:
        found = [r is not None and r <= k for r in self.ranks]
        return statistics.mean(found) if found else 0.0

    def summary(self) -> dict[str, float]:
        rr = [1 / r if r else 0.0 for r in self.ranks]
        out = {f"R@{k}": self.recall_at(k) for k in KS}
        return out | {"MRR": statistics.mean(rr) if rr else 0.0, "n": len(self.ranks)}


@dataclass
class Absent:
    """Questions nothing answers: how many got no hit at all, how many no strong one."""

    no_hits: int = 0
    no_strong: int = 0
    asked: int = 0

    def add(self, hits: list) -> None:
        from amber.retrieval.hits import STRONG

        self.asked += 1
        self.no_hits += not hits
        self.no_strong += not any(h.match == STRONG for h in hits)

    def summary(self) -> dict[str, float]:
        asked = self.asked or 1
        return {
            "n": self.asked,
            "no_hits": self.no_hits / asked,
            "no_strong_hit": self.no_strong / asked,
        }


def load(folder: Path) -> tuple[list[dict], list[dict]]:
    """The notes and the questions, checked: unique ids and titles, known classes, every
    answer a note, `absent` questions without answers."""
    notes = read_jsonl(folder / "notes.jsonl")
    questions = read_jsonl(folder / "questions.jsonl")
    ids = {n["id"] for n in notes}
    if len(ids) != len(notes):
        raise SystemExit("notes.jsonl: two notes share an id")
    titles = [n["title"].casefold() for n in notes]
    if len(set(titles)) != len(titles):
        raise SystemExit("notes.jsonl: two notes share a title")
    for q in questions:
        if q["class"] not in (*CLASSES, ABSENT):
            raise SystemExit(f"questions.jsonl {q['id']}: unknown class {q['class']!r}")
        if bool(q["answers"]) == (q["class"] == ABSENT):
            raise SystemExit(f"questions.jsonl {q['id']}: answers do not fit class {q['class']}")
        unknown = set(q["answers"]) - ids
        if unknown:
            raise SystemExit(f"questions.jsonl {q['id']}: no note {', '.join(sorted(unknown))}")
    return notes, questions


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def notes_home(
    notes: list[dict], workdir: Path, embed_model: Path | None, cache: EmbedCache | None
) -> tuple[object, dict[str, str]]:
    """A fresh home holding `notes`, written through `MemoryService.remember`, embedded when
    a model is given; returns the service and each entry id's note id."""
    from amber.home import init_home
    from amber.models.registry import add_local
    from amber.service import MemoryService

    home = workdir / "notes"
    os.environ["AMBER_HOME"] = str(home)
    init_home(home)
    service = MemoryService.open(home, interface="test")
    note_of = {}
    for note in notes:
        entry = service.remember(
            note["body"],
            title=note["title"],
            path=note["path"] or None,
            kind=note["kind"],
            tags=note["tags"],
            aliases=note["aliases"],
        )
        note_of[entry.id] = note["id"]
    if embed_model:
        add_local(service.config, embed_model, "embed")
        service.close()
        service = MemoryService.open(home, interface="test")
        if cache is not None:
            cache.wrap(service.embedder)
        service.embed_pending()
    return service, note_of


def rank(hits: list, note_of: dict[str, str], answers: set[str]) -> int | None:
    """The rank of the first hit that is an answer note (1-based), None when none is."""
    found = [note_of.get(h.id) for h in hits]
    return next((i for i, note in enumerate(found, 1) if note in answers), None)


def run(
    notes: list[dict],
    questions: list[dict],
    modes: list[str],
    embed_model: Path | None,
    cache: EmbedCache | None = None,
) -> dict:
    from amber.retrieval.recall import RecallOptions

    scores = {m: {c: Scores() for c in CLASSES} for m in modes}
    absent = {m: Absent() for m in modes}
    latency: dict[str, list[float]] = {m: [] for m in modes}
    model = embed_model if any(m != "lexical" for m in modes) else None
    with tempfile.TemporaryDirectory(prefix="amber-notes-") as tmp:
        service, note_of = notes_home(notes, Path(tmp), model, cache)
        for mode in modes:
            options = RecallOptions(k=RETRIEVED, mode=mode)
            for q in questions:
                start = time.perf_counter()
                hits = service.recall(q["question"], options, count_access=False)  # type: ignore[attr-defined]
                latency[mode].append((time.perf_counter() - start) * 1000)
                if q["class"] == ABSENT:
                    absent[mode].add(hits)
                else:
                    scores[mode][q["class"]].ranks.append(rank(hits, note_of, set(q["answers"])))
        service.close()  # type: ignore[attr-defined]
    return report(scores, absent, latency)


def report(scores: dict, absent: dict, latency: dict) -> dict:
    out: dict = {"modes": {}}
    for mode, by_class in scores.items():
        overall = Scores([r for s in by_class.values() for r in s.ranks])
        lat = sorted(latency[mode]) or [0.0]
        out["modes"][mode] = {
            "overall": overall.summary(),
            "classes": {c: s.summary() for c, s in by_class.items() if s.ranks},
            "absent": absent[mode].summary(),
            "latency_ms": {"p50": lat[len(lat) // 2], "p95": lat[int(len(lat) * 0.95)]},
        }
    return out


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Recall over notes (overall, then each class)")
    columns = ("mode", "slice", "n", "R@1", "R@5", "R@10", "MRR", "p50 ms", "p95 ms")
    for col in columns:
        table.add_column(col, justify="left" if col in ("mode", "slice") else "right")
    for mode, data in result["modes"].items():
        rows = [("overall", data["overall"]), *data["classes"].items()]
        for i, (name, s) in enumerate(rows):
            lat = [f"{v:.1f}" for v in data["latency_ms"].values()] if i == 0 else ["", ""]
            cells = (f"{s[c]:.3f}" for c in ("R@1", "R@5", "R@10", "MRR"))
            table.add_row(mode if i == 0 else "", name, str(s["n"]), *cells, *lat)
    Console(width=110).print(table)
    for mode, data in result["modes"].items():
        found = data["absent"]
        if found["n"]:
            print(
                f"absent questions, {mode}: no hit {found['no_hits']:.1%},"
                f" no strong hit {found['no_strong_hit']:.1%} (of {found['n']})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="notes and questions")
    parser.add_argument("--modes", default="lexical,vector,hybrid")
    parser.add_argument(
        "--classes", default=",".join((*CLASSES, ABSENT)), help="question classes to ask"
    )
    parser.add_argument("--embed-model", type=Path, default=DEFAULT_EMBED)
    parser.add_argument("--embed-cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "notes.json")
    args = parser.parse_args()
    os.environ.setdefault("AMBER_PASSPHRASE", "notes-bench")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    classes = {c.strip() for c in args.classes.split(",") if c.strip()}
    unknown = classes - {*CLASSES, ABSENT}
    if unknown:
        raise SystemExit(f"unknown classes: {', '.join(sorted(unknown))}")
    notes, questions = load(args.data)
    if any(m != "lexical" for m in modes) and not args.embed_model.exists():
        raise SystemExit(f"vector modes need an embedding model; not found: {args.embed_model}")
    asked = [q for q in questions if q["class"] in classes]
    cache = embed_cache(args.embed_cache, args.embed_model)
    result = run(notes, asked, modes, args.embed_model, cache)
    result["data"] = str(args.data)
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
