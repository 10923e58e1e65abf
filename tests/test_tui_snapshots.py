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

from amber.events import EventDraft
from amber.service import MemoryService
from amber.tui.app import AmberApp, create_app
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.screens.main import MainScreen
from amber.tui.services import TuiServices
from amber.tui.widgets.entry_view import EntryPanel
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


@pytest.fixture
def seeded(service: MemoryService) -> MemoryService:
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


def test_browse_with_an_open_entry(seeded: MemoryService, snap_compare) -> None:
    assert snap_compare(app_for(seeded), run_before=open_caroline)


def test_browse_in_the_light_theme(seeded: MemoryService, snap_compare) -> None:
    assert snap_compare(app_for(seeded, theme="textual-light"), run_before=open_caroline)


def test_search_results(seeded: MemoryService, snap_compare) -> None:
    async def search(pilot: Pilot) -> None:
        await pilot.press("slash", *"berlin")
        screen = pilot.app.screen
        screen.query_one("#search").cursor_blink = False  # type: ignore[attr-defined]  # a still picture
        await wait_until(
            pilot, lambda: getattr(screen, "shown_query", "") == "berlin", "the results for berlin"
        )
        assert screen.query_one(ResultList).hits[0].id == CAROLINE
        panel = screen.query_one(EntryPanel)  # the highlighted result is previewed
        await wait_until(pilot, lambda: panel.rendered is not None, "the entry to render")
        await pilot.pause(0.1)
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded), run_before=search)


def test_edit_screen(seeded: MemoryService, snap_compare) -> None:
    async def edit(pilot: Pilot) -> None:
        await open_caroline(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: pilot.app.screen.id == "edit", "the edit screen")
        pilot.app.screen.query_one("#editor").cursor_blink = False  # type: ignore[attr-defined]
        await wait_until(
            pilot,
            lambda: "Caroline" in pilot.app.screen.query_one("#editor").text,  # type: ignore[attr-defined]
            "the entry in the editor",
        )
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded), run_before=edit)


def test_timeline(seeded: MemoryService, snap_compare) -> None:
    async def timeline(pilot: Pilot) -> None:
        await pilot.press("t")
        await wait_until(
            pilot, lambda: len(getattr(pilot.app.screen, "events", [])) == 3, "3 timeline events"
        )
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded), run_before=timeline)


def test_daemon_not_running(seeded: MemoryService, snap_compare) -> None:
    async def daemon(pilot: Pilot) -> None:
        await pilot.press("s")
        await wait_until(pilot, lambda: pilot.app.screen.id == "daemon", "the daemon screen")
        summary = pilot.app.screen.query_one("#daemon-summary")
        await wait_until(
            pilot, lambda: "not running" in str(summary.render()), "the not-running summary"
        )
        await pilot.pause(0.1)

    assert snap_compare(app_for(seeded), run_before=daemon)


def test_help(seeded: MemoryService, snap_compare) -> None:
    assert snap_compare(app_for(seeded), press=["f1", "_"])
