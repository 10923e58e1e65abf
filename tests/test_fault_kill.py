"""Fault injection: `kill -9` during `amber import conversation`.

The importer prints "stored N messages" only after each batch committed. Whatever was
acknowledged must survive a SIGKILL exactly once, the index must stay intact, and running
the import again must complete it without duplicates.
"""

from __future__ import annotations

import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from amber.home import init_home, open_home
from amber.importing import BATCH_SIZE
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.store import events as event_rows

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MESSAGES = 60_000
SIZES = (MESSAGES, 2 * MESSAGES, 4 * MESSAGES)  # larger files if an import outruns the kill
CONVERSATION = "kill-test"
ACK = re.compile(r"^stored (\d+) messages$")
LINE_TIMEOUT_S = 60
RUN_TIMEOUT_S = 110


@dataclass
class ImportRun:
    acks: list[int] = field(default_factory=list)
    killed: bool = False
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""

    @property
    def acknowledged(self) -> int:
        return max(self.acks, default=0)


def write_conversation(path: Path, count: int) -> Path:
    speakers = ("Ana", "Ben", "Chloé")
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            message = {
                "conversation": CONVERSATION,
                "title": "A very long chat",
                "id": f"m{i}",
                "speaker": speakers[i % 3],
                "timestamp": 1_682_933_400 + i,
                "text": f"Message {i} about trains, gardens and bread, token msgtok{i}z",
            }
            handle.write(json.dumps(message, ensure_ascii=False) + "\n")
    return path


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def run_import(path: Path, kill_after: int | None = None, delay_s: float = 0.0) -> ImportRun:
    """Run the real CLI; SIGKILL it `delay_s` after it acknowledged `kill_after` messages."""
    run = ImportRun()
    args = [sys.executable, "-m", "amber.cli", "import", "conversation", str(path), "--json"]
    with subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    ) as proc:
        lines: queue.Queue[str | None] = queue.Queue()
        pump = threading.Thread(target=_pump, args=(proc.stderr, lines), daemon=True)
        pump.start()
        stderr: list[str] = []
        try:
            # Read to the end even after the kill: every line printed before the process
            # died is an acknowledgement too.
            while (line := lines.get(timeout=LINE_TIMEOUT_S)) is not None:
                stderr.append(line)
                if match := ACK.match(line):
                    run.acks.append(int(match[1]))
                if kill_after is not None and run.acknowledged >= kill_after:
                    if delay_s:
                        time.sleep(delay_s)  # land somewhere inside the next batch
                    proc.send_signal(signal.SIGKILL)
                    kill_after = None
            run.stdout = proc.stdout.read() if proc.stdout else ""
        finally:
            if proc.poll() is None:
                proc.kill()
            run.returncode = proc.wait(timeout=RUN_TIMEOUT_S)
            pump.join(timeout=5)
        run.stderr = "\n".join(stderr)
    run.killed = run.returncode == -signal.SIGKILL
    if not run.killed:
        assert run.returncode == 0, f"the import failed (rc={run.returncode}):\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    assert run.acks == sorted(run.acks), "acknowledgements must only grow"
    return run


@dataclass(frozen=True)
class Stored:
    count: int
    distinct: int
    search_rows: int
    message_ids: frozenset[str]
    integrity: str


def stored_state(home: Path) -> Stored:
    db = open_home(home).db
    try:
        count = event_rows.event_count(db)
        distinct = (db.one("SELECT count(DISTINCT message_id) FROM events") or (0,))[0]
        ids = frozenset(r[0] for r in db.query("SELECT message_id FROM events"))
        search_rows = (db.one("SELECT count(*) FROM search WHERE rowid > 0") or (0,))[0]
        integrity = (db.one("PRAGMA integrity_check") or ("no answer",))[0]
    finally:
        db.close()
    return Stored(count, distinct, search_rows, ids, integrity)


def assert_survived(home: Path, run: ImportRun, total: int) -> Stored:
    """After a kill: acknowledged messages stored exactly once, nothing torn, no gaps."""
    assert run.returncode == -signal.SIGKILL, f"not killed: rc={run.returncode}\n{run.stderr}"
    state = stored_state(home)
    assert state.integrity == "ok"
    assert state.count == state.distinct == len(state.message_ids), "duplicate messages"
    assert state.search_rows == state.count, "full-text rows disagree with the events"
    acknowledged = {f"m{i}" for i in range(run.acknowledged)}
    assert acknowledged <= state.message_ids, (
        f"{len(acknowledged - state.message_ids)} acknowledged messages were lost"
    )
    # Batches commit whole and in order: what is stored is a prefix of the file, at most
    # one batch beyond the last acknowledgement (committed, killed before it was printed).
    assert state.message_ids == {f"m{i}" for i in range(state.count)}, "a gap in the events"
    assert state.count in (run.acknowledged, run.acknowledged + BATCH_SIZE), (
        f"{state.count} stored after {run.acknowledged} acknowledged"
    )
    assert state.count < total
    return state


def assert_completes(home: Path, path: Path, before: int, total: int) -> None:
    run = run_import(path)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["read"], result["added"]) == (total, total - before), result
    assert result["duplicates"] == before
    assert run.acknowledged == total
    state = stored_state(home)
    assert state.integrity == "ok"
    assert state.count == state.distinct == state.search_rows == total
    assert state.message_ids == {f"m{i}" for i in range(total)}
    with MemoryService.open(home, interface="test") as service:
        last = service.recall(f"msgtok{total - 1}z", RecallOptions(k=3, types=("event",)))
    # Exactly one message holds the token; neighbours may follow as context hits.
    found = [h.sources[0].message_id for h in last if "lexical" in h.channels]
    assert found == [f"m{total - 1}"]
    assert last[0].sources[0].message_id == found[0]


MakeHome = Callable[[int], tuple[Path, Path]]


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeHome:
    """Makes a new, empty home (and a conversation file of a given size) on each call."""
    made = 0

    def make(size: int) -> tuple[Path, Path]:
        nonlocal made
        made += 1
        home = tmp_path / f"home-{made}"
        monkeypatch.setenv("AMBER_HOME", str(home))
        init_home(home)
        return home, write_conversation(tmp_path / f"chat-{made}.jsonl", size)

    return make


def test_kill_9_after_two_acknowledgements(fresh_home: MakeHome) -> None:
    for size in SIZES:
        home, path = fresh_home(size)
        run = run_import(path, kill_after=2 * BATCH_SIZE)
        if run.killed:
            break  # else it finished first: try a larger file
    else:
        pytest.fail(f"the import of {SIZES[-1]} messages finished before it could be killed")
    assert len(run.acks) >= 2
    state = assert_survived(home, run, size)
    assert_completes(home, path, state.count, size)


def test_kill_9_three_times_at_random_points(fresh_home: MakeHome) -> None:
    seed = int(os.environ.get("AMBER_FAULT_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    print(f"kill points from seed {seed} (set AMBER_FAULT_SEED to repeat)")
    for size in SIZES:
        home, path = fresh_home(size)
        stored = 0
        completed_early = False
        for _ in range(3):
            batches_left = (size * 3 // 4 - stored) // BATCH_SIZE
            kill_after = stored + BATCH_SIZE * rng.randint(1, max(1, min(30, batches_left)))
            run = run_import(path, kill_after=kill_after, delay_s=rng.uniform(0, 0.08))
            if not run.killed:
                completed_early = True
                break
            stored = assert_survived(home, run, size).count
        if not completed_early:
            break
    else:
        pytest.fail(f"seed {seed}: imports kept finishing before they could be killed")
    assert_completes(home, path, stored, size)
