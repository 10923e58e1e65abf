"""Recall and import benchmark for Amber on synthetic, deterministic (seeded) data.

For each size: a fresh passphrase-mode home; entries (the first ones through
MemoryService.remember, the rest written as entry files and indexed by `reindex`);
conversation events imported from a generic-format JSONL file; a mixed query set timed
in-process; the CLI's cold start and its `--queries FILE` mode.

Usage: .venv/bin/python scripts/bench_recall.py [--sizes 10000,100000] [--events N]
       [--queries 300] [--out bench-results/recall.json] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import sqlcipher3
from rich.console import Console
from rich.table import Table

from amber.home import init_home
from amber.ids import new_id
from amber.importing import import_file
from amber.plugins.importers.conversation import GenericConversationImporter
from amber.retrieval.query import STOPWORDS
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.tree.entry import Entry, render_new
from amber.tree.layout import folder_name, slugify


def _w(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


PASSPHRASE = "bench passphrase"
REMEMBER_N = 2_000
WARMUP = 20
CLI_RUNS = 5
VOCAB = 5_000
ZIPF_S = 1.05
DAYS = 3 * 365
TARGET_IMPORT = 2_000.0
FUNCTION = _w(
    "the of and to a in is that for it on with as was at by be this from i we have not are or "
    "but you had they he she his her our my me all so if about there when what"
)
REAL = _w(
    "budget meeting plan team call trip review doctor dinner school garden invoice contract "
    "flight hotel car rent salary tax insurance recipe birthday gift movie book concert deadline "
    "launch design report client vendor server release bug feature roadmap offer lease bank loan "
    "pension gym knee dentist vaccine allergy coffee bakery market bike train visa passport "
    "wedding holiday kitchen roof plumber painter laptop phone password backup camera piano "
    "guitar course exam thesis paper lecture museum beach hike camping tent fishing garage note"
)
FIRST = _w(
    "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Niaj Olivia Peggy Rupert Sybil Trent "
    "Victor Walter Yasmin Zoe Caroline Sam Priya Mateo Lena Omar Hana Tariq Ines Kofi"
)
LAST = _w("Moreau Okafor Lindqvist Tanaka Romero Novak Haddad Silva Kowalski Byrne Fischer")
PLACES = _w(
    "Lisbon Oslo Kyoto Nairobi Denver Porto Tallinn Lyon Austin Hanoi Quito Bergen Seville "
    "Krakow Dublin Tucson Antwerp Galway Malmo Cusco"
)
DOMAINS = ("work", "family", "health", "finance", "travel", "home", "learning", "people")
KINDS = ("fact", "preference", "person", "project", "decision", "note", "procedure", "event")
MONTHS = [datetime(2000, m, 1).strftime("%B") for m in range(1, 13)]
ONSETS = _w("b c d f g h j k l m n p r s t v w z br ch cl dr fl gr pl sh st th tr")
VOWELS = _w("a e i o u ai ea ee oa ou")
CODAS = ["", "", "", "n", "r", "s", "l", "m", "nd", "st", "rk"]
BANNED = {m[:3].lower() for m in MONTHS} | {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
CLASSES = _w("exact_title one_word multi_word question time_phrase filtered no_match")
QUESTIONS = _w(
    "what did {first} say about the {w}|when did we decide on the {w} {w2}|"
    "who told me about {w} in {place}|where is the {w} for {w2}",
    "|",
)
TIME_QUERIES = _w(
    "notes from last {month}|{w} last {month}|{w} {w2} 2 weeks ago|last week|yesterday|"
    "what did {first} say in {month} {year}|{w} in the past 3 months|{w} since {month}",
    "|",
)


@dataclass
class Spec:
    title: str
    domain: str
    folder: str
    kind: str
    body: str
    tags: list[str]
    when: datetime


class Corpus:
    """Vocabulary with Zipf frequencies, people, places, topics; all from one seeded rng."""

    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        taken = set(STOPWORDS) | set(REAL) | set(FUNCTION) | BANNED
        pseudo: dict[str, None] = {}
        while len(pseudo) < VOCAB - len(FUNCTION) - len(REAL):
            word = "".join(
                rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(1, 3))
            )
            word += rng.choice(CODAS)
            if len(word) > 2 and word not in taken:
                pseudo[word] = None
        self.content = [*pseudo, *REAL]
        rng.shuffle(self.content)
        self.words = [*FUNCTION, *self.content]
        self.cum = list(accumulate(1 / (r + 1) ** ZIPF_S for r in range(len(self.words))))
        self.persons = rng.sample([f"{f} {last}" for f in FIRST for last in LAST], 150)
        names = rng.sample(self.content[300:2000], 64)
        self.topics = {d: names[i :: len(DOMAINS)] for i, d in enumerate(DOMAINS)}
        self.now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)

    def when(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(0, DAYS * 86400))

    def text(self, lo: int, hi: int) -> str:
        rng = self.rng
        n = self.rng.randint(lo, hi)
        out = []
        words = rng.choices(self.words, cum_weights=self.cum, k=n)
        for i in range(n):
            r = rng.random()
            if r < 0.03:
                words[i] = rng.choice(self.persons).split()[rng.random() < 0.3]
            elif r < 0.045:
                words[i] = rng.choice(PLACES)
            elif r < 0.052:
                words[i] = self.when().strftime("%B %d %Y").replace(" 0", " ")
        while words:
            cut = rng.randint(6, 16)
            out.append(" ".join(words[:cut]).capitalize() + ".")
            words = words[cut:]
        return " ".join(out)

    def title(self) -> str:
        drawn = self.rng.choices(self.words, cum_weights=self.cum, k=12)
        picked = [w for w in drawn if w not in STOPWORDS][: self.rng.randint(2, 5)]
        return " ".join(picked).capitalize() or "Untitled"

    def spec(self, i: int) -> Spec:
        rng = self.rng
        domain = "people" if i < len(self.persons) else rng.choice(DOMAINS)
        topic = rng.choice(self.topics[domain])
        kind = "person" if i < len(self.persons) else rng.choice(KINDS)
        title = self.persons[i] if i < len(self.persons) else self.title()
        body = self.text(30, 120)
        if rng.random() < 0.1:
            body += f" See [[{rng.choice(self.persons)}]]."
        return Spec(title, domain, f"{domain}/{topic}", kind, body, [topic], self.when())


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def timed(n: int, seconds: float) -> dict[str, float]:
    return {"n": n, "seconds": round(seconds, 3), "per_s": round(n / max(seconds, 1e-9), 1)}


def remember_phase(svc: MemoryService, specs: list[Spec]) -> dict:
    start = time.perf_counter()
    for s in specs:
        svc.remember(s.body, title=s.title, path=s.folder, kind=s.kind, tags=s.tags)
    return timed(len(specs), time.perf_counter() - start)


def write_entry_file(root: Path, s: Spec, i: int) -> None:
    """The file `remember` would write, with the spec's dates (in the past)."""
    valid = s.when.date().isoformat() if s.kind == "decision" else None
    entry = Entry(new_id(), s.title, s.kind, s.body + "\n", tags=s.tags, valid_from=valid)
    entry.created = entry.updated = iso(s.when)
    target = root / "/".join(map(folder_name, s.folder.split("/"))) / f"{slugify(s.title)}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target = target.with_name(f"{target.stem}-b{i}.md")
    target.write_text(render_new(entry), encoding="utf-8")


