#!/usr/bin/env python
"""Retrieval quality on LoCoMo (turn-level recall@k and MRR), zero LLM at query time.

Each conversation gets a fresh Amber home and enters through the ordinary conversation import
(turns as messages, dia_id as message id, the session date as timestamp, image captions as
attachments). Every question goes through the ordinary recall path in one process; hits map
back to dia_ids through their `sources`. Modes: lexical, vector, hybrid (vector and hybrid
embed with a GGUF model, by default the MiniLM in ../shared/models).

    .venv/bin/python scripts/bench_locomo.py [--data locomo10.json] [--modes lexical,hybrid]

The generated `observation`, `session_summary` and `event_summary` fields are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "locomo-dev.json"
DEFAULT_EMBED = ROOT.parent / "shared" / "models" / "all-MiniLM-L6-v2.Q8_0.gguf"
DEFAULT_CACHE = ROOT / "bench-results" / "embed-cache.sqlite"
DEFAULT_OFF_TOPIC = ROOT / "tests" / "data" / "recall" / "off_topic.txt"
QUERY_MARK = "query\0"
KS = (1, 5, 10, 20)
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
EMBED_SHARE_HELP = "embed only the newest share of what wants vectors (an idle backlog)"
_DIA = re.compile(r"D(\d+)\s*:?\s*(\d+)")


@dataclass
class Scores:
    recall: dict[int, list[float]] = field(default_factory=lambda: {k: [] for k in KS})
    rr: list[float] = field(default_factory=list)

    def add(self, ranked: list[str], evidence: set[str]) -> None:
        for k in KS:
            self.recall[k].append(len(evidence & set(ranked[:k])) / len(evidence))
        rank = next((i for i, d in enumerate(ranked, 1) if d in evidence), None)
        self.rr.append(1 / rank if rank else 0.0)

    def summary(self) -> dict[str, float]:
        out = {f"R@{k}": statistics.mean(v) if v else 0.0 for k, v in self.recall.items()}
        out["MRR"] = statistics.mean(self.rr) if self.rr else 0.0
        out["n"] = len(self.rr)
        return out


def session_turns(conversation: dict) -> list[tuple[str, dict]]:
    """(session date text, turn) in order, for sessions that have turns."""
    numbers = sorted(int(k.split("_")[1]) for k in conversation if re.fullmatch(r"session_\d+", k))
    return [
        (conversation.get(f"session_{n}_date_time", ""), turn)
        for n in numbers
        for turn in conversation[f"session_{n}"]
    ]


def parse_session_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y")
    except ValueError:
        return None


def question_time(sample: dict) -> datetime | None:
    """When the questions are asked: the day after the last session, as LongMemEval gives
    each question's date. Read against today, "in June" would mean a June years after
    the conversation."""
    conversation = sample["conversation"]
    dates = [parse_session_date(text) for text, _ in session_turns(conversation)]
    last = max((d for d in dates if d is not None), default=None)
    return last.replace(tzinfo=UTC) + timedelta(days=1) if last else None


def to_generic(sample: dict) -> dict:
    """The conversation in Amber's documented generic import format."""
    messages = []
    last = ""
    offset = 0
    for date_text, turn in session_turns(sample["conversation"]):
        offset = offset + 1 if date_text == last else 0
        last = date_text
        start = parse_session_date(date_text)
        stamp = (start + timedelta(seconds=offset)).isoformat() if start else None
        message = {
            "id": turn["dia_id"],
            "speaker": turn["speaker"],
            "text": turn["text"],
            "timestamp": stamp,
        }
        if turn.get("blip_caption"):
            message["attachments"] = [{"caption": turn["blip_caption"]}]
        messages.append(message)
    conv = sample["conversation"]
    title = f"{conv.get('speaker_a', '')} and {conv.get('speaker_b', '')}"
    return {"id": sample["sample_id"], "title": title, "messages": messages}


def normalize_evidence(raw: list[str], known: set[str]) -> tuple[set[str], int]:
    """Evidence ids as D<session>:<turn>; returns them and how many could not be used."""
    found = set()
    dropped = 0
    for item in raw:
        matches = _DIA.findall(str(item))
        ids = {f"D{s}:{t}" for s, t in matches}
        dropped += len(ids - known) + (0 if matches else 1)
        found |= ids & known
    return found, dropped


def open_home(
    sample: dict,
    workdir: Path,
    embed_model: Path | None,
    cache: EmbedCache | None = None,
    share: float = 1.0,
) -> object:
    return import_home(sample["sample_id"], to_generic(sample), workdir, embed_model, cache, share)


