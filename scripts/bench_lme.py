#!/usr/bin/env python
"""Retrieval quality on LongMemEval (turn level, the official protocol), zero LLM at query time.

Each question gets a fresh Amber home; its haystack enters through the ordinary conversation
import (`import_home` of scripts/bench_locomo.py): one conversation per session, user and
assistant turns as messages, the session date as their timestamp. Every question goes
through the ordinary recall path with the question date as the reference time ("last
weekend" is the weekend before it). Hits map back to turns through their `sources`.

Scoring, as LongMemEval's own retrieval evaluation: the targets are the user turns marked
`has_answer`; recall_any@k (some target in the top k), recall_all@k (every target in the
top k) and MRR, overall and per question type. Every turn is indexed, the assistant's too,
as a real memory would. A question whose evidence is only an assistant turn has no target:
it is scored on that turn in a slice of its own, outside the overall figures. Modes:
lexical, vector, hybrid (vector and hybrid embed with the MiniLM in ../shared/models);
`--baselines` adds plain BM25 over every turn and over user turns only, for reference.
The off-topic queries of tests/data/recall/off_topic.txt run in the first homes: the share
answered with no hit at all.

    .venv/bin/python scripts/bench_lme.py [--modes lexical] [--questions 24] [--baselines]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_locomo import (
    DEFAULT_CACHE,
    DEFAULT_EMBED,
    DEFAULT_OFF_TOPIC,
    EMBED_SHARE_HELP,
    ROOT,
    EmbedCache,
    count_no_match,
    embed_cache,
    import_home,
    no_match_summary,
    off_topic_queries,
    print_no_match,
    ranked_dia_ids,
    vector_chunks,
)

DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "lme-dev.json.xz"
ANY_KS = (1, 5, 10)
ALL_KS = (5, 10)
RETRIEVED = 50  # hits asked for; MRR beyond this rank counts as 0
BASELINES = ("bm25-all", "bm25-user")
COLUMNS = ("any@1", "any@5", "any@10", "all@5", "all@10", "MRR")
ASSISTANT_SLICE = "assistant-answered (not in overall)"


@dataclass
class Scores:
    rows: list[dict[str, float]] = field(default_factory=list)

    def add(self, ranked: list[str], targets: set[str]) -> None:
        row = {f"any@{k}": float(bool(targets & set(ranked[:k]))) for k in ANY_KS}
        row |= {f"all@{k}": float(targets <= set(ranked[:k])) for k in ALL_KS}
        rank = next((i for i, turn in enumerate(ranked, 1) if turn in targets), None)
        row["MRR"] = 1 / rank if rank else 0.0
        self.rows.append(row)

    def summary(self) -> dict[str, float]:
        out = {c: statistics.mean(r[c] for r in self.rows) if self.rows else 0.0 for c in COLUMNS}
        return out | {"n": len(self.rows)}


def load(path: Path) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz" else path.open() as f:
        return json.load(f)


def stratified(questions: list[dict], count: int | None) -> list[dict]:
    """The first `count` questions taking each type in turn, so a small run still sees
    every type (file order within a type)."""
    by_type: dict[str, list[dict]] = {}
    for q in questions:
        by_type.setdefault(q["question_type"], []).append(q)
    order: list[dict] = []
    while any(by_type.values()):
        for pending in by_type.values():
            if pending:
                order.append(pending.pop(0))
    return order[:count] if count else order


def parse_date(text: str) -> datetime:
    """LongMemEval's '2023/05/30 (Tue) 23:40', read as UTC."""
    day, _weekday, clock = text.split()
    return datetime.strptime(f"{day} {clock}", "%Y/%m/%d %H:%M").replace(tzinfo=UTC)


def turn_id(session_id: str, index: int) -> str:
    return f"{session_id}:{index}"


def sessions(question: dict) -> list[tuple[str, str, list[dict]]]:
    """(session id, date text, turns), a repeated session id made unique."""
    seen: dict[str, int] = {}
    out = []
    for sid, date, turns in zip(
        question["haystack_session_ids"],
        question["haystack_dates"],
        question["haystack_sessions"],
        strict=True,
    ):
        seen[sid] = seen.get(sid, 0) + 1
        out.append((sid if seen[sid] == 1 else f"{sid}~{seen[sid]}", date, turns))
    return out


def to_generic(question: dict) -> list[dict]:
    """The haystack in Amber's generic import format: one conversation per session."""
    conversations = []
    for sid, date, turns in sessions(question):
        start = parse_date(date)
        messages = [
            {
                "id": turn_id(sid, i),
                "speaker": turn["role"],
                "text": turn["content"],
                "timestamp": (start + timedelta(seconds=i)).isoformat(),
            }
            for i, turn in enumerate(turns)
        ]
        conversations.append({"id": sid, "messages": messages})
    return conversations


def targets(question: dict, role: str = "user") -> set[str]:
    """The turns of `role` that hold the answer (LongMemEval's targets: the user's)."""
    return {
        turn_id(sid, i)
        for sid, _date, turns in sessions(question)
        for i, turn in enumerate(turns)
        if turn["role"] == role and turn.get("has_answer")
    }


def slice_of(question: dict) -> tuple[str, set[str]]:
    """The question's type and targets; a question answered only by an assistant turn
    is scored on that turn, in a slice of its own outside the official protocol."""
    wanted = targets(question)
    if wanted:
        return question["question_type"], wanted
    return ASSISTANT_SLICE, targets(question, "assistant")


