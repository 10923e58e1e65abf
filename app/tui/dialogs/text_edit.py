"""Edit a piece of markdown (a proposal in the review queue) and hand it back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from amber.tui.widgets.markdown_area import MarkdownTextArea


class TextEditDialog(ModalScreen[str | None]):
    """Dismisses with the new text (ctrl+s), or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "done", "Done"),
        Binding("escape", "cancel", "Cancel", priority=True),  # the TextArea would take it
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self.heading = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            yield MarkdownTextArea(self.text, id="text-edit")
            yield Static("ctrl+s keeps the change · Esc cancels", classes="dialog-detail")

    def on_mount(self) -> None:
        self.query_one(MarkdownTextArea).focus()

    def action_done(self) -> None:
        self.dismiss(self.query_one(MarkdownTextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
