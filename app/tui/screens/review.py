"""The distiller's review queue: proposals that need a person's yes, no, or edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from amber.errors import AmberError
from amber.tui.blocking import off_loop
from amber.tui.dialogs.text_edit import TextEditDialog
from amber.tui.protocols import ReviewItem
from amber.tui.screens.base import AmberScreen

NO_QUEUE = "No review queue: the distiller is not set up in this installation."
EMPTY = "No items to review."


def item_label(item: ReviewItem) -> Text:
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(f"{item.action:<9}", style="bold")
    label.append(item.title)
    if item.path:
        label.append(f"\n{item.path}", style="dim")
    return label


def item_meta(item: ReviewItem) -> Text:
    text = Text.assemble((item.title, "bold"))
    text.append(f"\n{item.action} · {item.kind}", style="dim")
    if item.path:
        text.append(f" · {item.path}", style="dim")
    if item.target:
        text.append(f"\ntarget entry: {item.target}", style="dim")
    if item.reason:
        text.append(f"\nwhy review: {item.reason}", style="italic")
    for quote in item.evidence:
        text.append(f"\n  “{quote}”", style="dim")
    text.append("\n\nAccepting writes:", style="bold")
    return text


class ReviewScreen(AmberScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept"),
        Binding("x", "decide('reject')", "Reject"),
        Binding("e", "edit_item", "Edit, then accept"),
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="review")
        self.items: list[ReviewItem] = []

    def compose(self) -> ComposeResult:
        yield Static(id="review-status", classes="status-line")
        yield Static(id="review-empty")
        with Horizontal(id="review-body"):
            yield OptionList(id="review-items")
            with VerticalScroll(id="review-detail"):
                yield Static(id="review-meta")
                yield Static(id="review-text")
        yield Footer(compact=True)

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="review")
    async def load(self) -> None:
        queue = self.services.review
        try:
            items = [] if queue is None else await off_loop(self, queue.pending)
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=5)
            return
        await self._show(items)

    async def _show(self, items: list[ReviewItem]) -> None:
        chosen = self.selected
        self.items = items
        options = self.query_one(OptionList)
        options.set_options(Option(item_label(i), id=i.id) for i in items)
        ids = [i.id for i in items]
        options.highlighted = ids.index(chosen.id) if chosen and chosen.id in ids else 0
        if not items:
            options.highlighted = None
        self._show_state(len(items))
        self.query_one("#review-body").display = bool(items)
        self.refresh_bindings()
        self._detail(self.selected)
        if items:
            options.focus()

    def _show_state(self, count: int) -> None:
        waiting = f"  {count} waiting · a accepts · x rejects · e edits" if count else ""
        heading = Text.assemble(("Review queue", "bold"), waiting)
        self.query_one("#review-status", Static).update(heading, layout=False)
        empty = self.query_one("#review-empty", Static)
        empty.update(NO_QUEUE if self.services.review is None else EMPTY)
        empty.display = not count

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("decide", "edit_item"):
            return bool(self.items)  # hidden from the footer while there is nothing to decide
        return True

    @property
    def selected(self) -> ReviewItem | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    @on(OptionList.OptionHighlighted, "#review-items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(self.selected)

    def _detail(self, item: ReviewItem | None) -> None:
        self.query_one("#review-meta", Static).update(item_meta(item) if item else "")
        # Rich's Markdown in a Static draws at once; Textual's Markdown widget updates in
        # a task that a quick succession of items would cancel midway.
        self.query_one("#review-text", Static).update(RichMarkdown(item.text) if item else "")

    def action_decide(self, decision: str) -> None:
        item = self.selected
        queue = self.services.review
        if item is None or queue is None:
            return
        if decision == "accept":
            self._decide(item, queue.accept, "Accepted")
        else:
            self._decide(item, queue.reject, "Rejected")

    @work(group="review-decide")
    async def _decide(self, item: ReviewItem, act: Callable[[str], object], done: str) -> None:
        try:
            await off_loop(self, act, item.id)
        except AmberError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.notify(f"{done}: {item.title}", timeout=3)
        self.load()

    def action_edit_item(self) -> None:
        item = self.selected
        queue = self.services.review
        if item is None or queue is None:
            return

        def edited(text: str | None) -> None:
            if text is not None:
                self._decide(item, lambda item_id: queue.accept(item_id, text), "Accepted")

        title = f"Edit, then accept: {item.title}"
        self.app.push_screen(TextEditDialog(title, item.text), edited)

    def action_refresh_now(self) -> None:
        self.load()
