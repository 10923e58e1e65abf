"""Pilot tests of what a new user met in the TUI: keys after a search, the preview of the
highlighted result, the first-run screen and adding a memory, following [[links]], broken
files in the tree, the daemon panel at 80 columns and starting the daemon from it, and the
palette's screenshot. Real homes, real files, a real daemon."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.events import store_events
from helpers.waiting import wait_until
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from amber.daemon.instance import InstanceLock, daemon_pid
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import write_status
from amber.events import EventDraft
from amber.service import MemoryService
from amber.tui.app import AmberApp, create_app
from amber.tui.daemon_link import FileDaemonControl
from amber.tui.dialogs.add import AddMemoryDialog
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.dialogs.links import LinksDialog
from amber.tui.dialogs.passphrase import PassphraseDialog
from amber.tui.screens.daemon import DaemonScreen
from amber.tui.screens.edit import EditScreen
from amber.tui.screens.main import MainScreen
from amber.tui.widgets.entry_view import EntryPanel
from amber.tui.widgets.memory_tree import MemoryTree
from amber.tui.widgets.results import ResultList
from amber.tui.widgets.search_bar import SearchBar

SIZE = (80, 24)


def app_for(service: MemoryService, **kwargs: object) -> AmberApp:
    from amber.tui.services import TuiServices

    return create_app(TuiServices(service, watch_tree=False, poll_s=0.1, **kwargs))  # type: ignore[arg-type]


def main_screen(app: AmberApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen), app.screen
    return app.screen


def text_of(widget: Static) -> str:
    return str(widget.render())


def notes(app: AmberApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def meta(screen: MainScreen) -> str:
    return text_of(screen.query_one("#entry-meta", Static))


async def search(pilot: Pilot, screen: MainScreen, words: str) -> ResultList:
    await pilot.press("slash", *words)
    await wait_until(pilot, lambda: screen.shown_query == words, f"results for {words}")
    return screen.query_one(ResultList)


# -- keys after a search, and the preview -----------------------------------------------------


@pytest.mark.anyio
async def test_e_after_a_search_edits_the_highlighted_result(service: MemoryService) -> None:
    berlin = service.remember("Caroline moved to Berlin in May 2023.", path="people")
    second = service.remember("A weekend trip to Berlin with Ana.", path="trips")
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        results = await search(pilot, screen, "berlin")
        await pilot.press("enter")  # opens the highlighted result, then the results have focus
        await wait_until(pilot, lambda: results.has_focus, "the results to take the focus")
        assert screen.query_one(SearchBar).value == "berlin"
        await pilot.press("down")
        target = results.highlighted_hit
        assert target is not None
        assert {target.id} < {berlin.id, second.id}
        await pilot.press("e")  # at once: the key acts on the highlighted result
        await wait_until(pilot, lambda: isinstance(app.screen, EditScreen), "the editor")
        assert app.screen.entry_id == target.id  # type: ignore[attr-defined]
        assert screen.query_one(SearchBar).value == "berlin"  # not "berline"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back from the editor")

        await pilot.press("slash", "end", "e")  # while the box has the focus, e is typed
        assert screen.query_one(SearchBar).value == "berline"
        assert app.screen is screen


@pytest.mark.anyio
async def test_moving_the_highlight_previews_entries_and_events(service: MemoryService) -> None:
    entry = service.remember("Caroline moved to Berlin in May 2023.", path="people")
    store_events(
        service,
        [
            EventDraft(
                source="conversation",
                text="The ferry to Berlin leaves at nine",
                uri="/exports/trip.json",
                conversation="trip-2023",
                message_id="m1",
                author="Ben",
                timestamp=datetime(2023, 5, 8, 13, 50, tzinfo=UTC),
            )
        ],
    )
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        results = await search(pilot, screen, "berlin")
        kinds = [hit.type for hit in results.hits]
        assert sorted(kinds) == ["entry", "event"]
        panel = screen.query_one(EntryPanel)
        body = screen.query_one("#entry-body")
        for step in range(2):
            hit = results.highlighted_hit
            assert hit is not None
            if hit.type == "entry":
                await wait_until(
                    pilot, lambda: panel.entry and panel.entry.entry.id == entry.id, "entry"
                )
            else:
                await wait_until(pilot, lambda: "ferry to Berlin" in body.source, "the event")  # type: ignore[attr-defined]
                assert "Ben" in meta(screen)
                assert panel.entry is None  # entry keys do not apply to an event
            if step == 0:
                await pilot.press("down")


# -- first run ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_an_empty_home_explains_itself_and_adds_a_memory(service: MemoryService) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        body = screen.query_one("#entry-body")
        await wait_until(pilot, lambda: "amber import" in body.source, "the first-run guide")  # type: ignore[attr-defined]
        for words in ("Welcome to Amber", "press **a**", "amber daemon start"):
            assert words in body.source or words in meta(screen), words  # type: ignore[attr-defined]

        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AddMemoryDialog), "the dialog")
        dialog = app.screen
        await pilot.press("ctrl+s")  # nothing typed: said in place, the dialog stays
        error = dialog.query_one("#add-error", Static)
        await wait_until(pilot, lambda: "empty" in text_of(error), "the empty-body error")
        dialog.query_one("#add-title", Input).value = "Caroline's move"
        dialog.query_one("#add-kind", Select).value = "fact"
        dialog.query_one("#add-body", TextArea).load_text("Caroline moved to Berlin.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.entry is not None, "the new entry")
        assert panel.entry.entry.title == "Caroline's move"  # type: ignore[union-attr]
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.entry_node(panel.entry.entry.id), "in the tree")  # type: ignore[union-attr]
    found = service.recall("caroline berlin")
    assert found[0].title == "Caroline's move"
    assert found[0].kind == "fact"


# -- links ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_wikilinks_are_followed_by_key(service: MemoryService) -> None:
    melanie = service.remember("Melanie paints.", title="Melanie", path="people", aliases=["Mel"])
    one = service.remember("Caroline knows [[Mel|her friend]].", title="Caroline", path="people")
    two = service.remember("Ben knows [[Melanie]] and [[Nobody]].", title="Ben", path="people")
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        panel = screen.query_one(EntryPanel)
        screen.open_entry(one.id)
        await wait_until(pilot, lambda: panel.rendered and panel.rendered.entry.id == one.id, "one")
        await pilot.press("g")  # one link: followed at once, and shown in the tree
        await wait_until(pilot, lambda: panel.entry and panel.entry.entry.id == melanie.id, "Mel")
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.cursor_node is tree.entry_node(melanie.id), "reveal")

        screen.open_entry(two.id)
        await wait_until(pilot, lambda: panel.rendered and panel.rendered.entry.id == two.id, "two")
        await pilot.press("g")  # two links: a choice
        await wait_until(pilot, lambda: isinstance(app.screen, LinksDialog), "the choice")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        await pilot.press("down", "enter")  # Nobody: no such entry, and it says so
        await wait_until(pilot, lambda: app.screen is screen, "the choice to close")
        await wait_until(pilot, lambda: any("[[Nobody]]" in n for n in notes(app)), "the note")
        assert panel.entry.entry.id == two.id  # type: ignore[union-attr]
        assert "no entry has that title, alias or path" in notes(app)[-1]


# -- broken files -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_broken_files_are_marked_in_the_tree_and_say_what_is_wrong(
    service: MemoryService,
) -> None:
    service.remember("A good note.", title="Good", path="notes")
    folder = service.config.tree_dir / "notes"
    (folder / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\nBody text.\n")
    (folder / "latin1.md").write_bytes(b"# Caf\xe9 notes\n\nOpen on Sundays.\n")
    service.reconcile()
    rows = {row.path: row for row in service.outline()}
    assert rows["notes/bad-yaml.md"].problem
    assert "UTF-8" in (rows["notes/latin1.md"].problem or "")
    assert rows["notes/good.md"].problem is None
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.folder_node("notes") is not None, "the tree")
        tree.expand_folder(tree.folder_node("notes"))  # type: ignore[arg-type]
        labels = {
            node.data.key: node
            for node in tree.folder_node("notes").children
            if node.data  # type: ignore[union-attr]
        }
        broken = [n for n in labels.values() if str(n.label).startswith("! ")]
        assert len(broken) == 2
        good = rows["notes/good.md"]
        assert not str(labels[good.id].label).startswith("!")
        latin1 = rows["notes/latin1.md"]
        styled = tree.render_label(labels[latin1.id], tree.rich_style, tree.rich_style)
        plain = tree.render_label(labels[good.id], tree.rich_style, tree.rich_style)
        assert styled.spans != plain.spans or styled.style != plain.style

        tree.select_item(labels[latin1.id].data)  # type: ignore[arg-type]
        await pilot.press("enter")
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.rendered and panel.rendered.entry.id == latin1.id, "")
        shown = meta(screen)
        assert "could not be read" in shown
        assert "invalid UTF-8 at byte" in shown


# -- the daemon panel ----------------------------------------------------------------------------


def running_status(paths: DaemonPaths) -> None:
    source = {
        "state": "waiting",
        "detail": "no folders to watch yet: amber sources set files folders '[\"~/notes\"]'",
        "captured": 1234,
        "last_capture": "2026-11-20T08:59:00Z",
        "dropped": 56,
        "errors": 78,
        "last_error": "",
    }
    write_status(
        paths,
        {
            "pid": 4242,
            "state": "running",
            "started": "2026-11-20T08:00:00Z",
            "updated": datetime.now(UTC).isoformat(),
            "queue": {"depth": 3, "capacity": 1000, "problem": None},
            "sources": {"files": {"name": "files", **source}},
        },
    )


@pytest.mark.anyio
async def test_the_daemon_panel_shows_every_counter_at_80_columns(service: MemoryService) -> None:
    paths = DaemonPaths.of(service.config)
    lock = InstanceLock(paths)
    lock.acquire()
    try:
        running_status(paths)
        app = app_for(service, daemon=FileDaemonControl(service.config))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            screen = app.screen
            table = screen.query_one(DataTable)
            await wait_until(pilot, lambda: table.row_count == 1, "the source row")
            await pilot.pause(0.1)
            width = sum(column.get_render_width(table) for column in table.columns.values())
            assert width <= table.scrollable_content_region.width
            assert {"1234", "56", "78"} <= {str(cell) for cell in table.get_row_at(0)}
            details = text_of(screen.query_one("#daemon-details", Static))
            assert "no folders to watch yet" in details
    finally:
        lock.release()


@pytest.mark.anyio
@pytest.mark.integration
async def test_start_and_stop_the_daemon_from_the_panel(service: MemoryService) -> None:
    paths = DaemonPaths.of(service.config)
    app = app_for(service, daemon=FileDaemonControl(service.config))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            screen = app.screen
            assert isinstance(screen, DaemonScreen)
            summary = screen.query_one("#daemon-summary", Static)
            await wait_until(pilot, lambda: "not running" in text_of(summary), "not running")
            assert "S starts it" in text_of(summary)
            await pilot.press("S")
            await wait_until(pilot, lambda: any("Starting" in n for n in notes(app)), "feedback")
            started = lambda: any("Daemon started (pid" in n for n in notes(app))  # noqa: E731
            await wait_until(pilot, started, "the daemon to start", 60)
            await wait_until(pilot, lambda: "Daemon running" in text_of(summary), "running")
            await pilot.press("X")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
            await pilot.press("y")
            stopped = lambda: any("Daemon stopped" in n for n in notes(app))  # noqa: E731
            await wait_until(pilot, stopped, "the daemon to stop", 40)
            await wait_until(pilot, lambda: "not running" in text_of(summary), "not running")
    finally:
        pid = daemon_pid(paths)
        if pid:  # never leave a daemon behind a failed test
            os.kill(pid, 15)


@pytest.mark.anyio
async def test_a_daemon_that_cannot_start_says_why(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMBER_PASSPHRASE", "not the passphrase")
    app = app_for(service, daemon=FileDaemonControl(service.config))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        summary = app.screen.query_one("#daemon-summary", Static)
        await wait_until(pilot, lambda: "not running" in text_of(summary), "not running")
        await pilot.press("S")
        await wait_until(pilot, lambda: any("could not start" in n for n in notes(app)), "why")
        assert any("wrong key or passphrase" in n for n in notes(app))


@pytest.mark.anyio
async def test_starting_asks_for_the_passphrase_when_none_is_set(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMBER_PASSPHRASE")
    app = app_for(service, daemon=FileDaemonControl(service.config))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        summary = app.screen.query_one("#daemon-summary", Static)
        await wait_until(pilot, lambda: "not running" in text_of(summary), "not running")
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, PassphraseDialog), "the question")
        field = app.screen.query_one(Input)
        assert field.password  # hidden as it is typed
        await pilot.press(*"a wrong one", "enter")
        await wait_until(pilot, lambda: any("could not start" in n for n in notes(app)), "why")
        assert "wrong key or passphrase" in notes(app)[-1]
    assert daemon_pid(DaemonPaths.of(service.config)) is None


# -- the palette's screenshot -------------------------------------------------------------------


@pytest.mark.anyio
async def test_screenshot_says_where_it_went_or_why_not(
    service: MemoryService, tmp_path: Path
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    app = app_for(service)
    app.screenshot_dir = shots
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"screenshot")
        options = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: options.option_count > 0, "the command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Screenshot saved" in n for n in notes(app)), "ok")
        saved = list(shots.iterdir())
        assert len(saved) == 1
        assert saved[0].read_text().startswith("<svg")
        assert str(saved[0]) in notes(app)[-1]

        app.screenshot_dir = saved[0]  # a file, not a folder: the error says so
        app.action_screenshot()
        await wait_until(pilot, lambda: any("not saved" in n for n in notes(app)), "the error")
        assert "Not a directory" in notes(app)[-1]


def test_screenshots_go_to_downloads_or_else_the_current_folder(tmp_path: Path) -> None:
    from amber.tui.screenshot import screenshot_folder

    downloads = tmp_path / "Downloads"
    assert screenshot_folder(downloads, tmp_path) == tmp_path
    downloads.mkdir()
    assert screenshot_folder(downloads, tmp_path) == downloads
