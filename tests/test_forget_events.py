"""Forgetting captured and imported messages: gone from the index (rows, search tokens,
vectors, the context of the messages after them, undo copies, review proposals) and from
what was distilled from them; the audit log says that something was forgotten, not what."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import amber

from amber.distill import Distiller
from amber.distill.candidate import Candidate, Evidence, Statement
from amber.distill.journal import Journal
from amber.events import Event
from amber.ids import new_id
from amber.service import MemoryService
from amber.store import distill_events
from amber.store.forget import Selection
from amber.tree.entry import Entry
from amber.tui.review_link import DistillerReview

SECRET = "zq7secretvalue"  # one token, found nowhere else
MESSAGES = [
    ("m1", "Ana", "2023-05-08T10:00:00Z", "I booked the flat in Lisbon near the river"),
    (
        "m2",
        "Ben",
        "2023-05-08T10:01:00Z",
        f"My therapist {SECRET} moved our session, the door opens",
    ),
    ("m3", "Ana", "2023-05-08T10:02:00Z", "Thanks, we arrive on Friday by train"),
]


def import_trip(service: MemoryService, tmp_path: Path) -> None:
    messages = [
        {"id": i, "speaker": who, "timestamp": ts, "text": text} for i, who, ts, text in MESSAGES
    ]
    export = tmp_path / "trip.json"
    export.write_text(json.dumps({"id": "trip", "title": "Trip planning", "messages": messages}))
    code, _out, err = amber("import", "conversation", str(export))
    assert code == 0, err


def event_of(service: MemoryService, message_id: str) -> Event:
    row = service.db.one("SELECT id FROM events WHERE message_id = ?", (message_id,))
    assert row is not None
    return service.get_event(row[0])


def every_stored_text(service: MemoryService) -> str:
    """Every value of every table, the full-text index's own tables included."""
    tables = [r[0] for r in service.db.query("SELECT name FROM sqlite_master WHERE type='table'")]
    values = []
    for table in tables:
        for row in service.db.query(f'SELECT * FROM "{table}"'):
            values += [
                v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
            ]
    return "\n".join(values)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def test_an_event_is_forgotten_by_its_id(service: MemoryService, tmp_path: Path) -> None:
    """`amber forget <event id>` said "no entry" (exit 4): messages could never go."""
    import_trip(service, tmp_path)
    secret = event_of(service, "m2")
    assert SECRET in every_stored_text(service)
    code, out, err = amber("forget", secret.id, "--yes")
    assert code == 0, err
    assert "Forgot 1 events" in out
    assert SECRET not in every_stored_text(service)
    assert not service.recall(SECRET)
    follower = event_of(service, "m3")  # its search row held the start of m2 as context
    assert [h.id for h in service.recall("therapist session door")] != [follower.id]
    assert service.audit_log(1)[0]["action"] == "forget-events"
    assert SECRET not in json.dumps(service.audit_log(50))


def test_a_conversation_and_a_time_range_are_forgotten(
    service: MemoryService, tmp_path: Path
) -> None:
    import_trip(service, tmp_path)
    window = ["--since", "2023-05-08T10:01", "--until", "2023-05-08T10:02"]
    code, out, _err = amber("forget", "--source", "conversation", *window, "--dry-run")
    assert code == 0
    assert "Would forget 1 events" in out
    assert service.db.one("SELECT count(*) FROM events")[0] == 3
    code, _out, err = amber("forget", "--conversation", "trip", "--yes")
    assert code == 0, err
    assert service.db.one("SELECT count(*) FROM events")[0] == 0


def test_forgetting_asks_first(service: MemoryService, tmp_path: Path) -> None:
    import_trip(service, tmp_path)
    code, _out, err = amber("forget", "--match", SECRET)
    assert code == 2
    assert "needs confirmation" in err
    assert SECRET in every_stored_text(service)


