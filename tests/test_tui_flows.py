"""Pilot tests of the TUI's flows, against a real encrypted home (no mocks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers.waiting import wait_until
from textual.pilot import Pilot
from textual.widgets import Markdown, Static

from amber.service import MemoryService
from amber.tui.app import AmberApp, create_app
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.dialogs.events import EventsDialog
from amber.tui.dialogs.move import MoveDialog
from amber.tui.screens.edit import EditScreen
from amber.tui.screens.main import MainScreen
from amber.tui.services import TuiServices
from amber.tui.widgets.entry_view import EntryPanel
from amber.tui.widgets.markdown_area import MarkdownTextArea
from amber.tui.widgets.memory_tree import MemoryTree
from amber.tui.widgets.results import ResultList

SIZE = (80, 24)


def app_for(service: MemoryService, **kwargs: object) -> AmberApp:
    return create_app(TuiServices(service, watch_tree=False, poll_s=0.1, **kwargs))  # type: ignore[arg-type]


def main_screen(app: AmberApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def shown_body(screen: MainScreen) -> str:
    return screen.query_one("#entry-body", Markdown).source


async def open_entry(pilot: Pilot, screen: MainScreen, entry_id: str) -> EntryPanel:
    screen.open_entry(entry_id)
    panel = screen.query_one(EntryPanel)
    await wait_until(pilot, lambda: panel.entry and panel.entry.entry.id == entry_id, "the entry")
    return panel


def seed(service: MemoryService) -> dict[str, str]:
    ids = {}
    for text, path, kind in [
        ("Caroline moved to Berlin in May 2023 and works as a nurse.", "people/caroline", "fact"),
        ("Dentist appointment with Dr. Ortiz on Tuesdays.", "health", "note"),
        ("Prefers green tea over coffee in the morning.", "preferences/food", "preference"),
    ]:
        entry = service.remember(text, path=path, kind=kind)
        ids[text.split()[0].lower()] = entry.id
    return ids


@pytest.mark.anyio
async def test_search_open_edit_save_then_recall_finds_it(service: MemoryService) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"berlin")
        screen = main_screen(app)
        await wait_until(pilot, lambda: screen.shown_query == "berlin", "search results")
        results = screen.query_one(ResultList)
        assert results.hits[0].id == ids["caroline"]
        await pilot.press("enter")
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.entry is not None, "the entry to open")
        assert "works as a nurse" in shown_body(screen)

        await pilot.press("escape", "e")  # back to the tree, then edit in place
        await wait_until(pilot, lambda: isinstance(app.screen, EditScreen), "the editor")
        editor = app.screen.query_one(MarkdownTextArea)
        await wait_until(pilot, lambda: "nurse" in editor.text, "the file in the editor")
        editor.move_cursor(editor.document.end)
        editor.insert("She plays the theremin in a quartet.\n")
        await pilot.press("ctrl+s")
        edit = app.screen
        assert isinstance(edit, EditScreen)
        await wait_until(pilot, lambda: edit.saved, "the save")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the editor to close")
        await wait_until(pilot, lambda: "theremin" in shown_body(screen), "the view to refresh")

    hits = service.recall("theremin quartet")
    assert hits
    assert hits[0].id == ids["caroline"]
    assert "theremin" in service.files.abspath(hits[0].path or "").read_text()


@pytest.mark.integration
@pytest.mark.anyio
async def test_saved_edit_is_found_by_amber_recall_cli(service: MemoryService, amber_cli) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, main_screen(app), ids["dentist"])
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditScreen), "the editor")
        editor = app.screen.query_one(MarkdownTextArea)
        await wait_until(pilot, lambda: "Ortiz" in editor.text, "the file in the editor")
        editor.load_text(editor.text.replace("Tuesdays", "Thursdays, bring the xylograph"))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.saved, "the save")  # type: ignore[attr-defined]
    found = amber_cli("recall", "xylograph", "--json")
    assert found.returncode == 0, found.stderr
    assert ids["dentist"] in found.stdout


@pytest.mark.anyio
async def test_external_file_change_shows_up_without_restart(service: MemoryService) -> None:
    ids = seed(service)
    app = create_app(TuiServices(service, watch_tree=True, poll_s=0.1))
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: app.watch_state == "watching the tree", "the watcher")
        panel = await open_entry(pilot, screen, ids["caroline"])
        path = service.files.abspath(panel.entry.entry.path)  # type: ignore[union-attr]
        path.write_text(path.read_text().replace("nurse", "marine biologist"))
        changed = lambda: "marine biologist" in shown_body(screen)  # noqa: E731
        await wait_until(pilot, changed, "the outside edit")

        new_file = service.config.tree_dir / "projects" / "garden.md"
        new_file.parent.mkdir(parents=True, exist_ok=True)
        new_file.write_text("# Garden plan\n\nPlant tomatoes in April.\n")
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.folder_node("projects") is not None, "a new folder")
        assert tree.outline is not None
        assert tree.outline.count == 4


@pytest.mark.anyio
async def test_change_by_another_process_appears(service: MemoryService, home: Path) -> None:
    seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        tree = main_screen(app).query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.outline is not None, "the tree")
        with MemoryService.open(home, interface="cli") as other:  # like `amber remember`
            other.remember("Bought a bicycle", path="projects/bike")
        await wait_until(pilot, lambda: tree.folder_node("projects") is not None, "the new entry")


@pytest.mark.anyio
async def test_forget_asks_first_and_then_forgets(service: MemoryService) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        panel = await open_entry(pilot, screen, ids["dentist"])
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("n")  # no: nothing happens
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert service.recall("dentist ortiz")

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: panel.entry is None, "the entry to go")
    assert not [h for h in service.recall("dentist ortiz") if h.id == ids["dentist"]]
    assert service.entry_count() == 2


@pytest.mark.anyio
async def test_move_with_a_bad_then_a_good_destination(service: MemoryService) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await open_entry(pilot, screen, ids["prefers"])
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, MoveDialog), "the move dialog")
        dialog = app.screen
        field = dialog.query_one("#destination")
        field.value = "../outside"  # type: ignore[attr-defined]
        await pilot.press("enter")
        error = dialog.query_one("#move-error", Static)
        await wait_until(pilot, lambda: "leaves the tree" in str(error.render()), "the error")
        assert app.screen is dialog  # still open, to fix the destination
        field.value = "preferences/drinks"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.entry_node(ids["prefers"]) is not None, "reveal")
        assert tree.cursor_node is tree.entry_node(ids["prefers"])
    assert service.get(ids["prefers"]).entry.path.startswith("preferences/drinks/")


@pytest.mark.anyio
async def test_events_behind_an_entry(service: MemoryService, tmp_path: Path) -> None:
    from amber.importing import available_importers, import_file

    export = tmp_path / "chat.json"
    export.write_text(
        '{"id": "trip", "title": "Trip", "messages": [{"id": "m1", "speaker": "Ana", '
        '"timestamp": "2023-05-08T13:56:00Z", "text": "Booked the flat in Lisbon"}]}'
    )
    importer = available_importers(load_entry_points=False)["generic"]
    import_file(service.db, export, importer, interface="test")
    entry = service.remember("Ana booked a flat", sources=["conversation:trip#m1"])
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await open_entry(pilot, screen, entry.id)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsDialog), "the events")
        text = app.screen.query_one("#event-text", Static)
        await wait_until(pilot, lambda: "Booked the flat" in str(text.render()), "event text")


@pytest.mark.anyio
async def test_external_editor_edit_is_reindexed(
    service: MemoryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(service)
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text() + '\\nAlso speaks fluent Portuguese.\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await open_entry(pilot, screen, ids["caroline"])
        await pilot.press("E")
        await wait_until(pilot, lambda: "Portuguese" in shown_body(screen), "the edited entry")
    assert service.recall("fluent portuguese")[0].id == ids["caroline"]


@pytest.mark.anyio
async def test_a_large_folder_opens_a_page_at_a_time(service: MemoryService) -> None:
    from amber.tui.widgets.memory_tree import PAGE

    folder = service.config.tree_dir / "notes"
    folder.mkdir(parents=True)
    for i in range(PAGE + 5):
        (folder / f"n{i:04d}.md").write_text(f"# Note {i:04d}\n\nabout item {i}\n")
    service.reconcile()
    last = service.get("notes/n0254.md").entry
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.query_one(MemoryTree)
        await wait_until(pilot, lambda: tree.folder_node("notes") is not None, "the tree")
        node = tree.folder_node("notes")
        tree.expand_folder(node)  # type: ignore[arg-type]
        kinds = [c.data.kind for c in node.children]  # type: ignore[union-attr]
        assert kinds.count("entry") == PAGE
        assert kinds[-1] == "more"
        assert tree.entry_node(last.id) is None
        tree.select_item(node.children[-1].data)  # type: ignore[union-attr, arg-type]
        await pilot.press("enter")
        await wait_until(pilot, lambda: tree.entry_node(last.id) is not None, "the next page")
        assert len(node.children) == PAGE + 5  # type: ignore[union-attr]

        tree.show_outline(tree.outline)  # type: ignore[arg-type]  # a refresh: pages reset
        assert tree.reveal_entry(last.path, last.id)  # pages through to the entry
        assert tree.cursor_node is tree.entry_node(last.id)


@pytest.mark.anyio
async def test_saving_a_broken_frontmatter_keeps_the_entry_as_plain_text(
    service: MemoryService,
) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await open_entry(pilot, screen, ids["dentist"])
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditScreen), "the editor")
        edit = app.screen
        editor = edit.query_one(MarkdownTextArea)
        await wait_until(pilot, lambda: "Ortiz" in editor.text, "the file")
        assert editor.cursor_location[0] > 0  # the cursor starts in the body
        editor.load_text(editor.text.replace("\n---\n", "\n-- -\n", 1))  # no closing fence
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: edit.saved, "the save")  # type: ignore[attr-defined]
        status = edit.query_one("#edit-status", Static)
        assert "kept as plain text" in str(status.render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the editor to close")
        panel = screen.query_one(EntryPanel)
        await wait_until(pilot, lambda: panel.entry and panel.entry.entry.problem, "the entry")
    assert service.recall("ortiz tuesdays")[0].path == panel.entry.entry.path  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_save_after_an_outside_edit_asks_before_overwriting(service: MemoryService) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        panel = await open_entry(pilot, screen, ids["caroline"])
        path = service.files.abspath(panel.entry.entry.path)  # type: ignore[union-attr]
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditScreen), "the editor")
        edit = app.screen
        editor = edit.query_one(MarkdownTextArea)
        await wait_until(pilot, lambda: "nurse" in editor.text, "the file")
        path.write_text(path.read_text() + "\nWritten by another editor.\n")
        editor.insert("Mine. ")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is edit, "back in the editor")
        assert "another editor" in path.read_text()
        assert "Mine." not in path.read_text()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: edit.saved, "the overwrite")  # type: ignore[attr-defined]
        assert "Mine." in path.read_text()
        assert "another editor" not in path.read_text()
        editor.insert("Unsaved. ")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "discard?")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is screen, "the editor to close")
    assert "Unsaved." not in path.read_text()


@pytest.mark.anyio
async def test_search_filters_and_their_errors(service: MemoryService) -> None:
    ids = seed(service)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("slash", *"tea kind:preference")
        await wait_until(pilot, lambda: screen.shown_query.endswith("preference"), "results")
        assert [h.id for h in screen.query_one(ResultList).hits] == [ids["prefers"]]
        await pilot.press(*" since:someday")
        hint = screen.query_one("#search-hint", Static)
        await wait_until(pilot, lambda: "cannot read 'someday'" in str(hint.render()), "error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.shown_query == "", "the tree again")
        assert screen.query_one(MemoryTree).has_focus


@pytest.mark.anyio
async def test_light_and_dark(service: MemoryService) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
