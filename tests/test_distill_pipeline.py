"""The distiller's logic with a scripted model: supersession and --as-of, duplicates, invented
quotes, protection of hand-written entries, exact undo, idempotence."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.caroline import BERLIN, BERLIN_FACT, PARIS, PARIS_FACT
from helpers.cli import invoke
from helpers.events import store_events

from amber.distill import Distiller
from amber.distill.scripted import Fact, ScriptedModel
from amber.distill.undo import UndoConflictError, undo
from amber.distill.validation import NAMES_UNSUPPORTED, QUOTE_NOT_FOUND
from amber.events import EventDraft
from amber.models.runtime import ModelError
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService


def add_events(
    service: MemoryService, messages: list[tuple[str, str, str, str]], conversation: str = "chat-1"
) -> None:
    """(message id, speaker, ISO time, text) as conversation events."""
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            uri="/tmp/chat.json",
            conversation=conversation,
            message_id=mid,
            author=who,
            timestamp=datetime.fromisoformat(ts),
            title="Catch-up",
        )
        for mid, who, ts, text in messages
    ]
    store_events(service, drafts)


def caroline_moves(service: MemoryService) -> ScriptedModel:
    add_events(
        service,
        [
            ("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN),
            ("m2", "Caroline", "2024-03-02T18:00:00+00:00", PARIS),
        ],
    )
    return ScriptedModel([BERLIN_FACT, PARIS_FACT], {"Paris": ("SUPERSEDE", "Berlin")})


def snapshot(service: MemoryService) -> dict[str, object]:
    """Every tree file's bytes and every index row that derives from them."""
    files = {
        p.relative_to(service.config.tree_dir).as_posix(): p.read_bytes()
        for p in sorted(service.config.tree_dir.rglob("*"))
        if p.is_file()
    }
    rows = service.db.query(
        "SELECT rowid, id, path, title, kind, sources, supersedes, superseded_by, valid_from, "
        "body, content_hash FROM entries ORDER BY id"
    )
    fts = service.db.query("SELECT rowid, title, body, path FROM search WHERE rowid < 0")
    return {"files": files, "rows": rows, "fts": sorted(fts)}


def entry_titles(service: MemoryService, query: str, **options: Any) -> list[str]:
    hits = service.recall(query, RecallOptions(types=("entry",), mode="lexical", **options))
    return [h.title for h in hits]


def test_contradiction_supersedes_and_as_of_answers_the_past(service: MemoryService) -> None:
    report = Distiller(service.distill_parts(), caroline_moves(service)).run()
    assert (report.added, report.superseded, report.events) == (1, 1, 2)
    assert entry_titles(service, "Caroline moved")[0] == "Caroline lives in Paris"
    assert "Caroline lives in Berlin" not in entry_titles(service, "Caroline moved")
    assert entry_titles(service, "Caroline moved", include_archived=True)[:2] == [
        "Caroline lives in Paris",
        "Caroline lives in Berlin",
    ]
    past = datetime(2023, 12, 31, tzinfo=UTC)
    assert entry_titles(service, "Caroline moved", as_of=past) == ["Caroline lives in Berlin"]
    later = datetime(2024, 6, 1, tzinfo=UTC)
    assert entry_titles(service, "Caroline moved", as_of=later) == ["Caroline lives in Paris"]
    paris = service.get("Caroline lives in Paris").entry
    berlin = service.get("Caroline lives in Berlin").entry
    assert paris.supersedes == [berlin.id]
    assert berlin.superseded_by == [paris.id]
    assert berlin.path.startswith("_archive/people/caroline/")
    assert paris.sources == ["conversation:chat-1#m2"]
    assert paris.valid_from == "2024-03"
    assert '- conversation:chat-1#m2: "I moved to Paris last week"' in paris.body


def test_as_of_on_the_command_line(service: MemoryService) -> None:
    Distiller(service.distill_parts(), caroline_moves(service)).run()
    result = invoke(
        "recall", "Caroline moved", "--type", "entry", "--as-of", "2023-12-31", "--json"
    )
    assert result.exit_code == 0, result.output
    assert [h["title"] for h in json.loads(result.stdout)] == ["Caroline lives in Berlin"]


def test_the_same_fact_twice_gives_one_entry(service: MemoryService) -> None:
    dog = Fact(
        "greyhound called Biscuit",
        "Ana's dog Biscuit",
        "Ana adopted a greyhound.",
        "adopted a greyhound called Biscuit",
        "people/ana",
    )
    said = "We adopted a greyhound called Biscuit!"
    again = "Remember we adopted a greyhound called Biscuit"
    add_events(service, [("m1", "Ana", "2024-01-05T10:00:00+00:00", said)], "chat-a")
    add_events(service, [("m9", "Ana", "2024-02-05T10:00:00+00:00", again)], "chat-b")
    report = Distiller(service.distill_parts(), ScriptedModel([dog])).run()
    assert (report.added, report.unchanged) == (1, 1)
    assert entry_titles(service, "greyhound") == ["Ana's dog Biscuit"]


