"""Add a memory: a title, a kind and the text, written by `MemoryService.remember`.

The write runs from here so a problem (no text, a title that cannot be stored) is said in
place and nothing typed is lost: the dialog stays open to fix it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from amber.errors import AmberError
from amber.tree.entry import KINDS, Entry
from amber.tui.blocking import off_loop
from amber.tui.widgets.markdown_area import MarkdownTextArea

Remember = Callable[..., Entry]  # MemoryService.remember
HINT = "the title may stay empty (the first line is used) · ctrl+s remembers · Esc cancels"


class AddMemoryDialog(ModalScreen[Entry | None]):
    """Dismisses with the new entry, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Remember"),
        Binding("escape", "cancel", "Cancel", priority=True),  # the TextArea would take it
    ]

    def __init__(self, remember: Remember) -> None:
        super().__init__(classes="dialog-screen")
        self.remember = remember

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall", id="add-dialog"):
            yield Static("Add a memory", classes="dialog-title")
            with Horizontal(id="add-fields"):
                yield Input(placeholder="title", id="add-title", compact=True)
                kinds = [(kind, kind) for kind in KINDS]
                yield Select(kinds, value="note", allow_blank=False, id="add-kind", compact=True)
            yield MarkdownTextArea(id="add-body")
            yield Static("", id="add-error", classes="dialog-error", markup=False)
            yield Static(HINT, classes="dialog-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one("#add-title", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#add-body", MarkdownTextArea).focus()  # Enter in the title: the text

    def action_save(self) -> None:
        title = self.query_one("#add-title", Input).value
        kind = str(self.query_one("#add-kind", Select).value)
        self._save(self.query_one("#add-body", MarkdownTextArea).text, title, kind)

    @work(exclusive=True, group="add")
    async def _save(self, text: str, title: str, kind: str) -> None:
        try:
            entry = await off_loop(self, self.remember, text, title=title or None, kind=kind)
        except AmberError as exc:
            self.query_one("#add-error", Static).update(str(exc))
            return
        self.dismiss(entry)

    def action_cancel(self) -> None:
        self.dismiss(None)