def bulk_phase(svc: MemoryService, specs: list[Spec]) -> dict:
    start = time.perf_counter()
    for i, s in enumerate(specs):
        write_entry_file(svc.files.root, s, i)
    write = timed(len(specs), time.perf_counter() - start)
    start = time.perf_counter()
    report = svc.reindex()
    return {"write": write, "reindex": timed(report.changed, time.perf_counter() - start)}


def write_conversations(c: Corpus, path: Path, n: int) -> int:
    done = conv = 0
    with path.open("w", encoding="utf-8") as out:
        while done < n:
            people = ["me", *(p.split()[0] for p in c.rng.sample(c.persons, c.rng.randint(1, 3)))]
            moment = c.when()
            title = c.title()
            for m in range(min(c.rng.randint(10, 60), n - done)):
                moment += timedelta(minutes=c.rng.randint(1, 180))
                msg = {"conversation": f"conv-{conv}", "id": f"m{m}", "timestamp": iso(moment)}
                msg |= {"speaker": c.rng.choice(people), "text": c.text(5, 50)}
                if m == 0:
                    msg["title"] = title
                out.write(json.dumps(msg) + "\n")
                done += 1
            conv += 1
    return conv


def import_phase(svc: MemoryService, c: Corpus, home: Path, n: int) -> dict:
    path = home / "bench-conversations.jsonl"
    conversations = write_conversations(c, path, n)
    start = time.perf_counter()
    result = import_file(svc.db, path, GenericConversationImporter(), "bench")
    took = time.perf_counter() - start
    return timed(result.added, took) | {"conversations": conversations, "read": result.read}


Query = tuple[str, str, dict[str, str]]


def _phrase(rng: random.Random, toks: list[str]) -> str:
    """2-4 consecutive words with at least one content word, as a person would type them."""
    while True:
        at = rng.randrange(max(1, len(toks) - 4))
        words = toks[at : at + rng.randint(2, 4)]
        if any(w.lower() not in STOPWORDS for w in words):
            return " ".join(words)