def plain_bm25(question: dict, user_only: bool) -> list[str]:
    """Reference: FTS5's BM25 (porter stemming, k1 1.2, b 0.75) over the turns' text alone,
    with the query's content words OR-ed as Amber's lexical channel does."""
    from amber.retrieval.query import match_expression, terms

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE turns USING fts5(id UNINDEXED, text, tokenize='porter')")
    rows = [
        (turn_id(sid, i), turn["content"])
        for sid, _date, turns in sessions(question)
        for i, turn in enumerate(turns)
        if turn["role"] == "user" or not user_only
    ]
    db.executemany("INSERT INTO turns VALUES (?, ?)", rows)
    query = match_expression(terms(question["question"]))
    found = db.execute(
        "SELECT id FROM turns WHERE turns MATCH ? ORDER BY rank LIMIT ?", (query, RETRIEVED)
    )
    return [row[0] for row in found]


def run(
    questions: list[dict],
    modes: list[str],
    embed_model: Path | None,
    cache: EmbedCache | None,
    off_topic: tuple[list[str], int] = ([], 0),
    share: float = 1.0,
) -> dict:
    scores: dict[str, dict[str, Scores]] = {m: {} for m in modes}
    latency: dict[str, list[float]] = {m: [] for m in modes}
    amber_modes = [m for m in modes if m not in BASELINES]
    empty = dict.fromkeys(amber_modes, 0)
    queries, homes = off_topic
    checked = chunks = 0
    model = embed_model if any(m in ("vector", "hybrid") for m in modes) else None
    with tempfile.TemporaryDirectory(prefix="amber-lme-") as tmp:
        for question in questions:
            name, wanted = slice_of(question)
            service = import_home(
                question["question_id"], to_generic(question), Path(tmp), model, cache, share
            )
            chunks += vector_chunks(service)
            for mode in modes:
                start = time.perf_counter()
                ranked = answer(service, question, mode)
                latency[mode].append((time.perf_counter() - start) * 1000)
                scores[mode].setdefault(name, Scores()).add(ranked, wanted)
            if queries and checked < homes:
                now = parse_date(question["question_date"])
                for mode in amber_modes:
                    empty[mode] += count_no_match(service, queries, mode, now)
                checked += 1
            service.close()  # type: ignore[attr-defined]
    asked = len(queries) * checked
    result = report(scores, latency, {m: no_match_summary(empty[m], asked) for m in amber_modes})
    return {**result, "embed_share": share, "vector_chunks": chunks}


def answer(service: object, question: dict, mode: str) -> list[str]:
    """The turn ids a mode ranks for the question, best first."""
    from amber.retrieval.recall import RecallOptions

    if mode in BASELINES:
        return plain_bm25(question, user_only=mode == "bm25-user")
    options = RecallOptions(k=RETRIEVED, mode=mode, now=parse_date(question["question_date"]))
    return ranked_dia_ids(service.recall(question["question"], options))  # type: ignore[attr-defined]


def report(scores: dict[str, dict[str, Scores]], latency: dict, no_match: dict) -> dict:
    out: dict = {"modes": {}}
    for mode, by_type in scores.items():
        official = {name: s for name, s in by_type.items() if name != ASSISTANT_SLICE}
        overall = Scores([row for s in official.values() for row in s.rows])
        lat = sorted(latency[mode]) or [0.0]
        out["modes"][mode] = {
            "overall": overall.summary(),
            "types": {name: s.summary() for name, s in sorted(by_type.items())},
            "latency_ms": {"p50": lat[len(lat) // 2], "p95": lat[int(len(lat) * 0.95)]},
            "no_match": no_match.get(mode, {}),
        }
    return out


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="LongMemEval turn-level retrieval (user targets; overall, then each type)")
    for col in ("mode", "slice", "n", *COLUMNS, "p50 ms", "p95 ms"):
        table.add_column(col, justify="left" if col in ("mode", "slice") else "right")
    for mode, data in result["modes"].items():
        rows = [("overall", data["overall"]), *data["types"].items()]
        for i, (name, s) in enumerate(rows):
            lat = [f"{v:.1f}" for v in data["latency_ms"].values()] if i == 0 else ["", ""]
            cells = (f"{s[c]:.3f}" for c in COLUMNS)
            table.add_row(mode if i == 0 else "", name, str(s["n"]), *cells, *lat)
    Console(width=130).print(table)
    print_no_match(result)
    print(f"vectors: {result['vector_chunks']} chunks (newest {result['embed_share']:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--modes", default="lexical,vector,hybrid")
    parser.add_argument("--baselines", action="store_true", help="add plain BM25 rows")
    parser.add_argument("--questions", type=int, default=0, help="a stratified subset")
    parser.add_argument("--embed-model", type=Path, default=DEFAULT_EMBED)
    parser.add_argument("--embed-cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--off-topic", type=Path, default=DEFAULT_OFF_TOPIC)
    parser.add_argument(
        "--off-topic-homes", type=int, default=10, help="homes the off-topic queries run in"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "lme.json")
    parser.add_argument("--embed-share", type=float, default=1.0, help=EMBED_SHARE_HELP)
    args = parser.parse_args()
    os.environ.setdefault("AMBER_PASSPHRASE", "lme-bench")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    modes += list(BASELINES) if args.baselines else []
    if any(m in ("vector", "hybrid") for m in modes) and not args.embed_model.exists():
        raise SystemExit(f"vector modes need an embedding model; not found: {args.embed_model}")
    questions = stratified(load(args.data), args.questions)
    cache = embed_cache(args.embed_cache, args.embed_model)
    off_topic = (off_topic_queries(args.off_topic), args.off_topic_homes)
    result = run(questions, modes, args.embed_model, cache, off_topic, args.embed_share)
    result["data"] = str(args.data)
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
