"""`amber sync compact`: a device's segments merged into one, forgotten events left out,
tombstones kept; the other devices import nothing twice, and a device that joins later
gets the same memory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from helpers.sync import all_objects, bare_remote, capture, chat, device, new_device, sync

from amber.store.forget import Selection

Run = Callable[..., CompletedProcess[str]]


def _segments(home: Path, name: str) -> list[Path]:
    return sorted((home / "tree" / ".amber" / "events" / name).glob("*.seg"))


def _texts(home: Path) -> list[str]:
    with device(home) as service:
        return sorted(row[0] for row in service.db.query("SELECT text FROM events"))


def test_compacting_merges_segments_and_the_others_import_nothing_twice(
    tmp_path: Path, amber_cli: Run
) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    for day in range(4):  # a segment per sync, as a daemon makes them
        capture(a, chat(f"day{day}", f"Day {day}: the heron was back at the pond", "Tea"))
        sync(a)
    capture(b, chat("b-side", "The bakery on Elm Street opens at seven"))
    with device(a) as service:
        service.forget_events(service.forget_plan(Selection(match="Day 2: the heron")))
    sync(a, b, a)
    before = _texts(b)
    assert len(_segments(a, "a")) == 5 and len(before) == 8

    done = amber_cli("sync", "compact", "--json", env_extra={"AMBER_HOME": str(a)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["segments_before"], report["segments_after"]) == (5, 1)
    assert (report["events"], report["dropped"], report["tombstones"]) == (7, 1, 1)
    assert len(_segments(a, "a")) == 1 and len(_segments(a, "b")) == 1  # B's untouched

    with device(a) as service:
        assert not service.sync().exchange.sent_events  # nothing sent again
    with device(b) as service:
        report_b = service.sync()
        assert report_b.exchange.received_events == 0
        assert report_b.exchange.received_segments == 0  # taken as applied, not re-read
        assert service.sync_status().segments_unapplied == 0
    assert _texts(b) == before and _texts(a) == before

    c = new_device(tmp_path, "c", remote)  # joins after the compaction
    assert _texts(c) == before
    with device(c) as service:
        status = service.sync_status()
        assert status.tombstones == 1 and status.segments_unapplied == 0

    again = amber_cli("sync", "compact", env_extra={"AMBER_HOME": str(a)})
    assert again.returncode == 0 and "nothing to compact" in again.stdout
    for repository in (remote, a / "tree"):
        assert b"the heron was back" not in all_objects(repository)
