"""Compaction while idle (full-text segments merged, free pages given back) and `amber
stats` by source and month."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers.cli import amber
from helpers.events import store_events

from amber.events import EventDraft
from amber.service import MemoryService
from amber.store import compaction as compaction_rows

WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ra", "so", "tu") for b in range(60)]
START = datetime(2025, 1, 10, tzinfo=UTC)


def frames(count: int, seed: int = 1, words: int = 400) -> list[EventDraft]:
    rng = random.Random(seed)
    return [
        EventDraft(
            "screen",
            " ".join(rng.choice(WORDS) for _ in range(words)),
            uri="screen:main",
            conversation="editor",
            message_id=f"f{seed}-{i}",
            timestamp=START + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def prune_all(service: MemoryService) -> int:
    with service.db.write() as conn:
        conn.execute("UPDATE events SET distilled = 1")
    return service.prune(service.prune_plan("screen", datetime(2026, 1, 1, tzinfo=UTC)))


def test_a_new_index_gives_pruned_pages_back(service: MemoryService) -> None:
    assert compaction_rows.pages(service.db).auto_vacuum == compaction_rows.INCREMENTAL
    for batch in range(4):  # four transactions: four full-text segments to merge
        store_events(service, frames(250, seed=batch))
    assert prune_all(service) == 1000
    report = service.compact()
    print(report.summary())
    assert report.merge_steps >= 1
    assert "free pages given back" in report.done
    assert report.reclaimed > 5_000_000
    assert compaction_rows.pages(service.db).free == 0
    assert service.compact().reclaimed == 0  # nothing left: a second run changes nothing


def test_an_old_index_is_vacuumed_once_then_incremental(service: MemoryService) -> None:
    """A home made before compaction has auto_vacuum NONE: one VACUUM when enough is free."""
    service.db.conn.execute("PRAGMA auto_vacuum = NONE")
    service.db.vacuum(incremental=False)
    assert compaction_rows.pages(service.db).auto_vacuum == 0
    store_events(service, frames(1500))
    store_events(service, frames(10, seed=9))
    with service.db.write() as conn:
        conn.execute("UPDATE events SET distilled = 1")
    plan = service.prune_plan("screen", datetime(2026, 1, 1, tzinfo=UTC))
    plan.events = [e for e in plan.events if not e.id.startswith("x") and "f9-" not in e.ref]
    service.prune(plan)
    report = service.compact()
    print(report.summary())
    assert report.vacuumed
    assert compaction_rows.pages(service.db).auto_vacuum == compaction_rows.INCREMENTAL
    assert report.reclaimed > 8_000_000
    assert len(service.recall(" ".join(frames(1, seed=9)[0].text.split()[:3]))) >= 1


def test_compaction_stops_when_asked(service: MemoryService) -> None:
    store_events(service, frames(50))
    report = service.compact(should_stop=lambda: True)
    assert report.stopped and report.merge_steps == 0


def test_stats_by_source_and_month(service: MemoryService, home: Path) -> None:
    store_events(service, frames(30))
    store_events(service, [EventDraft("chatgpt", "a short chat", conversation="c", message_id="1")])
    storage = service.storage()
    assert [s.source for s in storage.sources] == ["screen", "chatgpt"]
    screen = storage.sources[0]
    assert screen.events == 30
    assert screen.text_bytes == sum(len(d.text) for d in frames(30))
    assert 0.9 < screen.share < 1.0
    month = datetime.now(UTC).strftime("%Y-%m")  # when they were added, not said
    assert storage.months == {month: {"chatgpt": 1, "screen": 30}}
    service.close()
    code, out, _err = amber("stats", "--json")
    assert code == 0
    data = json.loads(out)["storage"]
    assert data["sources"][0]["source"] == "screen" and data["months"][month]["screen"] == 30
    code, out, _err = amber("stats")
    assert "size per source" in out and "events added per month" in out
    assert f"{month}" in out
