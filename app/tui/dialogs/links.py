"""Pick one of an entry's [[links]] to follow."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class LinksDialog(ModalScreen[str | None]):
    """Dismisses with the chosen link's target name, or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "cancel", "Cancel")]

    def __init__(self, title: str, links: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.heading = title
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Links in '{self.heading}'", classes="dialog-title", markup=False)
            options = [Option(f"[[{name}]]", id=str(i)) for i, name in enumerate(self.links)]
            yield OptionList(*options, id="links", markup=False)
            yield Static("Enter opens · Esc cancels", classes="dialog-detail")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
