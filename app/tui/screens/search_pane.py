"""Search as you type, for a screen with a SearchBar, a ResultList and a ContentSwitcher.

Debounced in two ways: a short quiet time merges a burst of keys (a paste, key repeat),
and while a search runs, further keystrokes are coalesced into one search of the latest
text when it finishes. So at most one recall runs at a time, stale results are never
shown, and an idle search box answers a key within one recall (~10 ms at 10k entries)
plus a screen refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import Any

from textual import on, work
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static

from amber.errors import AmberError
from amber.retrieval.hits import Hit
from amber.tui.blocking import off_loop
from amber.tui.screens.base import AmberScreen
from amber.tui.search_query import FILTER_HELP, SearchRequest, describe, parse_search
from amber.tui.widgets.results import ResultList
from amber.tui.widgets.search_bar import SearchBar

DEBOUNCE_S = 0.02  # merges keys that arrive together; longer would only add latency


@dataclass
class SearchTiming:
    """When the shown results were typed, searched, found and drawn (perf_counter)."""

    query: str
    typed_at: float
    searched_at: float = 0.0
    found_at: float = 0.0
    shown_at: float = 0.0  # after the refresh that drew them
    hits: int = 0


class SearchPane(AmberScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._debounce: Timer | None = None
        self._searching = False
        self._typed_at = 0.0
        self._open_first = False  # Enter came before the results: open the first one
        self.last_search: SearchTiming | None = None
        self.shown_query = ""  # the search text whose results are on screen

    def _open_hit(self, hit: Hit) -> None:
        raise NotImplementedError

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self._typed_at = perf_counter()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.search_now)

    def search_now(self) -> None:
        """Search for what the box holds (again); joins a search already running."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if not self._searching:
            self._searching = True
            self._search_loop()

    @work(group="search")
    async def _search_loop(self) -> None:
        try:
            while True:
                raw = self.query_one(SearchBar).value
                typed = self._typed_at
                await self._search_once(raw, typed)
                if self.query_one(SearchBar).value == raw:
                    return
        finally:
            self._searching = False

    async def _search_once(self, raw: str, typed_at: float) -> None:
        if not raw.strip():
            self._show_tree(FILTER_HELP)
            return
        timing = SearchTiming(raw, typed_at, searched_at=perf_counter())
        try:
            request = parse_search(raw)
            hits = [] if request.empty else await self._recall(request)
        except AmberError as exc:
            self._hint(str(exc))
            return
        if request.empty:
            self._hint(f"type words to search · {describe(request)}")
            return
        timing.found_at = perf_counter()
        timing.hits = len(hits)
        self._show_hits(request, hits, timing)

    async def _recall(self, request: SearchRequest) -> list[Hit]:
        # A prefix typed on the way to a word is no access; opening a result is one (see
        # MainScreen._note_opened).
        recall = self.memory.recall
        return await off_loop(self, recall, request.text, request.options, count_access=False)

    def _show_hits(self, request: SearchRequest, hits: list[Hit], timing: SearchTiming) -> None:
        results = self.query_one(ResultList)
        results.show_hits(hits)
        self.query_one("#left", ContentSwitcher).current = "results"
        found = f"{len(hits)} found" if hits else "nothing found: try fewer words"
        self._hint(f"{found} · {describe(request)}")
        self.shown_query = timing.query
        self.last_search = timing
        self.call_after_refresh(lambda: setattr(timing, "shown_at", perf_counter()))
        if self._open_first and self.query_one(SearchBar).value == timing.query:
            self._open_first = False
            if hits:
                self._open_hit(results.highlighted_hit or hits[0])
                results.focus()

    def _show_tree(self, hint: str) -> None:
        self.query_one("#left", ContentSwitcher).current = "tree"
        self.query_one(ResultList).show_hits([])
        self.shown_query = ""
        self._hint(hint)

    def _hint(self, text: str) -> None:
        # One line of fixed height: no layout pass, which would cost more than the search.
        self.query_one("#search-hint", Static).update(text, layout=False)

    def on_search_bar_move(self, event: SearchBar.Move) -> None:
        self.query_one(ResultList).move(event.delta)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None or self._searching:  # Enter before the results
            self._open_first = True
            self.search_now()
            return
        results = self.query_one(ResultList)
        hit = results.highlighted_hit
        if hit is not None:
            self._open_hit(hit)
            # Keys now act on the results (e edits the highlighted one); / types again.
            results.focus()
