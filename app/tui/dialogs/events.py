"""The events behind a memory: pick a source, read the captured text it points to."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from amber.errors import AmberError
from amber.events import Event
from amber.retrieval.hits import SourceRef
from amber.tui.blocking import off_loop
from amber.tui.widgets.entry_view import event_header, source_line

EventLoader = Callable[[str], Event]


def event_text(event: Event) -> Text:
    text = event_header(event)
    text.append("\n\n")
    text.append(event.text)
    return text


class EventsDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, title: str, sources: list[SourceRef], load: EventLoader) -> None:
        super().__init__(classes="dialog-screen")
        self.heading = title
        self.sources = sources
        self.load = load

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.heading, classes="dialog-title", markup=False)
            yield OptionList(
                *[Option(source_line(i, s), id=str(i)) for i, s in enumerate(self.sources, 1)],
                id="event-sources",
            )
            with VerticalScroll(id="event-body"):
                yield Static(id="event-text")

    def on_mount(self) -> None:
        sources = self.query_one("#event-sources", OptionList)
        sources.display = len(self.sources) > 1
        sources.highlighted = 0 if self.sources else None
        if len(self.sources) <= 1:
            self.query_one("#event-body").focus()
        self._show(0)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    @work(exclusive=True, group="event")
    async def _show(self, index: int) -> None:
        target = self.query_one("#event-text", Static)
        if index >= len(self.sources):
            target.update(Text("no sources", style="dim"))
            return
        src = self.sources[index]
        if src.event is None:
            target.update(
                Text(
                    f"{src.uri}\n\nnot a stored event: Amber keeps only the reference.", style="dim"
                )
            )
            return
        try:
            event = await off_loop(self, self.load, src.event)
        except AmberError as exc:
            target.update(Text(str(exc), style="bold"))
            return
        target.update(event_text(event))

    def action_close(self) -> None:
        self.dismiss(None)