def import_home(
    name: str,
    conversations: dict | list,
    workdir: Path,
    embed_model: Path | None,
    cache: EmbedCache | None = None,
    share: float = 1.0,
) -> object:
    """A fresh home holding `conversations` (the generic import format) through the
    ordinary import; embedded with `embed_model` when one is given: the newest `share` of
    what the embed path wants, as the daemon's idle embedding leaves a backlog (newest
    first, amber/store/vectors.py)."""
    from amber.home import init_home
    from amber.importing import available_importers, import_file
    from amber.models.registry import add_local
    from amber.service import MemoryService

    home = workdir / name
    os.environ["AMBER_HOME"] = str(home)
    init_home(home)
    path = workdir / f"{name}.json"
    path.write_text(json.dumps(conversations), encoding="utf-8")
    service = MemoryService.open(home, interface="test")
    import_file(service.db, path, available_importers(False)["generic"], "test")
    if embed_model:
        add_local(service.config, embed_model, "embed")
        service.close()
        service = MemoryService.open(home, interface="test")
        if cache is not None:
            cache.wrap(service.embedder)
        service.embed_pending(limit=round(share * service.pending_embeddings()))
    return service


def vector_chunks(service: object) -> int:
    """Chunks embedded in a home: what its vectors cost in CPU."""
    return service.db.one("SELECT count(*) FROM embeddings")[0]  # type: ignore[attr-defined]


class EmbedCache:
    """Vectors this model file gave each text, kept between runs (a sqlite file).

    A benchmark embeds the same turns on every run; MiniLM on two busy cores needs hours for
    LongMemEval's haystacks. The vectors are the model's own, stored as the float32 that
    recall stores anyway (amber.models.embedder.pack), so results are unchanged.
    """

    def __init__(self, path: Path, model: Path) -> None:
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self.model = f"{model.name}:{model.stat().st_size}"

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model}\0{text}".encode()).hexdigest()

    def wrap(self, embedder: object) -> None:
        """Make the embedder answer from the cache, computing (and keeping) what is missing."""
        documents = embedder.embed_documents  # type: ignore[attr-defined]
        query = embedder.embed_query  # type: ignore[attr-defined]

        def embed_documents(texts: list[str]) -> list[list[float]]:
            found = self._lookup(texts)
            missing = list(dict.fromkeys(t for t in texts if t not in found))
            if missing:
                found |= self._store(missing, documents(missing))
            return [found[t] for t in texts]

        def embed_query(text: str) -> list[float]:
            key = QUERY_MARK + text  # a model may embed queries and documents differently
            found = self._lookup([key]) or self._store([key], [query(text)])
            return found[key]

        embedder.embed_documents = embed_documents  # type: ignore[attr-defined]
        embedder.embed_query = embed_query  # type: ignore[attr-defined]

    def _lookup(self, texts: list[str]) -> dict[str, list[float]]:
        keys = {self._key(t): t for t in texts}
        marks = ",".join("?" * len(keys))
        query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
        rows = self.db.execute(query, list(keys))
        return {keys[key]: array("f", blob).tolist() for key, blob in rows}

    def _store(self, texts: list[str], vectors: list[list[float]]) -> dict[str, list[float]]:
        pairs = zip(texts, vectors, strict=True)
        rows = [(self._key(text), array("f", vector).tobytes()) for text, vector in pairs]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        return dict(zip(texts, vectors, strict=True))


def embed_cache(path: Path, model: Path) -> EmbedCache | None:
    """The cache at `path`, or None when no path or no model file is given."""
    return EmbedCache(path, model) if str(path) not in ("", ".") and model.exists() else None


def off_topic_queries(path: Path | None) -> list[str]:
    """One query per line that is neither blank nor a `#` comment."""
    if path is None or str(path) in ("", "."):
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def count_no_match(service: object, queries: list[str], mode: str, now: datetime | None) -> int:
    """How many of `queries` recall answers with no hit at all."""
    from amber.retrieval.recall import RecallOptions

    options = RecallOptions(k=10, mode=mode, now=now)
    return sum(not service.recall(q, options, count_access=False) for q in queries)  # type: ignore[attr-defined]


def no_match_summary(empty: int, asked: int) -> dict[str, float]:
    return {"queries": asked, "no_hits": empty, "share": empty / asked if asked else 0.0}


def ranked_dia_ids(hits: list) -> list[str]:
    ranked: list[str] = []
    for hit in hits:
        for src in hit.sources:
            if src.message_id and src.message_id not in ranked:
                ranked.append(src.message_id)
    return ranked


