"""Retention: `amber prune` and `[retention]` remove a source's old events through the
forgetting path, never what an entry cites (or the question a cited reply answers), never
what the distiller has not read; `amber undo` of an operation whose events were pruned
says so. Housekeeping applies it while idle."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.events import store_events

from amber.config import load_config
from amber.daemon.idle import Housekeeping
from amber.distill import Distiller
from amber.distill.undo import undo
from amber.errors import InvalidInputError
from amber.events import EventDraft
from amber.service import MemoryService

OLD = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
CUT = datetime(2026, 1, 1, tzinfo=UTC)


def chat(conversation: str, texts: list[str], when: datetime = OLD) -> list[EventDraft]:
    return [
        EventDraft(
            "chatgpt",
            text,
            conversation=conversation,
            message_id=f"m{i}",
            author="user" if i % 2 else "assistant",
            timestamp=when.replace(minute=i),
            title=f"About {conversation}",
        )
        for i, text in enumerate(texts, start=1)
    ]


def distill(service: MemoryService) -> None:
    Distiller(service.distill_parts()).run()


def entry_citing(service: MemoryService, ref: str) -> str:
    row = service.db.one(
        "SELECT e.path FROM entries e, json_each(e.sources) s WHERE s.value = ?", (ref,)
    )
    assert row is not None, ref
    return str(row[0])


def disown(service: MemoryService, path: str) -> None:
    """A person rewrites a digest in their own words: it no longer cites its events."""
    text = service.files.read_bytes(path).decode()
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith("sources:") and "[^" not in line and not line.startswith("- ")
    ]
    service.save_entry_text(path, "\n".join([*kept, "My own summary of the llama trip."]))


def event_count(service: MemoryService, conversation: str) -> int:
    row = service.db.one("SELECT count(*) FROM events WHERE conversation = ?", (conversation,))
    return int(row[0]) if row else 0


def test_prune_keeps_what_the_tree_cites_and_says_how_many(service: MemoryService) -> None:
    store_events(service, chat("bakery", ["We bought a sourdough starter", "Feed it daily"]))
    store_events(service, chat("llamas", ["The llama trek starts in Cusco", "Bring boots"]))
    distill(service)
    entry_citing(service, "chatgpt:bakery#m1")
    disown(service, entry_citing(service, "chatgpt:llamas#m1"))
    plan = service.prune_plan("chatgpt", CUT)
    assert (len(plan.events), plan.kept_cited, plan.kept_undistilled) == (2, 2, 0)
    assert service.prune(plan) == 2
    assert event_count(service, "llamas") == 0
    assert event_count(service, "bakery") == 2
    assert not [h for h in service.recall("llama trek") if h.type == "event"]
    assert "event" in [h.type for h in service.recall("sourdough starter")]
    row = service.db.one("SELECT count(*) FROM search WHERE search MATCH 'cusco' AND rowid > 0")
    assert row == (0,)


def test_the_question_before_a_cited_reply_is_kept(service: MemoryService) -> None:
    """A page may quote a message as the question its reply answers: citing the reply
    keeps the question."""
    store_events(service, chat("trip", ["Where did you go?", "To Sweden, twice!"]))
    with service.db.write() as conn:  # both distilled, only the reply cited:
        conn.execute("UPDATE events SET distilled = 1")
    entry = service.remember("Went to Sweden twice", path="travel")
    service.update(entry.id, add_sources=["chatgpt:trip#m2"])
    plan = service.prune_plan("chatgpt", CUT)
    assert (len(plan.events), plan.kept_cited) == (0, 2)


def test_events_not_yet_distilled_are_kept(service: MemoryService) -> None:
    store_events(service, chat("fresh", ["Nobody has read this yet", "Nor this"]))
    plan = service.prune_plan("chatgpt", CUT)
    assert (len(plan.events), plan.kept_undistilled) == (0, 2)


def test_undo_says_that_retention_pruned_its_events(service: MemoryService) -> None:
    store_events(service, chat("llamas", ["The llama trek starts in Cusco", "Bring boots"]))
    distill(service)
    path = entry_citing(service, "chatgpt:llamas#m1")
    op_id = service.db.one("SELECT op_id FROM distill_op_events LIMIT 1")[0]
    disown(service, path)
    service.prune(service.prune_plan("chatgpt", CUT))
    with pytest.raises(InvalidInputError, match=r"retention removed on .*cannot be undone"):
        undo(service.distill_parts(), op_id)
    assert service.files.read_bytes(path).decode().endswith("My own summary of the llama trip.")


def test_prune_command_dry_run_then_for_good(service: MemoryService, home: Path) -> None:
    store_events(service, chat("llamas", ["The llama trek starts in Cusco", "Bring boots"]))
    with service.db.write() as conn:
        conn.execute("UPDATE events SET distilled = 1")
    service.close()
    args = ["prune", "--source", "chatgpt", "--before", "2026-01-01"]
    code, out, _err = amber(*args, "--dry-run", "--json")
    assert code == 0
    assert json.loads(out) | {"before": ""} == {
        "source": "chatgpt",
        "before": "",
        "events": 2,
        "kept_cited": 0,
        "kept_undistilled": 0,
        "removed": 0,
        "done": False,
    }
    code, _out, err = amber(*args)  # not a terminal: asks for --yes, removes nothing
    assert code == 2 and "--yes" in err
    code, out, _err = amber(*args, "--yes")
    assert code == 0 and "Removed 2 chatgpt events from before 2026-01-01" in out
    code, _out, err = amber("prune", "--source", "chatgpt", "--before", "the day after never")
    assert code == 2 and err.startswith("amber: ")


def test_retention_config_is_checked(home: Path) -> None:
    path = home / "config.toml"
    text = path.read_text()
    path.write_text(text.replace("# screen = 90", "screen = 90\nchatgpt = 0"))
    assert load_config(home).retention.days == {"screen": 90.0}
    path.write_text(text.replace("# screen = 90", 'screen = "ninety"'))
    config = load_config(home)
    assert config.retention.days == {}
    assert any("[retention] screen must be a number of days" in p for p in config.problems)


def test_housekeeping_prunes_by_config_while_idle(home: Path) -> None:
    path = home / "config.toml"
    path.write_text(path.read_text().replace("# screen = 90", "chatgpt = 30"))
    with MemoryService.open(home, interface="daemon") as service:
        store_events(service, chat("old", ["An old message about kayaks", "Another one"]))
        recent = datetime.now(UTC).replace(microsecond=0)
        store_events(service, chat("new", ["A recent message about kayaks", "Yes"], recent))
        with service.db.write() as conn:
            conn.execute("UPDATE events SET distilled = 1")
        ticks = iter([0.0, 0.0, 10.0, 10.0])
        housekeeping = Housekeeping(service, every_s=3600, clock=lambda: next(ticks))
        assert housekeeping.due()
        summary = housekeeping(threading.Event())
        assert summary is not None
        assert re.search(r"pruned 2 chatgpt events older than 30 days", summary)
        assert not housekeeping.due()
        assert (event_count(service, "old"), event_count(service, "new")) == (0, 2)
