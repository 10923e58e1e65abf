"""Pinned pictures of the main screens at 80x24 (pytest-textual-snapshot).

Content is fixed (ids, dates, texts) so a difference means the layout changed. The pictures
were made with Textual 8.2.8; after a deliberate change, review the new pictures and run
`pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version

import pytest
from helpers.events import store_events
from helpers.waiting import wait_until
from textual.pilot import Pilot

from amber.daemon.instance import InstanceLock
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import write_status
from amber.events import EventDraft
from amber.service import MemoryService
from amber.store import events as event_rows
from amber.tui.app import AmberApp, create_app
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.dialogs.add import AddMemoryDialog
from amber.tui.dialogs.links import LinksDialog
from amber.tui.screens.main import MainScreen
from amber.tui.services import TuiServices
from amber.tui.widgets.entry_view import EntryPanel
from amber.tui.widgets.memory_tree import MemoryTree
from amber.tui.widgets.results import ResultList

TEXTUAL = "8.2.8"
CAROLINE = "01JD3K5Z8XQ4M7R2T9V0W1Y2Z3"
ENTRIES = {
    "people/caroline/caroline-moved-to-berlin.md": f"""---
id: {CAROLINE}
title: Caroline moved to Berlin
kind: fact
tags: [relocation]
aliases: [Caro]
created: 2026-11-20T10:31:00Z
updated: 2026-11-20T10:31:00Z
valid_from: 2023-05
sources: ["conversation:trip-2023#m12"]
---
Caroline moved to Berlin in May 2023 and works as a **nurse**.

## Relations
- knows [[Melanie]]
""",
    "people/melanie.md": """---
id: 01JD3K5Z8XQ4M7R2T9V0W1Y2Z4
title: Melanie
kind: person
created: 2026-11-19T09:00:00Z
updated: 2026-11-19T09:00:00Z
---
Melanie paints landscapes and lives in Hamburg.
""",
    "health/dentist.md": """---
