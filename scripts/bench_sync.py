#!/usr/bin/env python
"""What `amber sync` costs: a first sync of a large memory to a new device, and an
incremental sync of a few changes.

How: device A (a fresh home, passphrase mode through AMBER_PASSPHRASE, keyring off) gets
N entries (markdown files written into its tree, then indexed as `amber doctor --fix`
would: `MemoryService.reconcile`) and M events (through `amber.ingest`, in batches, as an
import stores them), then `amber sync init REMOTE` to a bare repository on disk
(`MemoryService.sync_init` + `sync`: commit, encrypted segments, push). Device B, a fresh
home with the same passphrase, joins: its first sync fetches, merges, applies every
segment and indexes every file. Then A changes C entries, syncs; B syncs.

Printed (and written with --json): the time of each step, the bare repository's size
(after `git gc`, as a remote that packs does) against A's index size, the segments, and
whether B converged (entries and events). The machine's cores are printed too: the target
for an incremental sync is under 2 s on 2 cores.

    .venv/bin/python scripts/bench_sync.py [--entries 10000] [--events 100000]
        [--changes 100] [--json OUT] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from amber.events import EventDraft
from amber.home import init_home
from amber.ingest import ingest
from amber.service import MemoryService

WORDS = (
    "harbour ferry lantern orchard granite violin saffron meadow compass pepper glacier "
    "tulip falcon copper willow canyon biscuit marble thunder velvet"
).split()
BATCH = 5000


def main() -> None:
    args = _parse()
    os.environ.setdefault("AMBER_PASSPHRASE", "bench sync passphrase")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    os.environ["AMBER_INIT_DAEMON"] = "0"
    folder = Path(args.keep or tempfile.mkdtemp(prefix="amber-bench-sync-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        result = run(folder, args.entries, args.events, args.changes)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--json", help="write the result here too")
    parser.add_argument("--keep", help="work in this folder and keep it")
    return parser.parse_args()


def run(folder: Path, entries: int, events: int, changes: int) -> dict[str, object]:
    remote = folder / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    a, b = folder / "a", folder / "b"
    init_home(a)
    result: dict[str, object] = {"entries": entries, "events": events, "cores": os.cpu_count()}
    with MemoryService.open(a, interface="bench") as service:
        result["fill_a_s"] = _timed(lambda: _fill(service, a, entries, events))
        result["first_sync_a_s"] = _timed(lambda: _first_sync(service, remote, "a"))
    init_home(b)
    with MemoryService.open(b, interface="bench") as service:
        result["join_b_s"] = _timed(lambda: _first_sync(service, remote, "b"))
        result["b_entries"] = service.entry_count()
        result["b_events"] = sum(service.event_source_counts().values())
    with MemoryService.open(a, interface="bench") as service:
        paths = [row.path for row in service.outline()[:changes]]
        for path in paths:
            service.update(path, tags=["changed"])
        result["incremental_changes"] = len(paths)
        result["incremental_sync_a_s"] = _timed(service.sync)
    with MemoryService.open(b, interface="bench") as service:
        result["incremental_sync_b_s"] = _timed(service.sync)
        tagged = service.db.one("SELECT count(*) FROM entries WHERE tags LIKE '%changed%'")
        result["b_changed_seen"] = int(tagged[0]) if tagged else 0
    result.update(_sizes(a, remote))
    return result


def _fill(service: MemoryService, home: Path, entries: int, events: int) -> None:
    tree = home / "tree"
    for n in range(entries):
        folder = tree / f"topic-{n % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(40))
        (folder / f"note-{n}.md").write_text(f"# Note {n}\n\n{words} number {n}.\n")
    service.reconcile()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for first in range(0, events, BATCH):
        drafts = [_draft(n, start) for n in range(first, min(first + BATCH, events))]
        with service.db.write() as conn:
            ingest(conn, drafts)


def _draft(n: int, start: datetime) -> EventDraft:
    words = " ".join(WORDS[(n * 3 + k) % len(WORDS)] for k in range(25))
    return EventDraft(
        source="conversation",
        text=f"message {n}: {words}",
        conversation=f"chat-{n // 200}",
        message_id=f"m{n}",
        author="Ana" if n % 2 else "Ben",
        timestamp=start + timedelta(minutes=n),
        title=f"Chat {n // 200}",
    )


def _first_sync(service: MemoryService, remote: Path, name: str) -> None:
    service.sync_init(str(remote), device=name)
    service.sync()


def _sizes(a: Path, remote: Path) -> dict[str, object]:
    subprocess.run(["git", "-C", str(remote), "gc", "-q"], check=True)
    segments = list((a / "tree" / ".amber" / "events").glob("*/*.seg"))
    return {
        "remote_bytes": _bytes(remote),
        "index_bytes": sum(p.stat().st_size for p in a.glob("index.db*")),
        "segments": len(segments),
        "segment_bytes": sum(p.stat().st_size for p in segments),
    }


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _timed(step: Callable[[], object]) -> float:
    began = time.perf_counter()
    step()
    return round(time.perf_counter() - began, 2)


if __name__ == "__main__":
    main()
