"""Where to move an entry. The move runs from here so a bad destination is explained in
place and the dialog stays open to fix it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from amber.errors import AmberError
from amber.tree.entry import Entry
from amber.tui.blocking import off_loop

MoveAction = Callable[[str], Entry]


class MoveDialog(ModalScreen[Entry | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, path: str, move: MoveAction) -> None:
        super().__init__(classes="dialog-screen")
        self.entry_title = title
        self.path = path
        self.move = move

    def compose(self) -> ComposeResult:
        folder = self.path.rpartition("/")[0]
        with Vertical(classes="dialog"):
            yield Static(f"Move '{self.entry_title}'", classes="dialog-title", markup=False)
            yield Static(
                f"now: {self.path}\nto a folder (people/friends) or a path ending in .md; "
                "the id stays the same. Enter moves, Escape cancels.",
                classes="dialog-detail",
                markup=False,
            )
            yield Input(value=folder, id="destination", compact=True)
            yield Static("", id="move-error", classes="dialog-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        destination = event.value.strip()
        if destination:
            self._move(destination)
        else:
            self._error("type a folder such as people/friends")

    @work(exclusive=True, group="move")
    async def _move(self, destination: str) -> None:
        try:
            moved = await off_loop(self, self.move, destination)
        except AmberError as exc:
            self._error(str(exc))
            return
        self.dismiss(moved)

    def _error(self, message: str) -> None:
        self.query_one("#move-error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
