"""Recent events, newest first, one tab per source (conversation, file, screen ...)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static, Tab, Tabs

from amber.errors import AmberError
from amber.events import Event
from amber.retrieval.provenance import event_source
from amber.store.forget import Selection
from amber.text import one_line
from amber.tui.blocking import off_loop
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.dialogs.events import EventsDialog
from amber.tui.screens.base import AmberScreen

LIMIT = 300
ALL = "all"


def when(event: Event) -> str:
    return (event.timestamp or event.captured_at or "")[:16].replace("T", " ")


def preview(event: Event) -> str:
    return one_line(event.text)[:200]


class TimelineScreen(AmberScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "next_source(1)", "Next source"),
        Binding("left_square_bracket", "next_source(-1)", "Previous source"),
        Binding("d,delete", "forget", "Forget"),
    ]

    def __init__(self) -> None:
        super().__init__(id="timeline")
        self.source = ""  # '' = every source
        self.events: list[Event] = []
        self._tab_sources: dict[str, str] = {}  # tab id -> source

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Timeline · recent events by source", style="bold"), classes="status-line"
        )
        yield Tabs(id="sources")
        yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Static("", id="timeline-hint", classes="hint-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when", "source", "who", "what")
        super().on_mount()
        table.focus()

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="timeline")
    async def load(self) -> None:
        counts = await off_loop(self, self.memory.event_source_counts)
        await self._show_tabs(counts)
        self.events = await off_loop(self, self.memory.recent_events, self.source, LIMIT)
        self._show_events(sum(counts.values()))

    async def _show_tabs(self, counts: dict[str, int]) -> None:
        tabs = self.query_one(Tabs)
        wanted = {ALL: "", **{f"src-{i}": s for i, s in enumerate(sorted(counts))}}
        labels = {ALL: f"All {sum(counts.values())}"}
        labels.update({tab: f"{src} {counts[src]}" for tab, src in wanted.items() if src})
        if wanted != self._tab_sources:
            self._tab_sources = wanted
            await tabs.clear()
            for tab_id, label in labels.items():
                await tabs.add_tab(Tab(label, id=tab_id))
            active = next((t for t, s in wanted.items() if s == self.source), ALL)
            self.source = wanted[active]
            tabs.active = active
            return
        for tab_id, label in labels.items():
            tabs.query_one(f"#{tab_id}", Tab).label = label

    def _show_events(self, total: int) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for event in self.events:
            table.add_row(when(event), event.source, event.author, preview(event), key=event.id)
        hint = self.query_one("#timeline-hint", Static)
        if not total:
            hint.update("No events yet: `amber import conversation FILE`, or run the daemon.")
        else:
            shown = f"newest {len(self.events)}" if len(self.events) == LIMIT else "all"
            hint.update(f"{shown} · Enter reads an event · d forgets it · [ ] change source")

    @on(Tabs.TabActivated, "#sources")
    def _source_chosen(self, event: Tabs.TabActivated) -> None:
        source = self._tab_sources.get(event.tab.id or "", "")
        if source != self.source:
            self.source = source
            self.load()

    @on(DataTable.RowSelected, "#events")
    def _event_chosen(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.events):
            chosen = self.events[index]
            title = f"{chosen.source} · {when(chosen)}"
            self.app.push_screen(EventsDialog(title, [event_source(chosen)], self.memory.get_event))

    def action_forget(self) -> None:
        """Forget the highlighted event for good (and what was distilled from it)."""
        index = self.query_one(DataTable).cursor_row
        if not 0 <= index < len(self.events):
            return
        chosen = self.events[index]

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget(chosen.id)

        detail = (
            f"{chosen.source} · {when(chosen)}\n{preview(chosen)[:160]}\n\nIts text, search "
            "tokens and vectors are deleted; entries made from it are rewritten without it."
        )
        self.app.push_screen(
            ConfirmDialog("Forget this event for good?", detail, "Forget"), answered
        )

    @work(group="write")
    async def _forget(self, event_id: str) -> None:
        try:
            plan = await off_loop(self, self.memory.forget_plan, Selection(handle=event_id))
            report = await off_loop(self, self.memory.forget_events, plan)
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        changed = len(report.rewritten) + len(report.removed)
        note = f"; {changed} entries made from it changed" if changed else ""
        self.notify(f"Forgot the event{note}", timeout=4)
        self.load()

    def action_next_source(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        if step > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()
