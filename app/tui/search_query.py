"""The search box's language: words, plus filters written as `name:value`.

`caroline berlin kind:fact path:people since:"last may"` searches for two words among facts
under people/ since last May. Filters are the same as `amber recall`'s options, so what the
TUI finds is what the CLI finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from amber.errors import InvalidInputError
from amber.retrieval.recall import RecallOptions
from amber.retrieval.timephrases import parse_date_bound
from amber.tree.entry import KINDS
from amber.tree.layout import normalize_folder

RESULTS_K = 50
FILTERS = ("path", "kind", "source", "since", "until", "type")
TYPES = {"all": ("entry", "event"), "entry": ("entry",), "event": ("event",)}
_FILTER = re.compile(r"(?<!\S)(" + "|".join(FILTERS) + r'):(?:"([^"]*)"?|(\S*))')
FILTER_HELP = "filters: path: kind: source: since: until: type:entry|event"


@dataclass(frozen=True)
class SearchRequest:
    text: str  # the words, filters removed
    options: RecallOptions
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.text.strip()


def parse_search(raw: str, now: datetime | None = None, k: int = RESULTS_K) -> SearchRequest:
    """Split filters from words; a filter that cannot be used raises InvalidInputError."""
    filters: dict[str, str] = {}
    for match in _FILTER.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value.strip():
            filters[match.group(1)] = value.strip()
    text = " ".join(_FILTER.sub(" ", raw).split())
    return SearchRequest(text, _options(filters, now or datetime.now(UTC), k), filters)


def _options(filters: dict[str, str], now: datetime, k: int) -> RecallOptions:
    kind = filters.get("kind", "")
    if kind and kind not in (*KINDS, "event", "context"):
        raise InvalidInputError(f"kind:{kind} is not a kind; use one of {', '.join(KINDS)}")
    type_ = filters.get("type", "all")
    if type_ not in TYPES:
        raise InvalidInputError(f"type:{type_} is not a type; use type:entry or type:event")
    since = filters.get("since")
    until = filters.get("until")
    return RecallOptions(
        k=k,
        paths=(normalize_folder(filters["path"]),) if "path" in filters else (),
        kind=kind,
        source=filters.get("source", ""),
        since=parse_date_bound(since, now) if since else None,
        until=parse_date_bound(until, now, end=True) if until else None,
        types=TYPES[type_],
    )


def describe(request: SearchRequest) -> str:
    """One line saying which filters are active, for the line under the search box."""
    if not request.filters:
        return FILTER_HELP
    return "  ".join(f"{name}:{value}" for name, value in request.filters.items())
