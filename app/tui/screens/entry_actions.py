"""What can be done to the open entry: edit (here or in $EDITOR), move, forget, its events."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from amber.errors import AmberError
from amber.reads import EntryView
from amber.tree.entry import Entry
from amber.tui.blocking import off_loop
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.dialogs.events import EventsDialog
from amber.tui.dialogs.move import MoveAction, MoveDialog
from amber.tui.editor import run_editor
from amber.tui.screens.base import AmberScreen
from amber.tui.screens.edit import EditScreen
from amber.tui.widgets.entry_view import EntryPanel
from amber.tui.widgets.memory_tree import MemoryTree

ENTRY_ACTIONS = ("edit", "edit_external", "move", "forget", "events", "links")
NO_ENTRY = "Open an entry first: Enter on it in the tree or in the results."


class EntryActions(AmberScreen):
    """Actions on the entry shown in the screen's EntryPanel (subclasses compose one)."""

    ENTRY_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit"),
        Binding("E", "edit_external", "$EDITOR", show=False),
        Binding("m", "move", "Move", show=False),  # 80 columns: the footer keeps Add
        Binding("d,delete", "forget", "Forget"),
        Binding("v", "events", "Events", show=False),
    ]

    def open_entry(self, entry_id: str, quiet: bool = False, path: str = "") -> None:
        raise NotImplementedError

    def reload(self, reveal: tuple[str, str] | None = None) -> None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ENTRY_ACTIONS and self.query_one(EntryPanel).entry is None:
            return None  # shown dimmed: there is no open entry to act on
        return True

    def _current(self) -> EntryView | None:
        data = self.query_one(EntryPanel).entry
        if data is None:
            self.notify(NO_ENTRY, severity="warning", timeout=3)
        return data

    async def _target(self) -> EntryView | None:
        """The entry an action key applies to; a screen with a result list makes it the
        highlighted result, even before its preview is drawn."""
        return self._current()

    async def action_edit(self) -> None:
        data = await self._target()
        if data is None:
            return

        def closed(saved_id: str | None) -> None:
            if saved_id:
                self.open_entry(saved_id)

        self.app.push_screen(EditScreen(data.entry.id), closed)

    async def action_edit_external(self) -> None:
        data = await self._target()
        if data is None:
            return
        entry = data.entry
        try:  # blocks while the editor runs: the app is suspended, the terminal is the editor's
            run_editor(self.app, self.memory.file_path(entry))
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self._reindex(entry.path, entry.id)

    @work(group="write")
    async def _reindex(self, path: str, entry_id: str) -> None:
        try:
            outcome = await off_loop(self, self.memory.index_file, path)
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.notify(f"{path}: {outcome}", timeout=3)
        self.open_entry(entry_id, path=path)

    async def action_move(self) -> None:
        data = await self._target()
        if data is None:
            return
        entry_id = data.entry.id

        def moved(entry: Entry | None) -> None:
            if entry is not None:
                self.notify(f"Moved to {entry.path}", timeout=3)
                self.reload(reveal=(entry.path, entry.id))

        dialog = MoveDialog(data.entry.title, data.entry.path, self._mover(entry_id))
        self.app.push_screen(dialog, moved)

    def _mover(self, entry_id: str) -> MoveAction:
        return lambda destination: self.memory.move(entry_id, destination)

    async def action_forget(self) -> None:
        data = await self._target()
        if data is None:
            return
        entry = data.entry

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget(entry.id, entry.title)

        question = f"Forget '{entry.title}' for good?"
        detail = (
            f"{entry.path}\nThe file, its index rows and its search tokens are deleted. "
            "This cannot be undone."
        )
        self.app.push_screen(ConfirmDialog(question, detail, yes="Forget"), answered)

    @work(group="write")
    async def _forget(self, entry_id: str, title: str) -> None:
        try:
            await off_loop(self, self.memory.forget, entry_id)
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.query_one(EntryPanel).show(None)
        self.query_one(MemoryTree).focus()
        self.notify(f"Forgot '{title}'", timeout=3)
        self.reload()

    async def action_events(self) -> None:
        data = await self._target()
        if data is None:
            return
        if not data.sources:
            self.notify("No sources recorded for this entry.", timeout=3)
            return
        title = f"Events behind '{data.entry.title}'"
        self.app.push_screen(EventsDialog(title, data.sources, self.memory.get_event))
