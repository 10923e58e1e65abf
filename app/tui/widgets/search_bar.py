"""The search box: typing searches; up/down move through the results without leaving it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "move(10)", "Results page down", show=False),
        Binding("pageup", "move(-10)", "Results page up", show=False),
    ]

    class Move(Message):
        """Move the highlight in the results by `delta`."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            placeholder="/ search memory  (filters: kind: path: source: since:)", **kwargs
        )  # type: ignore[arg-type]

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))
