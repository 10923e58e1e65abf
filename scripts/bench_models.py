#!/usr/bin/env python
"""Benchmarks for the model layer (README, "Benchmarks").

1. Embedding throughput of a GGUF embedding model (default: the MiniLM test model) on texts
   of about 35 tokens, through Amber's Embedder (llama.cpp). Target: >= 75 texts/s on 2 cores.
2. Hybrid recall latency (BM25 + vectors, fused) at N entries with vectors. Building 100k real
   embeddings would take ~20 min on 2 cores, so stored vectors are random unit vectors: the
   kNN cost does not depend on what the vectors mean. The query is embedded for real.
   Target: p95 <= 50 ms at 100k.

    .venv/bin/python scripts/bench_models.py [--model PATH] [--entries 100000] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = ROOT.parent / "shared" / "models" / "all-MiniLM-L6-v2.Q8_0.gguf"
WORDS = (
    "memory garden project budget meeting travel berlin paris doctor dentist recipe piano "
    "guitar coffee tea bicycle car tyres winter summer sister brother friend colleague "
    "deadline report invoice flight hotel museum concert birthday gift book movie river"
).split()


def sentence(rng: random.Random, words: int = 30) -> str:
    """About 35 tokens for a WordPiece tokenizer."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def bench_embedding(model: Path, count: int, rounds: int = 4) -> dict[str, float]:
    """Amber's Embedder against llama.cpp called directly with the same model and threads,
    in alternating rounds: this VM's speed drifts by tens of percent within minutes, so only
    numbers taken side by side are comparable."""
    from llama_cpp import Llama

    from amber.models import runtime
    from amber.models.embedder import Embedder, EmbedModel

    embedder = Embedder(EmbedModel("bench", model))
    threads = runtime._default_threads(embedding=True)
    raw = Llama(
        str(model),
        embedding=True,
        n_ctx=512,
        n_batch=512,
        n_ubatch=512,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )
    rng = random.Random(1)
    texts = [sentence(rng) for _ in range(count)]
    embedder.embed_documents(texts[:16])  # load and warm up
    raw.embed(texts[:16])
    amber_s = raw_s = 0.0
    for part in range(rounds):
        chunk = texts[part::rounds]
        start = time.perf_counter()
        embedder.embed_documents(chunk)
        amber_s += time.perf_counter() - start
        start = time.perf_counter()
        for text in chunk:
            raw.embed([text], normalize=True)
        raw_s += time.perf_counter() - start
    tokens = statistics.mean(len(raw.tokenize(t.encode())) for t in texts[:200])
    return {
        "texts": count,
        "threads": threads or 0,
        "seconds": amber_s,
        "texts_per_s": count / amber_s,
        "llama_cpp_texts_per_s": count / raw_s,
        "mean_tokens": tokens,
    }


def build_home(entries: int, dims: int, rng: random.Random) -> object:
    from amber.home import init_home
    from amber.ids import new_id
    from amber.service import MemoryService
    from amber.store import vectors
    from amber.tree.entry import Entry, render_new

    home = Path(tempfile.mkdtemp(prefix="amber-bench-models-"))
    os.environ.update(
        AMBER_HOME=str(home),
        AMBER_PASSPHRASE="bench passphrase",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    init_home(home)
    tree = home / "tree" / "notes"
    tree.mkdir(parents=True)
    for i in range(entries):
        entry = Entry(id=new_id(), title=sentence(rng, 5), body=sentence(rng, 60))
        (tree / f"n{i}.md").write_text(render_new(entry), encoding="utf-8")
    service = MemoryService.open(home, interface="test")
    service.reindex()
    with service.db.write() as conn:
        vectors.reset(conn, "bench", dims)
        keys = [r[0] for r in conn.execute("SELECT -rowid, content_hash FROM entries")]
        hashes = dict(conn.execute("SELECT -rowid, content_hash FROM entries").fetchall())
        for key in keys:
            doc = vectors.PendingDoc(key, "", hashes[key])
            vectors.store_doc(conn, doc, [_random_unit(rng, dims)])
    return service


def _random_unit(rng: random.Random, dims: int) -> bytes:
    from amber.models.embedder import pack

    values = [rng.gauss(0, 1) for _ in range(dims)]
    norm = sum(v * v for v in values) ** 0.5
    return pack([v / norm for v in values])


def bench_hybrid(model: Path, entries: int, queries: int) -> dict[str, float]:
    from amber.models.embedder import Embedder, EmbedModel
    from amber.retrieval.recall import RecallOptions
    from amber.retrieval.vector_channel import VectorChannel

    rng = random.Random(2)
    t0 = time.perf_counter()
    service = build_home(entries, 384, rng)
    build_s = time.perf_counter() - t0
    embedder = Embedder(EmbedModel("bench", model))
    service.recaller.extra_channels["vector"] = VectorChannel(service.db, embedder)  # type: ignore[attr-defined]
    texts = [sentence(rng, rng.randint(2, 6)) for _ in range(queries + 10)]
    for text in texts[:10]:
        service.recall(text, RecallOptions(k=10))  # type: ignore[attr-defined]
    timings = []
    for text in texts[10:]:
        start = time.perf_counter()
        service.recall(text, RecallOptions(k=10))  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "entries": entries,
        "queries": queries,
        "build_s": build_s,
        "p50_ms": timings[len(timings) // 2],
        "p95_ms": timings[int(len(timings) * 0.95)],
        "max_ms": timings[-1],
    }


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embed-only", action="store_true", help="skip the recall benchmark")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "models.json")
    args = parser.parse_args()
    if not args.model.exists():
        raise SystemExit(f"embedding model not found: {args.model}")
    result: dict[str, object] = {"machine": machine()}
    emb = result["embedding"] = bench_embedding(args.model, args.texts)
    verdict = "PASS" if emb["texts_per_s"] >= 75 else "FAIL"
    print(
        f"embedding: {emb['texts_per_s']:.1f} texts/s of {emb['mean_tokens']:.0f} tokens with "
        f"{emb['threads']} threads (target >= 75): {verdict}; llama.cpp called directly, "
        f"side by side: {emb['llama_cpp_texts_per_s']:.1f} texts/s"
    )
    if not args.embed_only:
        hyb = result["hybrid_recall"] = bench_hybrid(args.model, args.entries, args.queries)
        verdict = "PASS" if hyb["p95_ms"] <= 50 else "FAIL"
        print(
            f"hybrid recall at {hyb['entries']} entries: p50 {hyb['p50_ms']:.1f} ms, "
            f"p95 {hyb['p95_ms']:.1f} ms (target <= 50): {verdict}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