id: 01JD3K5Z8XQ4M7R2T9V0W1Y2Z5
title: Dentist on Tuesdays
kind: note
created: 2026-11-18T08:00:00Z
updated: 2026-11-18T08:00:00Z
---
Dr. Ortiz, Tuesdays at 9.
""",
    "people/context.md": "# People I know, and what they do\n",
}


SOURCE = {"detail": "", "last_error": "", "dropped": 0, "errors": 0}
RUNNING = {
    "pid": 4242,
    "state": "running",
    "started": "2026-11-20T08:00:00Z",
    "queue": {"depth": 3, "capacity": 1000, "problem": None},
    "sources": {
        "agents": SOURCE
        | {"state": "running", "captured": 1532, "last_capture": "2026-11-20T08:59:00Z"},
        "files": SOURCE
        | {
            "state": "waiting",
            "captured": 0,
            "detail": "no folders to watch yet: amber sources set files folders '[\"~/notes\"]'",
        },
        "screen": SOURCE
        | {
            "state": "error",
            "captured": 0,
            "dropped": 12,
            "errors": 3,
            "detail": "no display",
            "last_error": "cannot open display :0",
        },
    },
    "distiller": {"backlog": 7, "state": "idle"},
}


@pytest.fixture
def seeded(service: MemoryService, monkeypatch: pytest.MonkeyPatch) -> MemoryService:
    numbers = iter(range(10, 100))  # fixed event ids: the event preview shows its id
    monkeypatch.setattr(event_rows, "new_id", lambda: f"01JD3K5Z8XQ4M7R2T9V0W1EV{next(numbers)}")
    for rel, text in ENTRIES.items():
        path = service.config.tree_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    service.reconcile()
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            uri="/exports/trip.json",
            conversation="trip-2023",
            message_id=f"m{i}",
            author=who,
            timestamp=datetime(2023, 5, 8, 13, 50 + i, tzinfo=UTC),
        )
        for i, (who, text) in enumerate(
            [
                ("Ana", "Booked the flat in Lisbon"),
                ("Ben", "Ferry leaves at nine"),
                ("Ana", "Caroline moved to Berlin last week"),
            ]
        )
    ]
    store_events(service, drafts)
    return service


def app_for(service: MemoryService, theme: str | None = None) -> AmberApp:
    daemon = FileDaemonControl(service.config)
    return create_app(TuiServices(service, daemon=daemon, watch_tree=False), theme=theme)


async def open_caroline(pilot: Pilot) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await wait_until(pilot, lambda: screen.outline is not None, "the tree outline")
    screen.query_one("#tree").reveal_entry("people/caroline/x.md", CAROLINE)  # type: ignore[attr-defined]
    screen.open_entry(CAROLINE)
    panel = screen.query_one(EntryPanel)
    await wait_until(pilot, lambda: panel.rendered is not None, "the entry to render")
    await pilot.pause(0.1)


def test_textual_is_the_version_the_pictures_were_made_with() -> None:
    assert version("textual") == TEXTUAL, "re-check and update the snapshots for this Textual"


@pytest.fixture(params=["textual-dark", "textual-light"])
def theme(request: pytest.FixtureRequest) -> str:
    """Every picture is taken in a dark and in a light theme."""
    return str(request.param)


async def still(pilot: Pilot) -> None:
    """No blinking cursor in a picture, and every pending refresh drawn."""
    for node in pilot.app.screen.query("Input, TextArea"):
        node.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause(0.1)
    await pilot.pause(0.1)


def test_browse_with_an_open_entry(seeded: MemoryService, theme: str, snap_compare) -> None:
    assert snap_compare(app_for(seeded, theme), run_before=open_caroline)


def test_search_results(seeded: MemoryService, theme: str, snap_compare) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash", *"berlin")
        screen = pilot.app.screen
        await wait_until(
            pilot, lambda: getattr(screen, "shown_query", "") == "berlin", "the results for berlin"
        )
        assert screen.query_one(ResultList).hits[0].id == CAROLINE
        panel = screen.query_one(EntryPanel)  # the highlighted result is previewed
        await wait_until(pilot, lambda: panel.rendered is not None, "the entry to render")
        await still(pilot)

    assert snap_compare(app_for(seeded, theme), run_before=search)


def test_search_previews_an_event(seeded: MemoryService, theme: str, snap_compare) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash", *"ferry")
        screen = pilot.app.screen
        await wait_until(pilot, lambda: getattr(screen, "shown_query", "") == "ferry", "results")
        assert screen.query_one(ResultList).hits[0].type == "event"
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.event is not None, "the event's preview")
        await still(pilot)

    assert snap_compare(app_for(seeded, theme), run_before=search)


def test_edit_screen(seeded: MemoryService, theme: str, snap_compare) -> None:
    async def edit(pilot: Pilot) -> None:
        await open_caroline(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: pilot.app.screen.id == "edit", "the edit screen")
        await wait_until(
            pilot,
            lambda: "Caroline" in pilot.app.screen.query_one("#editor").text,  # type: ignore[attr-defined]
            "the entry in the editor",
        )
        await still(pilot)

    assert snap_compare(app_for(seeded, theme), run_before=edit)


def test_timeline(seeded: MemoryService, theme: str, snap_compare) -> None:
    async def timeline(pilot: Pilot) -> None:
        await pilot.press("t")
        await wait_until(
            pilot, lambda: len(getattr(pilot.app.screen, "events", [])) == 3, "3 timeline events"
        )
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded, theme), run_before=timeline)


async def daemon_panel(pilot: Pilot, shows: str) -> None:
    await pilot.press("s")
    await wait_until(pilot, lambda: pilot.app.screen.id == "daemon", "the daemon screen")
    summary = pilot.app.screen.query_one("#daemon-summary")
    await wait_until(pilot, lambda: shows in str(summary.render()), shows)
    await pilot.pause(0.1)


def test_daemon_not_running(seeded: MemoryService, theme: str, snap_compare) -> None:
    async def daemon(pilot: Pilot) -> None:
        await daemon_panel(pilot, "not running")

    assert snap_compare(app_for(seeded, theme), run_before=daemon)


def test_daemon_running(seeded: MemoryService, theme: str, snap_compare) -> None:
    """Every counter in view at 80 columns; what a source says goes below the table."""
    paths = DaemonPaths.of(seeded.config)
    lock = InstanceLock(paths)  # what a running daemon holds
    lock.acquire()
    paths.pid.write_text("1\n")  # a pid that is always alive; the picture must not show ours
    try:
        write_status(paths, RUNNING | {"updated": datetime.now(UTC).isoformat()})

        async def daemon(pilot: Pilot) -> None:
            await daemon_panel(pilot, "Daemon running")

        assert snap_compare(app_for(seeded, theme), run_before=daemon)
    finally:
        lock.release()


def test_help(seeded: MemoryService, theme: str, snap_compare) -> None:
    assert snap_compare(app_for(seeded, theme), press=["f1", "_"])


def test_first_run(service: MemoryService, theme: str, snap_compare) -> None:
    async def welcome(pilot: Pilot) -> None:
        panel = pilot.app.screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.welcome, "the first-run guide")
        await pilot.pause(0.2)

    assert snap_compare(app_for(service, theme), run_before=welcome)


def test_add_a_memory(service: MemoryService, theme: str, snap_compare) -> None:
    async def add(pilot: Pilot) -> None:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, AddMemoryDialog), "dialog")
        await pilot.press(*"Dentist", "enter", *"Dr. Ortiz, Tuesdays at 9.")
        await still(pilot)

    assert snap_compare(app_for(service, theme), run_before=add)


def test_links_to_follow(seeded: MemoryService, theme: str, snap_compare) -> None:
    ana = seeded.config.tree_dir / "people" / "ana.md"
    ana.write_text(
        "---\nid: 01JD3K5Z8XQ4M7R2T9V0W1Y2Z6\ntitle: Ana\nkind: person\n---\n"
        "Ana knows [[Caro]] and [[Melanie]].\n"
    )
    seeded.reconcile()

    async def links(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: screen.outline is not None, "the tree outline")
        screen.open_entry("01JD3K5Z8XQ4M7R2T9V0W1Y2Z6")
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.rendered is not None, "Ana")
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LinksDialog), "the links")
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded, theme), run_before=links)


def test_a_broken_file_in_the_tree(seeded: MemoryService, theme: str, snap_compare) -> None:
    broken = seeded.config.tree_dir / "health" / "insurance.md"
    broken.write_bytes(b"---\ntitle: [Insurance\n---\nPolicy 4711, renews in M\xe4rz.\n")
    xray = seeded.config.tree_dir / "health" / "xray.md"
    xray.write_bytes(b"# X-ray results\n\nTaken in M\xe4rz, nothing found.\n")  # Latin-1
    seeded.reconcile()
    path = "health/insurance.md"
    entry_id = next(row.id for row in seeded.outline() if row.path == path)

    async def tree(pilot: Pilot) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: screen.outline is not None, "the tree outline")
        screen.query_one(MemoryTree).reveal_entry(path, entry_id)
        screen.open_entry(entry_id)
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.rendered is not None, "the broken entry")
        await pilot.pause(0.2)

    assert snap_compare(app_for(seeded, theme), run_before=tree)
