"""kill -9 at random moments while a source produces: no acknowledged item is lost, none is
stored twice, and after a restart the source's re-sent items complete the sequence.

The daemon runs in a real subprocess with a counting source (written below as a script);
the source appends each item's number to an ack file only when the daemon acknowledges it,
i.e. after its transaction committed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.waiting import wait_for

from amber.service import MemoryService

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KILLS = 6

SCRIPT = """
import os, sys
from pathlib import Path
from amber.daemon.daemon import DaemonOptions
from amber.daemon.run import run_daemon
from amber.events import EventDraft

ACKS = Path(sys.argv[1])


def acked():
    if not ACKS.exists():
        return []
    text = ACKS.read_text()
    return [int(x) for x in text[: text.rfind("\\n") + 1].split()]


class Counter:
    name = "counter"
    description = "counts"
    default_enabled = True

    def run(self, ctx):
        done = acked()
        n = max(done) + 1 if done else 0  # resume after the last acknowledged item
        with ACKS.open("a") as out:
            def ack(n):
                out.write(f"{n}\\n")
                out.flush()
                os.fsync(out.fileno())
            while not ctx.stopping:
                draft = EventDraft(source="counter", text=f"counted item {n}", uri="counter:",
                                   message_id=str(n))
                if ctx.emit([draft], ack=lambda n=n: ack(n)):
                    n += 1
                ctx.wait(0.002)


options = DaemonOptions(watch_tree=False, distill_when_idle=False)
run_daemon(sources={"counter": Counter()}, options=options, foreground=False)
"""


def acked(path: Path) -> list[int]:
    if not path.exists():
        return []
    text = path.read_text()
    return [int(x) for x in text[: text.rfind("\n") + 1].split()]


def start(script: Path, acks: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(script), str(acks)], stderr=subprocess.PIPE)


def wait_for_acks(proc: subprocess.Popen[bytes], acks: Path, more_than: int) -> None:
    """Until the daemon acknowledged more than `more_than` items; a daemon that died instead
    fails the wait at once, with its stderr."""

    def more_acked() -> bool:
        if len(acked(acks)) > more_than:
            return True
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        return False

    wait_for(more_acked, "the daemon to acknowledge an item", timeout=60)


def test_kill_9_loop_loses_nothing_acknowledged(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "counter_daemon.py"
    acks = tmp_path / "acks.txt"
    script.write_text(SCRIPT)
    rng = random.Random(6)
    for _ in range(KILLS):
        proc = start(script, acks)
        wait_for_acks(proc, acks, len(acked(acks)))
        time.sleep(rng.uniform(0.05, 0.6))  # die at some moment in the middle of the flow
        proc.kill()
        proc.wait(30)
        proc.stderr.close()
    proc = start(script, acks)  # a last run, stopped politely: it drains its queue
    wait_for_acks(proc, acks, len(acked(acks)))
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    proc.stderr.close()

    done = acked(acks)
    with MemoryService.open(home, interface="test") as svc:
        stored = [int(r[0]) for r in svc.db.query("SELECT message_id FROM events")]
    assert set(done) <= set(stored), "an acknowledged item was lost"
    assert len(stored) == len(set(stored)), "an item was stored twice"
    assert sorted(stored) == list(range(len(stored))), "a gap: an item was never stored"
    assert len(done) >= KILLS
    assert os.path.getsize(acks) > 0