def run(
    data: list[dict],
    modes: list[str],
    embed_model: Path | None,
    cache: EmbedCache | None = None,
    off_topic: list[str] | None = None,
    share: float = 1.0,
) -> dict:
    from amber.retrieval.recall import RecallOptions

    scores = {m: {c: Scores() for c in CATEGORIES} for m in modes}
    latency: dict[str, list[float]] = {m: [] for m in modes}
    empty = dict.fromkeys(modes, 0)
    dropped = chunks = 0
    with tempfile.TemporaryDirectory(prefix="amber-locomo-") as tmp:
        for sample in data:
            needs_vectors = any(m != "lexical" for m in modes)
            model = embed_model if needs_vectors else None
            service = open_home(sample, Path(tmp), model, cache, share)
            chunks += vector_chunks(service)
            known = {t["dia_id"] for _, t in session_turns(sample["conversation"])}
            now = question_time(sample)
            for qa in sample["qa"]:
                evidence, bad = normalize_evidence(qa.get("evidence", []), known)
                dropped += bad
                if not evidence:
                    continue
                for mode in modes:
                    start = time.perf_counter()
                    options = RecallOptions(k=20, mode=mode, now=now)
                    hits = service.recall(qa["question"], options)  # type: ignore[attr-defined]
                    latency[mode].append((time.perf_counter() - start) * 1000)
                    scores[mode][qa["category"]].add(ranked_dia_ids(hits), evidence)
            for mode in modes:
                empty[mode] += count_no_match(service, off_topic or [], mode, now)
            service.close()  # type: ignore[attr-defined]
    asked = len(off_topic or []) * len(data)
    result = report(scores, latency, dropped, {m: no_match_summary(empty[m], asked) for m in modes})
    return {**result, "embed_share": share, "vector_chunks": chunks}


def report(scores: dict, latency: dict, dropped: int, no_match: dict) -> dict:
    out: dict = {"dropped_evidence_ids": dropped, "modes": {}}
    for mode, by_cat in scores.items():
        overall = Scores()
        for cat in (1, 2, 3, 4):
            for k in KS:
                overall.recall[k] += by_cat[cat].recall[k]
            overall.rr += by_cat[cat].rr
        lat = sorted(latency[mode])
        out["modes"][mode] = {
            "overall_1_4": overall.summary(),
            "categories": {CATEGORIES[c]: s.summary() for c, s in by_cat.items()},
            "latency_ms": {"p50": lat[len(lat) // 2], "p95": lat[int(len(lat) * 0.95)]},
            "no_match": no_match[mode],
        }
    return out


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="LoCoMo turn-level retrieval (categories 1-4 overall, then each)")
    for col in ("mode", "slice", "n", "R@1", "R@5", "R@10", "R@20", "MRR", "p50 ms", "p95 ms"):
        table.add_column(col, justify="right" if col not in ("mode", "slice") else "left")
    for mode, data in result["modes"].items():
        rows = [("overall 1-4", data["overall_1_4"]), *data["categories"].items()]
        for i, (name, s) in enumerate(rows):
            lat = data["latency_ms"] if i == 0 else {"p50": None, "p95": None}
            table.add_row(
                mode if i == 0 else "",
                name,
                str(s["n"]),
                *(f"{s[m]:.3f}" for m in ("R@1", "R@5", "R@10", "R@20", "MRR")),
                *(f"{v:.1f}" if v is not None else "" for v in lat.values()),
            )
    Console(width=120).print(table)
    print(
        f"evidence ids dropped (malformed or pointing at no turn): {result['dropped_evidence_ids']}"
    )
    print_no_match(result)
    print(f"vectors: {result['vector_chunks']} chunks (newest {result['embed_share']:.0%})")


def print_no_match(result: dict) -> None:
    """The share of off-topic queries answered with no hit, per mode."""
    for mode, data in result["modes"].items():
        found = data.get("no_match", {})
        if found.get("queries"):
            print(
                f"off-topic queries with no hit, {mode}: {found['no_hits']}/{found['queries']}"
                f" ({found['share']:.1%})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--modes", default="lexical,vector,hybrid")
    parser.add_argument("--embed-model", type=Path, default=DEFAULT_EMBED)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "locomo.json")
    parser.add_argument(
        "--embed-cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="vectors kept between runs (sqlite); '' embeds everything afresh",
    )
    parser.add_argument(
        "--off-topic",
        type=Path,
        default=DEFAULT_OFF_TOPIC,
        help="queries the memory holds nothing on, one a line ('' to skip)",
    )
    parser.add_argument("--embed-share", type=float, default=1.0, help=EMBED_SHARE_HELP)
    args = parser.parse_args()
    os.environ.setdefault("AMBER_PASSPHRASE", "locomo-bench")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(m != "lexical" for m in modes) and not args.embed_model.exists():
        raise SystemExit(f"vector modes need an embedding model; not found: {args.embed_model}")
    data = json.loads(args.data.read_text(encoding="utf-8"))
    cache = embed_cache(args.embed_cache, args.embed_model)
    off_topic = off_topic_queries(args.off_topic)
    result = run(data, modes, args.embed_model, cache, off_topic, args.embed_share)
    result["data"] = str(args.data)
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
