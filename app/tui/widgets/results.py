"""Search results: three lines per hit (title, where it lives, snippet), drawn lazily.

A line-API widget rather than an OptionList: an OptionList lays out every option's text
whenever its options change, which cost more than the search itself; this draws only the
lines on screen, so showing 50 results costs the same as showing 5.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from amber.retrieval.hits import Hit
from amber.text import one_line

LINES = 3  # lines per hit


def hit_lines(hit: Hit) -> tuple[Text, Text, Text]:
    # Styles as spans: Text.render, used to draw a line, ignores a Text's base style.
    title = Text.assemble((hit.title or "(untitled)", "bold"))
    if hit.superseded:
        title.append("  superseded", style="italic")
    where = Text.assemble((hit.path or _event_where(hit), "dim"))
    return title, where, Text(one_line(hit.snippet))


def _event_where(hit: Hit) -> str:
    src = hit.sources[0] if hit.sources else None
    stamp = (hit.timestamp or "")[:16].replace("T", " ")
    if src is None:
        return f"event {stamp}".strip()
    return f"{src.source} {src.conversation or src.uri} {stamp}".strip()


class ResultList(ScrollView, can_focus=True):
    """Keeps the hits it shows; `highlighted_hit` is what Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"result-list--highlighted"}
    DEFAULT_CSS = """
    ResultList {
        overflow-x: hidden;
        & > .result-list--highlighted {
            background: $block-cursor-blurred-background;
        }
        &:focus > .result-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)

    class Highlighted(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: list[Hit] = []
        self._lines: list[tuple[Text, Text, Text]] = []
        self._cache: LRUCache[tuple[int, int, bool, bool, int], Strip] = LRUCache(256)

    def show_hits(self, hits: list[Hit]) -> None:
        self.hits = list(hits)
        self._lines = [hit_lines(h) for h in self.hits]
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(hits) * LINES)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.highlighted = 0 if hits else None
        self.refresh()

    @property
    def highlighted_hit(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def move(self, delta: int) -> None:
        if self.hits:
            current = self.highlighted if self.highlighted is not None else -1
            self.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    def watch_highlighted(self, index: int | None) -> None:
        self.refresh()
        if index is not None:
            self.scroll_to_region(Region(0, index * LINES, 1, LINES), animate=False, force=True)
            self.post_message(self.Highlighted(index))

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        index, part = divmod(row, LINES)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        lit = index == self.highlighted
        key = (index, part, lit, self.has_focus, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._strip(self._lines[index][part], width, lit)
        return strip

    def _strip(self, text: Text, width: int, lit: bool) -> Strip:
        base = self.rich_style
        if lit:
            base += self.get_component_rich_style("result-list--highlighted")
        line = text.copy()
        line.truncate(width, overflow="ellipsis")
        segments = Segment.apply_style(line.render(self.app.console), base)
        return Strip(list(segments)).adjust_cell_length(width, base)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.hits) * LINES)

    def action_move(self, delta: int) -> None:
        self.move(delta)

    def action_page(self, direction: int) -> None:
        self.move(direction * max(1, self.scrollable_content_region.height // LINES))

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        index = (self.scroll_offset.y + event.y) // LINES
        if 0 <= index < len(self.hits):
            self.highlighted = index
            self.post_message(self.Selected(index))