def make_query(c: Corpus, specs: list[Spec], cls: str) -> Query:
    rng = c.rng
    s = c.rng.choice(specs)
    toks = [t.strip(".,[]") for t in s.body.split()]
    content = [t for t in toks if t.lower() not in STOPWORDS] or toks
    phrase = _phrase(rng, toks)
    slots = {"first": rng.choice(FIRST).lower(), "w": rng.choice(content)}
    slots |= {"w2": rng.choice(content), "month": rng.choice(MONTHS), "place": rng.choice(PLACES)}
    slots["year"] = str(c.now.year - 1)
    if cls in ("question", "time_phrase"):
        forms = QUESTIONS if cls == "question" else TIME_QUERIES
        return cls, rng.choice(forms).format(**slots), {}
    if cls == "filtered":
        return cls, phrase, {"paths": (s.domain,)} if rng.random() < 0.5 else {"kind": s.kind}
    nonsense = " ".join("qx" + "".join(rng.choices("aeiouzvk", k=5)) for _ in "ab")
    simple = {"exact_title": s.title, "one_word": slots["w"], "multi_word": phrase}
    return cls, simple.get(cls, nonsense), {}


def make_queries(c: Corpus, specs: list[Spec], n: int) -> list[Query]:
    queries = [make_query(c, specs, CLASSES[i % len(CLASSES)]) for i in range(n)]
    c.rng.shuffle(queries)
    return queries


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    stats = {f"p{p}": ordered[max(0, math.ceil(p / 100 * len(ms)) - 1)] for p in (50, 95, 99)}
    stats |= {"max": ordered[-1], "mean": statistics.fmean(ms)}
    return {k: round(v, 3) for k, v in stats.items()} | {"n": len(ms)}


def recall_phase(svc: MemoryService, warmup: list[Query], queries: list[Query]) -> dict:
    for _, text, flt in warmup:
        svc.recall(text, RecallOptions(k=10, **flt))
    per_class: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    cpu: list[float] = []  # CPU time of this thread: less disturbed by other processes
    for cls, text, flt in queries:
        start = time.perf_counter()
        cpu_start = time.thread_time()
        found = svc.recall(text, RecallOptions(k=10, **flt))
        per_class.setdefault(cls, []).append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - cpu_start) * 1000)
        hits.setdefault(cls, []).append(len(found))
    classes = {}
    for cls in (c for c in CLASSES if c in per_class):
        classes[cls] = summary(per_class[cls]) | {"avg_hits": statistics.fmean(hits[cls])}
    overall = summary([ms for v in per_class.values() for ms in v])
    return {"overall": overall, "cpu": summary(cpu), "classes": classes}


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:5])} failed ({done.returncode}): {done.stderr[-800:]}")
    return took


def cli_phase(home: Path, queries: list[Query]) -> dict:
    env = {**os.environ, "AMBER_HOME": str(home)}
    cmd = [sys.executable, "-m", "amber.cli", "recall"]
    one = next(text for cls, text, _ in queries if cls == "multi_word")
    runs = [round(wall([*cmd, one, "--json"], env) * 1000, 1) for _ in range(CLI_RUNS)]
    qfile = home / "bench-queries.txt"
    qfile.write_text("\n".join(text for _, text, _ in queries) + "\n", encoding="utf-8")
    batch = timed(len(queries), wall([*cmd, "--queries", str(qfile)], env))
    after = (batch["seconds"] * 1000 - statistics.median(runs)) / len(queries)
    out = {"cold_start_ms": statistics.median(runs), "runs_ms": runs, "batch": batch}
    return out | {"batch_ms_per_query_after_start": round(after, 2)}


def run_size(seed: int, size: int, events: int, n_queries: int, base: Path) -> dict:
    home = base / f"home-{size}"
    os.environ["AMBER_HOME"] = str(home)
    init_home(home, use_passphrase=True)
    load_start = os.getloadavg()[0]
    c = Corpus(seed)
    start = time.perf_counter()
    specs = [c.spec(i) for i in range(size)]
    out: dict = {"size": size, "events": events}
    out["generate_s"] = round(time.perf_counter() - start, 2)
    with MemoryService.open(home, interface="bench") as svc:
        out["remember"] = remember_phase(svc, specs[:REMEMBER_N])
        out["bulk"] = bulk_phase(svc, specs[REMEMBER_N:])
        out["import"] = import_phase(svc, c, home, events)
        warm = make_queries(c, specs, WARMUP)
        queries = make_queries(c, specs, n_queries)
        out["recall"] = recall_phase(svc, warm, queries)
        start = time.perf_counter()
        svc.reconcile()
        out["reconcile_noop_ms"] = round((time.perf_counter() - start) * 1000, 1)
        out["sqlcipher"] = svc.db.one("PRAGMA cipher_version")[0]
    out["cli"] = cli_phase(home, queries)
    out["index_mib"] = round((home / "index.db").stat().st_size / 2**20, 1)
    out["loadavg_1min"] = {"start": load_start, "end": os.getloadavg()[0]}
    out["targets"] = targets(out)
    return out


