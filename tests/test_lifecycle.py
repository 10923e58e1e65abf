"""Lifecycle: importance bumped by recall hits and updates, decay with idle time, maturity
tiers, ranking, and `amber archive --stale`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.cli import invoke

from amber import lifecycle
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.store import lifecycle as life_rows


def life(service: MemoryService, entry_id: str) -> life_rows.LifeRow:
    return next(r for r in life_rows.rows(service.db) if r.entry_id == entry_id)


def test_decay_waits_for_the_grace_period_then_halves_toward_the_floor() -> None:
    assert lifecycle.decayed(0.5, 0, "draft") == 0.5
    assert lifecycle.decayed(0.5, lifecycle.GRACE_DAYS, "draft") == 0.5
    half = lifecycle.GRACE_DAYS + lifecycle.HALF_LIFE_DAYS
    assert lifecycle.decayed(0.5, half, "draft") == pytest.approx(0.35)
    assert lifecycle.decayed(0.5, half, "core") > lifecycle.decayed(0.5, half, "validated") > 0.35
    assert lifecycle.decayed(0.1, 1000, "draft") == 0.1  # below the floor nothing decays


def test_maturity_rises_with_use_and_falls_with_hysteresis() -> None:
    assert lifecycle.next_maturity("draft", 0.5, 0) == "draft"
    assert lifecycle.next_maturity("draft", 0.55, 3) == "validated"
    assert lifecycle.next_maturity("validated", 0.85, 12) == "core"
    assert lifecycle.next_maturity("core", 0.7, 12) == "core"  # would not be promoted at 0.7
    assert lifecycle.next_maturity("core", 0.5, 12) == "validated"
    assert lifecycle.next_maturity("validated", 0.45, 0) == "validated"
    assert lifecycle.next_maturity("validated", 0.3, 0) == "draft"


def test_recall_hits_count_as_accesses(service: MemoryService) -> None:
    entry = service.remember("The spare key is under the blue flowerpot")
    service.recall("flowerpot")  # the first recall of a process is written at once
    assert life(service, entry.id).access_count == 1
    service.recall("flowerpot")
    service.recall("spare key")
    assert life(service, entry.id).access_count == 1  # batched: written every few seconds
    service.flush_lifecycle()
    row = life(service, entry.id)
    assert row.access_count == 3
    assert row.maturity == "validated"
    assert row.importance == pytest.approx(0.5 + 3 * lifecycle.HIT_BUMP)
    assert service.get(entry.id).access_count == 3


def test_updates_bump_importance_once(service: MemoryService) -> None:
    entry = service.remember("Prefers window seats on long flights", kind="preference")
    lifecycle.refresh(service.db)
    assert life(service, entry.id).importance == pytest.approx(0.5)
    service.update(entry.id, body="Prefers aisle seats on long flights\n")
    assert lifecycle.refresh(service.db).updates_counted == 1
    assert life(service, entry.id).importance == pytest.approx(0.5 + lifecycle.UPDATE_BUMP)
    report = lifecycle.refresh(service.db)
    assert (report.updates_counted, report.changed) == (0, 0)  # idempotent


def test_idle_entries_decay_and_become_stale(service: MemoryService) -> None:
    idle = service.remember("Old wifi password hint: the dog's name")
    used = service.remember("Current wifi router is in the hall cupboard")
    later = datetime.now(UTC) + timedelta(days=400)
    lifecycle.record_hits(service.db, {used.id: 1}, now=later)
    lifecycle.refresh(service.db, now=later + timedelta(days=1))
    assert life(service, idle.id).importance < 0.22 < life(service, used.id).importance
    stale = lifecycle.stale(service.db, now=later + timedelta(days=1))
    assert [s.entry_id for s in stale] == [idle.id]
    assert stale[0].idle_days >= 400


def test_importance_moves_recall_ranking(service: MemoryService) -> None:
    first = service.remember("Tomato seedlings go out in May", path="garden")
    second = service.remember("Tomato seedlings need staking", path="garden")
    options = RecallOptions(types=("entry",), mode="lexical")
    before = [h.id for h in service.recall("tomato seedlings", options)]
    low = before[-1]
    lifecycle.record_hits(service.db, {low: 15})
    assert service.recall("tomato seedlings", options)[0].id == low
    assert {first.id, second.id} == set(before)


def old_note(service: MemoryService, name: str, text: str) -> Path:
    """A note a person wrote years ago (its frontmatter says so)."""
    path = service.config.tree_dir / "notes" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\ntitle: {text}\ncreated: 2019-03-01T10:00:00Z\n"
        f"updated: 2019-03-01T10:00:00Z\n---\n{text}\n"
    )
    service.reconcile()
    return path


def test_archive_stale_proposes_and_acts_only_with_yes(home: Path) -> None:
    with MemoryService.open(home) as service:
        path = old_note(service, "fax", "Fax machine toner model number")
        service.remember("Fresh note about the printer")
    result = invoke("archive", "--stale", "--json")
    data = json.loads(result.stdout)
    assert [s["path"] for s in data["stale"]] == ["notes/fax.md"]
    assert not data["archived"]
    assert path.exists()
    result = invoke("archive", "--stale", "--yes", "--json")
    [op] = json.loads(result.stdout)["ops"]
    assert not path.exists()
    assert (path.parents[1] / "_archive" / "notes" / "fax.md").exists()
    found = json.loads(invoke("recall", "toner", "--all", "--json").stdout)
    assert found[0]["path"] == "_archive/notes/fax.md"
    assert json.loads(invoke("recall", "toner", "--json").stdout) == []
    assert invoke("undo", op).exit_code == 0
    assert path.exists()
    assert invoke("archive").exit_code == 2