def test_invented_quotes_and_names_are_rejected(service: MemoryService) -> None:
    add_events(service, [("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN)])
    invented = [
        Fact(BERLIN, "Caroline's job", "Caroline works as a nurse.", "I work as a nurse"),
        Fact(BERLIN, "Caroline in Tokyo", "Caroline moved to Tokyo.", "I moved to Berlin"),
    ]
    report = Distiller(service.distill_parts(), ScriptedModel(invented)).run()
    assert report.added == 0
    assert service.entry_count() == 0
    assert report.rejected == {QUOTE_NOT_FOUND: 1, NAMES_UNSUPPORTED: 1}
    from amber.store.distill_log import recent_ops

    assert [op.action for op in recent_ops(service.db, 10)] == ["reject", "reject"]


def test_hand_edited_entry_goes_to_review_and_accept_applies(service: MemoryService) -> None:
    model = caroline_moves(service)
    Distiller(service.distill_parts(), model).run(limit=1)
    berlin = service.get("Caroline lives in Berlin").entry
    path = service.config.tree_dir / berlin.path
    path.write_text(path.read_text() + "She likes the Tiergarten.\n")
    service.reconcile()
    before = path.read_bytes()
    report = Distiller(service.distill_parts(), model).run()
    assert (report.review, report.superseded, report.added) == (1, 0, 0)
    assert path.read_bytes() == before
    assert service.entry_count() == 1
    from amber.distill.review import ReviewQueue

    reviews = ReviewQueue(service.distill_parts())
    [item] = reviews.items()
    assert item.action == "supersede"
    assert item.target_id == berlin.id
    assert "by a person" in item.reason
    assert "Caroline moved to Paris." in reviews.preview(item.id)
    reviews.accept(item.id[:10])
    assert not path.exists()
    assert entry_titles(service, "Caroline moved")[0].endswith("Paris")
    archived = service.get(berlin.id).entry
    assert "She likes the Tiergarten." in archived.body
    assert archived.superseded_by
    assert reviews.items() == []
    assert reviews.items("accepted")[0].op_id


def test_remembered_entry_is_never_updated_by_the_distiller(service: MemoryService) -> None:
    mine = service.remember(
        "Caroline moved to Berlin in 2023", title="Caroline lives in Berlin", path="people/caroline"
    )
    before = (service.config.tree_dir / mine.path).read_bytes()
    add_events(service, [("m2", "Caroline", "2024-03-02T18:00:00+00:00", PARIS)])
    report = Distiller(
        service.distill_parts(), ScriptedModel([PARIS_FACT], {"Paris": ("UPDATE", "Berlin")})
    ).run()
    assert report.review == 1
    assert report.updated == 0
    assert (service.config.tree_dir / mine.path).read_bytes() == before
    from amber.distill.review import ReviewQueue

    reviews = ReviewQueue(service.distill_parts())
    reviews.reject(reviews.items()[0].id)
    assert (
        Distiller(
            service.distill_parts(), ScriptedModel([PARIS_FACT], {"Paris": ("UPDATE", "Berlin")})
        )
        .run(again=True)
        .review
        == 0
    )


def test_undo_restores_files_and_index_exactly(service: MemoryService) -> None:
    model = caroline_moves(service)
    Distiller(service.distill_parts(), model).run(limit=1)
    before = snapshot(service)
    report = Distiller(service.distill_parts(), model).run()
    [op_id] = [op for op in report.ops]
    assert snapshot(service) != before
    result = undo(service, op_id)
    assert result.action == "supersede"
    assert snapshot(service) == before
    assert service.get("Caroline lives in Berlin").entry.superseded_by == []
    with pytest.raises(Exception, match="already undone"):
        undo(service, op_id)


def test_undo_refuses_to_overwrite_a_later_edit(service: MemoryService) -> None:
    add_events(service, [("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN)])
    report = Distiller(service.distill_parts(), ScriptedModel([BERLIN_FACT])).run()
    path = service.config.tree_dir / service.get("Caroline lives in Berlin").entry.path
    path.write_text(path.read_text() + "my own note\n")
    with pytest.raises(UndoConflictError, match="changed after operation"):
        undo(service, report.ops[0])
    assert path.read_text().endswith("my own note\n")


def test_distilling_the_same_events_twice_changes_nothing(service: MemoryService) -> None:
    Distiller(service.distill_parts(), caroline_moves(service)).run()
    before = snapshot(service)
    again = Distiller(service.distill_parts(), caroline_moves(service)).run(again=True)
    assert (again.added, again.updated, again.superseded, again.unchanged) == (0, 0, 0, 2)
    assert snapshot(service) == before
    assert (
        Distiller(service.distill_parts(), caroline_moves(service)).run().events == 0
    )  # nothing pending


def test_update_merges_new_facts_into_the_distillers_entry(service: MemoryService) -> None:
    job = Fact(
        "nurse at the Charité",
        "Caroline's work",
        "Caroline works as a nurse.",
        "I work as a nurse at the Charité",
    )
    add_events(
        service,
        [
            ("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN),
            (
                "m2",
                "Caroline",
                "2023-05-10T09:05:00+00:00",
                "Oh and I work as a nurse at the Charité now",
            ),
        ],
    )
    model = ScriptedModel([BERLIN_FACT, job], {"work": ("UPDATE", "Berlin")})
    report = Distiller(service.distill_parts(), model).run()
    assert (report.added, report.updated) == (1, 1)
    body = service.get("Caroline lives in Berlin").entry.body
    assert "- Caroline moved to Berlin.\n- Caroline works as a nurse.\n" in body
    assert service.get("Caroline lives in Berlin").entry.sources == [
        "conversation:chat-1#m1",
        "conversation:chat-1#m2",
    ]


class FailingModel(ScriptedModel):
    def generate_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ModelError("scripted failure")


def test_a_failing_model_falls_back_to_zero_llm_pages(service: MemoryService) -> None:
    add_events(service, [("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN)])
    report = Distiller(service.distill_parts(), FailingModel([])).run()
    assert report.paged == 2  # the day's episode and Caroline's page
    assert report.model_failures == ["scripted failure"]
    assert Distiller(service.distill_parts(), FailingModel([])).pending() == 0


def test_prompts_hold_no_example_facts(service: MemoryService) -> None:
    from amber.distill import curation, extraction

    allowed = {
        "ADD",
        "UPDATE",
        "SUPERSEDE",
        "NOOP",
        "YYYY",
        "MM",
        "DD",
        "You",
        "Read",
        "For",
        "Skip",
        "Give",
        "Return",
        "The",
        "Choose",
        "I",
    }
    for prompt in (extraction.SYSTEM_PROMPT, curation.SYSTEM_PROMPT):
        capitalized = set(re.findall(r"\b[A-Z][A-Za-z]*\b", prompt)) - allowed
        assert not capitalized, capitalized
        assert not re.search(r"\d", prompt.replace("0 to 1", ""))


def test_written_hash_tells_the_distillers_files_from_a_persons(service: MemoryService) -> None:
    add_events(service, [("m1", "Caroline", "2023-05-10T09:00:00+00:00", BERLIN)])
    Distiller(service.distill_parts(), ScriptedModel([BERLIN_FACT])).run()
    entry = service.get("Caroline lives in Berlin").entry
    data = (service.config.tree_dir / entry.path).read_bytes()
    row = service.db.one("SELECT content_hash FROM distill_written WHERE entry_id = ?", (entry.id,))
    assert row == (hashlib.sha256(data).hexdigest(),)


def test_events_stay_pending_when_a_run_is_stopped(service: MemoryService) -> None:
    caroline_moves(service)
    report = Distiller(service.distill_parts(), ScriptedModel([BERLIN_FACT])).run(
        should_stop=lambda: True
    )
    assert report.stopped
    assert Distiller(service.distill_parts()).pending() == 2


def test_progress_reports_every_batch(service: MemoryService, tmp_path: Path) -> None:
    model = caroline_moves(service)
    seen: list[tuple[int, int]] = []
    Distiller(service.distill_parts(), model).run(
        progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(1, 2), (2, 2)]


def test_purging_a_forgotten_entry_drops_its_undo_copies(service: MemoryService) -> None:
    from amber.store import distill_log

    model = caroline_moves(service)
    Distiller(service.distill_parts(), model).run(limit=1)
    Distiller(service.distill_parts(), model).run()
    berlin = service.get("Caroline lives in Berlin").entry
    with service.db.write() as conn:
        distill_log.purge_entry(conn, berlin.id, berlin.path)
    rows = service.db.query("SELECT before FROM distill_op_files WHERE before IS NOT NULL")
    assert all(b"Berlin" not in bytes(r[0]) for r in rows)
    op = distill_log.recent_ops(service.db, 1)[0]
    with pytest.raises(Exception, match="forgotten"):
        undo(service, op.id)