def targets(run: dict) -> dict[str, dict]:
    p95_max = 10.0 if run["size"] <= 10_000 else 30.0
    p95 = run["recall"]["overall"]["p95"]
    per_s = run["import"]["per_s"]
    return {
        "import_msgs_per_s": {"target": TARGET_IMPORT, "value": per_s, "pass": per_s >= 2000},
        "recall_p95_ms": {"target": p95_max, "value": p95, "pass": p95 <= p95_max},
    }


def _first(path: str, prefix: str) -> str:
    lines = Path(path).read_text().splitlines()
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(prefix)), "")


def machine_info(cipher: str) -> dict:
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram": _first("/proc/meminfo", "MemTotal"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlcipher3.sqlite_version,
        "sqlcipher": cipher,
    }


def verdict(check: dict) -> str:
    return "[green]PASS[/]" if check["pass"] else "[red]FAIL[/]"


def summary_rows(r: dict) -> list[list[str]]:
    o = r["recall"]["overall"]
    imp, p95 = r["targets"].values()
    cli = r["cli"]
    return [
        ["remember (1 file + 1 txn each)", f"{r['remember']['per_s']:,} entries/s"],
        ["bulk entry-file write", f"{r['bulk']['write']['per_s']:,} files/s"],
        ["reindex (bulk index)", f"{r['bulk']['reindex']['per_s']:,} entries/s"],
        ["conversation import", f"{imp['value']:,} msgs/s", ">= 2,000", verdict(imp)],
        ["recall p50 / p95 / p99 ms", "{p50:.2f} / {p95:.2f} / {p99:.2f}".format(**o)],
        ["recall p95 ms vs target", f"{p95['value']:.2f}", f"<= {p95['target']:.0f}", verdict(p95)],
        ["recall max / mean ms", f"{o['max']:.2f} / {o['mean']:.2f}"],
        ["recall CPU p50 / p95 ms", "{p50:.2f} / {p95:.2f}".format(**r["recall"]["cpu"])],
        ["no-op reconcile (CLI start-up scan)", f"{r['reconcile_noop_ms']:,} ms"],
        ["CLI cold start (median of 5)", f"{cli['cold_start_ms']:,} ms"],
        ["CLI --queries FILE", f"{cli['batch']['per_s']} q/s"],
        ["  ms/query after start-up", f"{cli['batch_ms_per_query_after_start']}"],
        ["load average, start / end", "{start:.2f} / {end:.2f}".format(**r["loadavg_1min"])],
    ]


def print_tables(runs: list[dict]) -> None:
    table = Table(title="Amber recall/import benchmark")
    for col in ("entries+events", "metric", "value", "target", "result"):
        table.add_column(col)
    detail = Table(title="Recall latency per query class (ms, in-process, k=10)")
    for col in ("entries", "class", "n", "p50", "p95", "p99", "max", "mean", "avg hits"):
        detail.add_column(col)
    for r in runs:
        for row in summary_rows(r):
            table.add_row(f"{r['size']:,}+{r['events']:,}", *row, *[""] * (4 - len(row)))
        for cls, s in r["recall"]["classes"].items():
            cells = [f"{s[k]:.2f}" for k in ("p50", "p95", "p99", "max", "mean")]
            detail.add_row(f"{r['size']:,}", cls, str(s["n"]), *cells, f"{s['avg_hits']:.1f}")
        table.add_section()
        detail.add_section()
    Console(width=max(Console().width, 120)).print(table, detail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--events", type=int, default=None, help="events per size (default: size)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("bench-results/recall.json"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary homes")
    args = parser.parse_args()
    os.environ["AMBER_PASSPHRASE"] = PASSPHRASE
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    base = Path(tempfile.mkdtemp(prefix="amber-bench-"))
    runs = []
    start = time.perf_counter()
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            events = size if args.events is None else args.events
            runs.append(run_size(args.seed, size, events, args.queries, base))
            print(f"size {size:,}: done at {time.perf_counter() - start:.0f} s", flush=True)
    finally:
        if args.keep:
            print(f"homes kept under {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    total = round(time.perf_counter() - start, 1)
    report = {"machine": machine_info(runs[0]["sqlcipher"]), "total_s": total, "runs": runs}
    report["args"] = {**vars(args), "out": str(args.out)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_tables(runs)
    print(f"total {total} s; results in {args.out}")


if __name__ == "__main__":
    main()