def test_pages_are_rebuilt_without_a_forgotten_message(
    service: MemoryService, tmp_path: Path
) -> None:
    import_trip(service, tmp_path)
    Distiller(service.distill_parts()).run()
    holding = [p for p in service.config.tree_dir.rglob("*.md") if SECRET in p.read_text()]
    assert holding  # the episode quotes it, and Ben's page may
    code, out, err = amber("forget", "--match", SECRET, "--yes", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sorted(report["rewritten"] + report["removed"]) == sorted(
        p.relative_to(service.config.tree_dir).as_posix() for p in holding
    )
    for path in service.config.tree_dir.rglob("*.md"):
        assert SECRET not in path.read_text()
    assert SECRET not in every_stored_text(service)  # the undo copies of the pages are gone
    assert service.doctor().clean


def test_a_distilled_fact_goes_with_its_evidence(service: MemoryService, tmp_path: Path) -> None:
    import_trip(service, tmp_path)
    flat, secret = event_of(service, "m1"), event_of(service, "m2")
    parts = service.distill_parts()
    journal = Journal(parts.db, parts.writer, new_id())
    facts = [
        Statement("Ana booked a flat in Lisbon.", [Evidence(flat, "booked the flat in Lisbon")]),
        Statement(f"Ben's therapist is {SECRET}.", [Evidence(secret, f"therapist {SECRET}")]),
    ]
    with parts.writer.locked():
        op, entry = journal.plan_add(Candidate("Lisbon trip", "fact", "trips", facts), "trips")
        journal.commit(op)
    service.forget_events(service.forget_plan(Selection(handle=secret.id)))
    body = service.get(entry.id).entry.body
    assert "Ana booked a flat in Lisbon." in body
    assert SECRET not in body
    assert secret.ref not in service.get(entry.id).entry.sources


def test_a_page_a_person_wrote_keeps_its_text_and_is_named(
    service: MemoryService, tmp_path: Path
) -> None:
    import_trip(service, tmp_path)
    secret = event_of(service, "m2")
    mine = service.remember("My own summary of the trip", sources=[secret.ref], path="trips")
    report = service.forget_events(service.forget_plan(Selection(handle=secret.id)))
    assert report.yours == [mine.path]
    assert report.proposed == []  # it quotes nothing of them
    kept = service.get(mine.id).entry
    assert kept.body.startswith("My own summary")
    assert kept.sources == []


def _page_edited_by_hand(service: MemoryService, tmp_path: Path) -> tuple[Event, Entry]:
    """The trip, and a distilled page quoting its message m2 that its owner then edited."""
    import_trip(service, tmp_path)
    secret = event_of(service, "m2")
    parts = service.distill_parts()
    journal = Journal(parts.db, parts.writer, new_id())
    said = [Statement(f"Ben sees {SECRET} weekly.", [Evidence(secret, f"therapist {SECRET}")])]
    with parts.writer.locked():
        op, entry = journal.plan_add(Candidate("Ben", "fact", "people", said), "people")
        journal.commit(op)
    path = service.config.tree_dir / entry.path
    path.write_text(path.read_text() + "\nMy own note: call Ben on Sunday.\n")
    service.reconcile()
    return secret, service.get(entry.id).entry


def test_a_page_a_person_edited_waits_for_their_consent(
    service: MemoryService, tmp_path: Path
) -> None:
    """Pages a person edited were only named: the forgotten message stayed quoted in them."""
    _message, page = _page_edited_by_hand(service, tmp_path)
    report = service.forget_events(service.forget_plan(Selection(match=SECRET)))
    assert report.proposed == [page.path]
    assert SECRET in service.get(page.id).entry.body  # nothing of theirs changed unasked
    code, out, err = amber("review")
    assert code == 0, err
    assert "forget" in out
    item = service.review_queue().items()[0]
    preview = service.review_queue().preview(item.id)
    assert SECRET not in preview
    assert "My own note: call Ben on Sunday." in preview
    shown_in_tui = DistillerReview(service).pending()[0]
    assert (shown_in_tui.action, shown_in_tui.text) == ("FORGET", preview)
    code, out, err = amber("review", "accept", item.id[:8])
    assert code == 0, err
    assert "no longer holds" in out
    body = service.get(page.id).entry.body
    assert SECRET not in body
    assert "My own note: call Ben on Sunday." in body
    assert SECRET not in every_stored_text(service)


def test_a_forget_proposal_is_not_applied_over_newer_edits(
    service: MemoryService, tmp_path: Path
) -> None:
    secret, page = _page_edited_by_hand(service, tmp_path)
    service.forget_events(service.forget_plan(Selection(handle=secret.id)))
    path = service.config.tree_dir / page.path
    path.write_text(path.read_text() + "A line written after the proposal.\n")
    service.reconcile()
    item = service.review_queue().items()[0]
    code, _out, err = amber("review", "accept", item.id)
    assert code != 0
    assert "changed after this was proposed" in err
    assert "A line written after the proposal." in path.read_text()


def test_undo_copies_of_operations_that_used_it_are_dropped(
    service: MemoryService, tmp_path: Path
) -> None:
    import_trip(service, tmp_path)
    report = Distiller(service.distill_parts()).run()
    service.forget_events(service.forget_plan(Selection(match=SECRET)))
    code, _out, err = amber("undo", report.ops[0])
    assert code == 2
    assert "forgotten" in err


def test_an_agent_with_the_whole_tree_can_forget_a_message(
    service: MemoryService, tmp_path: Path
) -> None:
    from amber.mcp.scope import Scope
    from amber.mcp.state import AmberState
    from amber.mcp.tools_write import _forget_event

    import_trip(service, tmp_path)
    secret = event_of(service, "m2")

    class Ctx:  # what the tool reads of its MCP context
        class request_context:
            session = type("S", (), {"client_params": None})()

    with pytest.raises(Exception, match="no memory"):
        _forget_event(AmberState(service, Scope("projects/app")), Ctx(), secret.id)  # type: ignore[arg-type]
    result = _forget_event(AmberState(service, Scope()), Ctx(), secret.id)  # type: ignore[arg-type]
    assert result["forgotten"] == secret.id
    assert not distill_events.events_by_id(service.db, [secret.id])


def test_a_kept_screenshot_goes_with_its_event(service: MemoryService) -> None:
    from helpers.events import store_events

    from amber.events import EventDraft

    shot = service.config.screens_dir / "20260101" / "frame.png.enc"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"sealed")
    draft = EventDraft(
        "screen",
        "a window with a secret",
        uri="screen:1",
        trust="untrusted",
        meta={"image": "20260101/frame.png.enc"},
    )
    store_events(service, [draft])
    service.forget_events(service.forget_plan(Selection(source="screen")))
    assert not shot.exists()
