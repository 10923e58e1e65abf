"""What the bigram index for CJK and Thai (app/cjk.py) costs: conversation import speed and
index size, for Latin text (which must not change) and for CJK text.

For each script and run: a fresh passphrase-mode home, N messages written as generic JSONL
(Latin: bench_recall.py's Zipf corpus; CJK: seeded pseudo-words in Chinese, Japanese and
Korean sentences, a third each), imported in-process, timed, then the index file measured
after a WAL checkpoint. Then lexical recall, k=10, for queries cut from stored messages
(Latin: one or two words; CJK: 1, 2, 3-4 or 8 characters from inside a run): latency, and
how often the message a query was cut from is among the hits. Runs alternate between the
scripts so that a busy machine slows both alike. Run it with another checkout's `amber` on
the path for the figures before.

Usage: .venv/bin/python scripts/bench_cjk.py [--messages 20000] [--runs 3] [--seed 1]
       [--scripts latin,cjk] [--out bench-results/cjk.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_recall import PASSPHRASE, Corpus, write_conversations

from amber.home import init_home
from amber.importing import import_file
from amber.plugins.importers.conversation import GenericConversationImporter
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService

QUERIES_PER_CLASS = 50
CJK_LENGTHS = {"1 char": 1, "2 chars": 2, "3-4 chars": 3, "8 chars": 8}

HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000, 3)]  # 1,000 ideographs
KANA = [chr(c) for c in range(0x30A1, 0x30F7)]  # Katakana
PARTICLES = ["の", "は", "を", "に", "が", "で", "と", "も", "から", "まで", "ました", "です"]
HANGUL = [chr(c) for c in range(0xAC00, 0xAC00 + 11172, 7)]
JOSA = ["은", "는", "이", "가", "을", "를", "에서", "에게", "와", "도", "입니다", "했어요"]


class CjkCorpus:
    """Pseudo-words with Zipf frequencies, put into sentences the way each language does:
    Chinese without spaces, Japanese words and particles without spaces, Korean words
    with particles glued on and spaces between them."""

    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.han = ["".join(rng.choices(HAN, k=rng.randint(1, 3))) for _ in range(3000)]
        self.kana = ["".join(rng.choices(KANA, k=rng.randint(2, 6))) for _ in range(1500)]
        self.hangul = ["".join(rng.choices(HANGUL, k=rng.randint(1, 4))) for _ in range(3000)]
        self.japanese = self.han[1500:] + self.kana
        rng.shuffle(self.japanese)
        self.weights = [1 / (rank + 1) ** 1.05 for rank in range(3000)]

    def _words(self, pool: list[str], n: int) -> list[str]:
        return self.rng.choices(pool, weights=self.weights[: len(pool)], k=n)

    def text(self) -> str:
        n = self.rng.randint(5, 30)
        language = self.rng.randrange(3)
        if language == 0:
            return "".join(self._words(self.han, n)) + "。"
        if language == 1:
            words = self._words(self.japanese, n)
            return "".join(w + self.rng.choice(PARTICLES) for w in words) + "。"
        return " ".join(w + self.rng.choice(JOSA) for w in self._words(self.hangul, n)) + "."


def write_cjk(corpus: CjkCorpus, path: Path, n: int) -> None:
    moment = datetime(2023, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            moment += timedelta(minutes=corpus.rng.randint(1, 180))
            message = {
                "conversation": f"conv-{i // 30}",
                "id": f"m{i}",
                "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "speaker": corpus.rng.choice(["me", "美咲", "민준", "Wei"]),
                "text": corpus.text(),
            }
            out.write(json.dumps(message, ensure_ascii=False) + "\n")


def one_run(script: str, messages: int, seed: int, base: Path) -> dict[str, float]:
    home = base / f"{script}-{time.monotonic_ns()}"
    os.environ["AMBER_HOME"] = str(home)
    init_home(home, use_passphrase=True)
    data = home / "messages.jsonl"
    if script == "latin":
        write_conversations(Corpus(seed), data, messages)
    else:
        write_cjk(CjkCorpus(seed), data, messages)
    with MemoryService.open(home, interface="bench") as svc:
        start, cpu = time.perf_counter(), time.process_time()
        result = import_file(svc.db, data, GenericConversationImporter(), "bench")
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        svc.db.checkpoint()
        size = (home / "index.db").stat().st_size
        queries = query_phase(svc, cut_queries(script, data, random.Random(seed)))
    return {
        "added": result.added,
        "per_s": result.added / took,
        "per_cpu_s": result.added / cpu,  # less moved by other work on a shared machine
        "index_mib": size / 2**20,
        "queries": queries,
    }


def cut_queries(script: str, data: Path, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """Query class -> (query, id of the message it was cut from)."""
    lines = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    classes: dict[str, list[tuple[str, str]]] = {}
    lengths = CJK_LENGTHS if script == "cjk" else {"1 word": 1, "2 words": 2}
    for name, length in lengths.items():
        found: list[tuple[str, str]] = []
        while len(found) < QUERIES_PER_CLASS:
            message = rng.choice(lines)
            size = length + rng.randint(0, 1) if length == 3 else length  # 3 or 4
            query = _cut(message["text"], size, script, rng)
            if query:
                found.append((query, f"conversation:{message['conversation']}#{message['id']}"))
        classes[name] = found
    return classes


def _cut(text: str, length: int, script: str, rng: random.Random) -> str:
    if script == "latin":
        words = [w.strip(".,") for w in text.split() if len(w.strip(".,")) > 3]
        start = rng.randrange(len(words)) if words else 0
        return " ".join(words[start : start + length]) if len(words) >= length else ""
    pieces = [p for p in text.replace("。", " ").replace(".", " ").split() if len(p) >= length]
    if not pieces:
        return ""
    piece = rng.choice(pieces)
    start = rng.randrange(len(piece) - length + 1)
    return piece[start : start + length]


def query_phase(svc: MemoryService, classes: dict[str, list[tuple[str, str]]]) -> dict:
    options = RecallOptions(k=10, mode="lexical")
    refs = {ref for queries in classes.values() for _, ref in queries}
    ids = {ref: svc.get_event(ref).id for ref in refs}
    for query, _ in next(iter(classes.values()))[:10]:
        svc.recall(query, options)  # warm caches
    report = {}
    for name, queries in classes.items():
        times, found = [], 0
        for query, ref in queries:
            start = time.perf_counter()
            hits = svc.recall(query, options)
            times.append((time.perf_counter() - start) * 1000)
            found += ids[ref] in {hit.id for hit in hits}
        times.sort()
        report[name] = {
            "p50_ms": round(times[len(times) // 2], 2),
            "p95_ms": round(times[int(len(times) * 0.95)], 2),
            "source_in_top10": round(found / len(queries), 2),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scripts", default="latin,cjk", help="latin, cjk or both")
    parser.add_argument("--out", type=Path, default=Path("bench-results/cjk.json"))
    args = parser.parse_args()
    os.environ.setdefault("AMBER_PASSPHRASE", PASSPHRASE)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in args.scripts.split(",")}
    with tempfile.TemporaryDirectory(prefix="amber-bench-cjk-") as tmp:
        for _ in range(args.runs):
            for script, found in runs.items():
                found.append(one_run(script, args.messages, args.seed, Path(tmp)))
    import amber

    report = {
        "amber": str(Path(amber.__file__).parent),
        "messages": args.messages,
        "runs": runs,
        "median": {
            script: {
                "messages_per_s": round(statistics.median(r["per_s"] for r in found)),
                "messages_per_cpu_s": round(statistics.median(r["per_cpu_s"] for r in found)),
                "index_mib": round(statistics.median(r["index_mib"] for r in found), 2),
            }
            for script, found in runs.items()
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    last = {script: found[-1]["queries"] for script, found in runs.items()}
    print(json.dumps(report["median"] | {"queries": last, "amber": report["amber"]}, indent=2))


if __name__ == "__main__":
    main()
