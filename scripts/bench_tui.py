"""TUI responsiveness on a large tree: search-as-you-type latency and tree expansion time.

Builds a fresh passphrase-mode home with N synthetic entries (seeded, deterministic: a
Zipf vocabulary over domains and topics, plus one flat folder of 2,000 notes, the shape
`amber remember` gives an unsorted memory), then drives the real app headless at 80x24
with Textual's Pilot:

- typing: queries typed one key at a time, a pause after each key longer than the search
  debounce (a person typing), latency = key press to the results on screen (the refresh
  after the result list was filled); and the same queries typed in one burst (the debounce
  coalesces them), latency = last key to results;
- tree: expanding a domain (its topics), a topic (its entries), the flat folder, each
  timed from the call to the next screen refresh.

Usage: .venv/bin/python scripts/bench_tui.py [--entries 10000] [--queries 40] [--seed 7]
       [--out bench-results/tui.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "bench passphrase"
FLAT = 2_000  # entries in one folder (notes/): the widest folder a tree is likely to have
DOMAINS = ("work", "family", "health", "finance", "travel", "home", "learning", "people")
TOPICS = 25
VOCAB = 4_000
KEY_GAP_S = 0.12  # a brisk typist: ~100 words a minute; longer than the 50 ms debounce
SIZE = (80, 24)
PARTS: list[tuple[float, float, float]] = []  # per search: wait before recall, recall, drawing


def words(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "pi", "nu", "ga", "ber"]
    vocab = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(VOCAB * 2)
    }
    return sorted(vocab)[:VOCAB]


def zipf_pick(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> list[str]:
    return rng.choices(vocab, weights=weights, k=n)


def build_home(root: Path, entries: int, seed: int) -> tuple[Path, list[str]]:
    """A home whose tree holds `entries` files; returns it and words worth searching."""
    os.environ.update(AMBER_HOME=str(root), AMBER_PASSPHRASE=PASSPHRASE)
    from amber.home import init_home
    from amber.ids import new_id
    from amber.service import MemoryService
    from amber.tree.entry import Entry, render_new

    init_home(root)
    rng = random.Random(seed)
    vocab = words(rng)
    weights = [1 / (i + 1) ** 1.05 for i in range(len(vocab))]
    tree = root / "tree"
    for i in range(entries):
        folder = "notes" if i < FLAT else f"{rng.choice(DOMAINS)}/topic_{rng.randrange(TOPICS):02d}"
        text = " ".join(zipf_pick(rng, vocab, weights, rng.randint(20, 80)))
        title = " ".join(zipf_pick(rng, vocab, weights, rng.randint(2, 6))).capitalize()
        stamp = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z"
        entry = Entry(
            id=new_id(), title=title, kind="note", body=text + "\n", created=stamp, updated=stamp
        )
        path = tree / folder / f"e{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_new(entry))
    with MemoryService.open(root, interface="cli") as service:
        service.reindex()
    return root, vocab[50:1000]  # neither the commonest words nor ones that never occur


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 0.5), 1),
        "p95_ms": round(pct(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
    }


async def wait_for(pilot: object, condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not answer in time")
        await asyncio.sleep(0.001)


def shown(screen: object, query: str) -> bool:
    last = screen.last_search  # type: ignore[attr-defined]
    return bool(last and last.query == query and last.shown_at)


async def type_query(pilot: object, screen: object, query: str, gap: float) -> list[float]:
    """Type `query`; per key (gap > 0) or for the burst (gap == 0): press -> results shown."""
    from amber.tui.widgets.search_bar import SearchBar

    screen.query_one(SearchBar).value = ""  # type: ignore[attr-defined]
    await pilot.pause(0.1)  # type: ignore[attr-defined]
    latencies = []
    typed = ""
    for char in query:
        typed += char
        start = time.perf_counter()
        await pilot.press(char)  # type: ignore[attr-defined]
        if gap == 0 and typed != query:
            continue
        await wait_for(pilot, lambda done=typed: shown(screen, done))
        last = screen.last_search  # type: ignore[attr-defined]
        latencies.append(last.shown_at - start)
        if gap:
            PARTS.append(
                (
                    last.searched_at - start,
                    last.found_at - last.searched_at,
                    last.shown_at - last.found_at,
                )
            )
            await asyncio.sleep(max(0.0, gap - (time.perf_counter() - start)))
    return latencies


async def expand_time(pilot: object, tree: object, path: str) -> float:
    node = tree.folder_node(path)  # type: ignore[attr-defined]
    start = time.perf_counter()
    tree.expand_folder(node)  # type: ignore[attr-defined]
    tree.select_item(node.data)  # type: ignore[attr-defined]
    done = asyncio.get_running_loop().create_future()
    tree.call_after_refresh(lambda: done.set_result(time.perf_counter()))  # type: ignore[attr-defined]
    return await done - start


async def drive(root: Path, queries: list[str]) -> dict[str, object]:
    from amber.service import MemoryService
    from amber.tui.app import create_app
    from amber.tui.screens.main import MainScreen
    from amber.tui.services import TuiServices
    from amber.tui.widgets.memory_tree import MemoryTree

    with MemoryService.open(root, interface="tui") as service:
        app = create_app(TuiServices(service, watch_tree=False))
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            started = time.perf_counter()
            tree = screen.query_one(MemoryTree)
            await wait_for(pilot, lambda: tree.outline is not None)
            first_tree = time.perf_counter() - started
            expand = {
                "domain (25 topics)": await expand_time(pilot, tree, "work"),
                "topic (~40 entries)": await expand_time(pilot, tree, "work/topic_00"),
                f"flat folder ({FLAT} entries)": await expand_time(pilot, tree, "notes"),
            }
            await pilot.press("slash")
            per_key = [t for q in queries for t in await type_query(pilot, screen, q, KEY_GAP_S)]
            parts = {"until_recall": [], "recall": [], "drawing": []}
            for wait, recall, draw in PARTS:
                parts["until_recall"].append(wait)
                parts["recall"].append(recall)
                parts["drawing"].append(draw)
            burst = [t for q in queries for t in await type_query(pilot, screen, q, 0)]
    return {
        "first_tree_s": round(first_tree, 3),
        "expand_ms": {k: round(v * 1000, 1) for k, v in expand.items()},
        "typing_per_key": summary(per_key),
        "typing_per_key_parts": {k: summary(v) for k, v in parts.items()},
        "typing_burst_last_key": summary(burst),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench-results/tui.json"))
    parser.add_argument("--keep", type=Path, help="Build the home here, or reuse it if built.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amber-bench-tui-") as tmp:
        home = (args.keep or Path(tmp)) / "home"
        built = time.perf_counter()
        if (home / "config.toml").exists():
            os.environ.update(AMBER_HOME=str(home), AMBER_PASSPHRASE=PASSPHRASE)
            root = home
            searchable = words(random.Random(args.seed))[50:1000]
        else:
            root, searchable = build_home(home, args.entries, args.seed)
        build_s = time.perf_counter() - built
        rng = random.Random(args.seed)
        queries = [
            " ".join(rng.sample(searchable, rng.choice((1, 1, 2)))) for _ in range(args.queries)
        ]
        result = asyncio.run(drive(root, queries))
    report = {
        "entries": args.entries,
        "queries": args.queries,
        "build_s": round(build_s, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": sys.version.split()[0],
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
