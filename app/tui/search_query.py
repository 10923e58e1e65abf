"""The TUI's search box: words, plus filters written as `name:value` (the language itself,
and what the filters mean, live in amber.retrieval.request, shared with `amber recall`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from amber.retrieval.recall import RecallOptions
from amber.retrieval.request import (
    INLINE_HELP,
    InlineQuery,
    RecallFilters,
    recall_options,
    split_inline,
)

RESULTS_K = 50
FILTER_HELP = INLINE_HELP


@dataclass(frozen=True)
class SearchRequest:
    query: InlineQuery
    options: RecallOptions

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def filters(self) -> dict[str, str]:
        return self.query.filters

    @property
    def empty(self) -> bool:
        return self.query.empty


def parse_search(raw: str, now: datetime | None = None, k: int = RESULTS_K) -> SearchRequest:
    """Split filters from words; a filter that cannot be used raises InvalidInputError."""
    query = split_inline(raw)
    return SearchRequest(query, recall_options(query.to_filters(RecallFilters(k=k, now=now))))


def describe(request: SearchRequest) -> str:
    """One line saying which filters are active, for the line under the search box."""
    return request.query.describe()
