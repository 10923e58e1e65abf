"""Editing an entry's whole file in place: frontmatter and markdown, highlighted.

Saving goes through MemoryService (atomic write, reindex, audit in one step), so recall
finds the new text as soon as the save returns. An edit made on disk meanwhile is never
overwritten silently: the user is asked first.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from amber.errors import AmberError
from amber.tree.entry import Entry
from amber.tui.blocking import off_loop
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.screens.base import AmberScreen
from amber.tui.widgets.markdown_area import MarkdownTextArea


def body_start(text: str) -> int:
    """The first line after a frontmatter block (0 when there is none)."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return 0
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), 0)
    return min(closing + 1, len(lines) - 1) if closing else 0


class EditScreen(AmberScreen):
    """Dismisses with the entry's id when something was saved (a save can change it: a
    file whose frontmatter no longer parses gets an id from its path), else None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        # A priority binding: the TextArea (Tab indents) would take Escape to move focus.
        Binding("escape", "close", "Close", priority=True),
        Binding("ctrl+r", "reload_file", "Reload from disk"),
    ]

    def __init__(self, entry_id: str) -> None:
        super().__init__(id="edit")
        self.entry_id = entry_id
        self.original: str | None = None  # the file's text when loaded or last saved
        self.saved = False

    def compose(self) -> ComposeResult:
        yield Static(id="edit-title", classes="status-line")
        yield MarkdownTextArea(id="editor")
        yield Static(
            "ctrl+s saves and reindexes · Esc closes", id="edit-status", classes="hint-line"
        )
        yield Footer(compact=True)

    def refresh_data(self) -> None:
        if self.original is None:  # never replace what the user is typing
            self.load_file()

    @property
    def editor(self) -> MarkdownTextArea:
        return self.query_one(MarkdownTextArea)

    @property
    def dirty(self) -> bool:
        return self.original is not None and self.editor.text != self.original

    @work(exclusive=True, group="edit")
    async def load_file(self) -> None:
        try:
            entry, text = await off_loop(self, self.memory.entry_text, self.entry_id)
        except AmberError as exc:
            self._status(str(exc))
            return
        self.original = text
        self.editor.load_text(text)
        self.editor.move_cursor((body_start(text), 0))  # frontmatter stays above, in sight
        self.editor.focus()
        title = Text.assemble(
            ("Editing ", "dim"), (entry.title, "bold"), (f"  {entry.path}", "dim")
        )
        self.query_one("#edit-title", Static).update(title, layout=False)

    def _status(self, text: str) -> None:
        self.query_one("#edit-status", Static).update(Text(text), layout=False)

    def action_save(self) -> None:
        if self.original is not None:
            self.save()

    @work(exclusive=True, group="edit")
    async def save(self, overwrite: bool = False) -> None:
        text = self.editor.text
        try:
            if not overwrite and await self._changed_on_disk():
                self._ask_overwrite()
                return
            expected = None if overwrite else self.original
            entry = await off_loop(
                self, self.memory.save_entry_text, self.entry_id, text, expected=expected
            )
            _, stored = await off_loop(self, self.memory.entry_text, entry.id)
        except AmberError as exc:
            self._status(str(exc))
            return
        self._saved(entry, text, stored)

    def _saved(self, entry: Entry, typed: str, stored: str) -> None:
        notes = ["saved and reindexed"]
        if entry.id != self.entry_id:
            notes.append(f"its id is now {entry.id} (the file holds no id of its own)")
        self.entry_id = entry.id
        self.original = stored
        self.saved = True
        if stored != typed:  # show what is really stored: `updated`, redacted secrets
            self._show_stored(typed, stored)
        if stored.count("[REDACTED") > typed.count("[REDACTED"):
            notes.append("secrets were replaced by [REDACTED]")
        if entry.problem:
            notes.append(f"but {entry.problem}: kept as plain text")
        self._status("; ".join(notes))

    def _show_stored(self, typed: str, stored: str) -> None:
        """Load the stored text, the cursor where it was (below the frontmatter, lines
        Amber added to the frontmatter shift it down)."""
        row, column = self.editor.cursor_location
        if row >= body_start(typed):
            row += stored.count("\n") - typed.count("\n")
        self.editor.load_text(stored)
        self.editor.move_cursor((max(row, 0), column))

    async def _changed_on_disk(self) -> bool:
        _, on_disk = await off_loop(self, self.memory.entry_text, self.entry_id)
        return on_disk != self.original

    def _ask_overwrite(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.save(overwrite=True)
            else:
                self._status("not saved: ctrl+r reloads the file from disk (your edits go)")

        question = "The file changed on disk since you opened it."
        detail = "Overwrite it with your version? (No keeps both as they are.)"
        self.app.push_screen(ConfirmDialog(question, detail, yes="Overwrite"), answered)

    def action_reload_file(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.original = None
                self.load_file()

        if not self.dirty:
            self.original = None
            self.load_file()
            return
        self.app.push_screen(ConfirmDialog("Reload from disk and drop your edits?"), answered)

    def action_close(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(self.entry_id if self.saved else None)

        if self.dirty:
            self.app.push_screen(
                ConfirmDialog("Discard your unsaved edits?", yes="Discard"), answered
            )
        else:
            self.dismiss(self.entry_id if self.saved else None)
