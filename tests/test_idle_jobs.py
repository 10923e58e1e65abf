"""Idle work in order (distiller, housekeeping, vectors): the first due job that finds
something runs; a busy machine waits; a failing job neither stops the others nor capture.
And for real: the daemon embeds captured events while idle, the tree watcher only entries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.daemon import daemon_with
from helpers.events import store_events
from helpers.local_models import minilm
from helpers.waiting import wait_for

from amber.config import load_config
from amber.daemon.idle import IdleJob, IdleRunner
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import read_status
from amber.events import EventDraft
from amber.service import MemoryService


def job(name: str, done: list[str], result: str | None, due: bool = True) -> IdleJob:
    def step(stop: threading.Event) -> str | None:
        done.append(name)
        return result

    return IdleJob(name, step, lambda: due)


def running(jobs: list[IdleJob], busy_percent: float = 101.0) -> Callable[[], IdleRunner]:
    """Start a runner looking every 50 ms; returns the function that stops it."""
    stop = threading.Event()
    runner = IdleRunner(jobs, stop, check_s=0.05, busy_percent=busy_percent)
    runner.start()

    def stopped() -> IdleRunner:
        stop.set()
        runner.join()
        return runner

    stopped.runner = runner  # type: ignore[attr-defined]
    return stopped


def test_the_first_due_job_that_finds_work_runs() -> None:
    done: list[str] = []
    stop = running(
        [
            job("distiller", done, None),  # due, but another process did it
            job("housekeeping", done, "pruned", due=False),
            job("vectors", done, "embedded 3"),
        ]
    )
    wait_for(lambda: done.count("vectors") >= 2, "two vector steps")
    runner = stop()
    assert "housekeeping" not in done
    assert done[:2] == ["distiller", "vectors"]
    assert runner.state == "embedded 3"


def test_a_busy_machine_waits() -> None:
    done: list[str] = []
    stop = running([job("vectors", done, "embedded 3")], busy_percent=-1.0)
    runner: IdleRunner = stop.runner  # type: ignore[attr-defined]
    wait_for(lambda: runner.state.startswith("waiting: machine busy"), "the runner to wait")
    stop()
    assert not done


def test_a_failing_job_does_not_stop_the_others() -> None:
    done: list[str] = []

    def broken(stop: threading.Event) -> str:
        raise RuntimeError("model file went away")

    def unreadable() -> bool:
        raise OSError("index locked")

    stop = running(
        [
            IdleJob("distiller", lambda s: None, unreadable),
            IdleJob("housekeeping", broken, lambda: True),
            job("vectors", done, "embedded 1"),
        ]
    )
    wait_for(lambda: len(done) >= 2, "the vectors job to go on")
    runner = stop()
    assert runner.errors >= 2


def _messages(count: int) -> list[EventDraft]:
    return [
        EventDraft(
            source="chat",
            text=f"Message {i}: the pottery class meets on Thursday number {i}",
            conversation="pottery",
            message_id=str(i),
            author="Ana" if i % 2 else "assistant",
        )
        for i in range(count)
    ]


@pytest.mark.integration
def test_the_daemon_embeds_events_while_idle(home: Path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")
    from amber.models.registry import add_local

    add_local(load_config(home), minilm(), "embed")
    with MemoryService.open(home) as service:
        store_events(service, _messages(10))
        assert service.pending_embeddings() == 5  # the assistant's answers get none
    busy = {"idle_check_s": 0.1, "idle_busy_percent": -1.0, "status_every_s": 0.1}
    with daemon_with(home, **busy) as daemon:  # never idle: the status says what waits
        paths = DaemonPaths.of(load_config(home))
        wait_for(lambda: "distiller" in read_status(paths).data, "the first full status")
        assert read_status(paths).data["distiller"]["vectors_waiting"] == 5
        assert daemon.service.pending_embeddings() == 5
    idle = {"idle_check_s": 0.1, "idle_busy_percent": 101.0}
    with daemon_with(home, **idle) as daemon:
        wait_for(lambda: daemon.service.pending_embeddings() == 0, "the idle embedding")
    with MemoryService.open(home) as service:
        found = service.db.one("SELECT count(DISTINCT doc_key) FROM embeddings")
        assert found == (5,)


@pytest.mark.integration
def test_the_tree_watcher_embeds_entries_not_events(home: Path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")
    from amber.models.registry import add_local
    from amber.watcher import TreeWatcher

    add_local(load_config(home), minilm(), "embed")
    with MemoryService.open(home) as service:
        store_events(service, _messages(4))
        watcher = TreeWatcher(service)
        watcher.start()
        try:
            service.remember("The kiln key hangs by the back door")
            wait_for(lambda: service.pending_embeddings(events=False) == 0, "the entry")
        finally:
            watcher.stop()
        assert service.pending_embeddings() == 2  # the events wait for idle time
