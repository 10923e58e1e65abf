"""Pilot tests of the timeline, the review queue (the distiller's real queue) and the daemon
panel (the real daemon's status and control files)."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import pytest
from helpers.events import store_events
from helpers.waiting import wait_until
from textual.widgets import DataTable, OptionList, Static

from amber.clock import now_iso
from amber.daemon.control import Control
from amber.daemon.instance import InstanceLock
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import write_status
from amber.events import EventDraft
from amber.ids import new_id
from amber.service import MemoryService
from amber.store import review as review_rows
from amber.store.review import ReviewRow
from amber.tree.entry import Entry
from amber.tui.app import AmberApp, create_app
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.dialogs.events import EventsDialog
from amber.tui.dialogs.text_edit import TextEditDialog
from amber.tui.review_link import DistillerReview
from amber.tui.screens.daemon import DaemonScreen
from amber.tui.screens.review import ReviewScreen
from amber.tui.screens.timeline import TimelineScreen
from amber.tui.services import TuiServices
from amber.tui.widgets.markdown_area import MarkdownTextArea

SIZE = (80, 24)


def text_of(widget: Static) -> str:
    return str(widget.render())


def add_events(service: MemoryService, source: str, texts: list[str]) -> None:
    drafts = [
        EventDraft(
            source=source,
            text=text,
            uri=f"/tmp/{source}.json",
            conversation="c1",
            message_id=f"{source}-{zlib.crc32(text.encode())}",
            author="Ana",
            timestamp=datetime(2024, 3, 1 + i, 9, 0, tzinfo=UTC),
        )
        for i, text in enumerate(texts)
    ]
    store_events(service, drafts)


def queue_proposal(service: MemoryService, target: Entry, statement: str) -> str:
    """A pending item exactly as the distiller stores one for an entry a person wrote."""
    add_events(service, "conversation", [f"Big news: {statement}"])
    event = next(e for e in service.recent_events() if statement in e.text)
    candidate = {
        "title": target.title,
        "kind": "fact",
        "folder": target.path.rsplit("/", 1)[0],
        "valid_from": None,
        "confidence": 0.9,
        "statements": [{"text": statement, "evidence": [{"event": event.id, "quote": statement}]}],
    }
    proposal = {
        "key": new_id(),
        "candidate": candidate,
        "target_path": target.path,
        "target_title": target.title,
    }
    item = ReviewRow(
        new_id(),
        now_iso(),
        "pending",
        "update",
        target.id,
        "the entry was written by a person",
        proposal,
    )
    with service.db.write() as conn:
        review_rows.add_item(conn, item)
    return item.id


def app_with(service: MemoryService, **services: object) -> AmberApp:
    return create_app(TuiServices(service, watch_tree=False, poll_s=0.1, **services))  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_timeline_lists_events_by_source_and_opens_one(service: MemoryService) -> None:
    add_events(service, "conversation", ["Booked the flat in Lisbon", "Ferry leaves at nine"])
    add_events(service, "screen", ["Invoice 42 due Friday"])
    app = app_with(service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        table = screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 3, "all events")
        stamps = [e.timestamp for e in screen.events]
        assert stamps == sorted(stamps, reverse=True)  # newest first
        await pilot.press("right_square_bracket")  # next tab: conversation
        await wait_until(pilot, lambda: screen.source == "conversation", "the source tab")
        await wait_until(pilot, lambda: table.row_count == 2, "conversation events")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsDialog), "the event")
        body = app.screen.query_one("#event-text", Static)
        await wait_until(pilot, lambda: "Ferry leaves at nine" in text_of(body), "its text")
        await pilot.press("escape")
        add_events(service, "screen", ["A new screen capture arrives"])  # another process
        await wait_until(
            pilot,
            lambda: "screen 2" in str(screen.query_one("#src-1").label),
            "the new event's count",
        )


@pytest.mark.anyio
async def test_review_accept_edit_and_reject_with_the_distillers_queue(
    service: MemoryService,
) -> None:
    mine = service.remember("Caroline lives in Berlin.", title="Caroline", path="people/caroline")
    first = queue_proposal(service, mine, "Caroline moved to Paris.")
    app = app_with(service, review=DistillerReview(service))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [first], "the item")
        assert "Paris" in screen.items[0].text  # what accepting would write
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.items == [], "the queue to empty")
        assert text_of(screen.query_one("#review-empty", Static)) == "No items to review."
        assert "Paris" in service.get(mine.id).entry.body

        second = queue_proposal(service, mine, "Caroline adopted a cat.")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [second], "item two")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TextEditDialog), "the editor")
        area = app.screen.query_one(MarkdownTextArea)
        area.load_text(area.text.replace("a cat", "a grey cat named Mochi"))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.items == [], "the edited accept")
        assert "grey cat named Mochi" in service.get(mine.id).entry.body

        third = queue_proposal(service, mine, "Caroline sold her bike.")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [third], "item three")
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.items == [], "the reject")
    assert "bike" not in service.get(mine.id).entry.body
    assert [r.status for r in review_rows.items(service.db, "all")] == [
        "accepted",
        "accepted",
        "rejected",
    ]


@pytest.mark.anyio
async def test_review_without_a_queue_says_so(service: MemoryService) -> None:
    async with app_with(service).run_test(size=SIZE) as pilot:
        await pilot.press("r")
        message = pilot.app.screen.query_one("#review-empty", Static)
        await wait_until(pilot, lambda: "distiller is not set up" in text_of(message), "message")


@pytest.mark.anyio
async def test_daemon_panel_not_running_then_pause_and_resume(service: MemoryService) -> None:
    control = FileDaemonControl(service.config)
    app = app_with(service, daemon=control)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, DaemonScreen)
        summary = screen.query_one("#daemon-summary", Static)
        await wait_until(pilot, lambda: "not running" in text_of(summary), "the state")
        assert "amber daemon start" in text_of(summary)
        await pilot.press("p")
        await wait_until(pilot, lambda: "CAPTURE PAUSED" in text_of(summary), "the pause")
        assert Control(DaemonPaths.of(service.config)).load().paused(None)
        await pilot.press("u")
        await wait_until(pilot, lambda: "PAUSED" not in text_of(summary), "the resume")
        assert not Control(DaemonPaths.of(service.config)).load().paused(None)


@pytest.mark.anyio
async def test_daemon_panel_shows_a_running_daemons_sources(service: MemoryService) -> None:
    paths = DaemonPaths.of(service.config)
    lock = InstanceLock(paths)  # what a running daemon holds for its whole life
    lock.acquire()
    try:
        write_status(
            paths,
            {
                "pid": 4242,
                "state": "running",
                "started": "2026-11-20T08:00:00Z",
                "updated": "2026-11-20T09:00:00Z",
                "paused": False,
                "paused_until": None,
                "queue": {"depth": 3, "capacity": 1000, "problem": None},
                "sources": {
                    "files": {
                        "name": "files",
                        "state": "running",
                        "detail": "",
                        "captured": 12,
                        "last_capture": "2026-11-20T08:59:00Z",
                        "dropped": 0,
                        "errors": 0,
                        "last_error": "",
                    },
                    "screen": {
                        "name": "screen",
                        "state": "error",
                        "detail": "no display",
                        "captured": 0,
                        "last_capture": None,
                        "dropped": 2,
                        "errors": 1,
                        "last_error": "cannot open display :0",
                    },
                },
                "distiller": {"backlog": 7, "state": "idle"},
            },
        )
        app = app_with(service, daemon=FileDaemonControl(service.config))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            screen = app.screen
            summary = screen.query_one("#daemon-summary", Static)
            await wait_until(pilot, lambda: "Daemon running" in text_of(summary), "running")
            assert "queue 3/1000" in text_of(summary)
            assert "dropped 2" in text_of(summary)
            assert "backlog 7" in text_of(summary)
            table = screen.query_one(DataTable)
            assert table.row_count == 2
            assert table.get_row_at(1)[:2] == ["screen", "error"]
            details = screen.query_one("#daemon-details", Static)
            assert "screen: no display" in text_of(details)
            errors = screen.query_one("#daemon-errors", Static)
            assert "cannot open display :0" in text_of(errors)
    finally:
        lock.release()


@pytest.mark.anyio
async def test_help_and_command_palette(service: MemoryService) -> None:
    app = app_with(service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "palette")
        await pilot.press(*"timeline")
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count > 0, "a matching command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
