"""Recall requests: what a person or an agent asked for, checked once for every interface.

`amber recall` and `amber ask` options, the TUI's search box (`berlin kind:fact
since:"last may"`) and the MCP tools' arguments all become a `RecallFilters` of plain
text, and `recall_options` turns that into the `RecallOptions` recall runs with: the same
kinds, types, channels and date phrases everywhere, the same one-line error for a typo
(`--kind facts` is refused, not an empty result), and dates and time phrases read against
one reference time: now, or the time a question was asked (`--now`, a `now` field of a
`--queries` line, the MCP `now` argument), checked here with one message for every
interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from amber.clock import now
from amber.errors import InvalidInputError
from amber.retrieval.recall import MODES, RecallOptions, check_options
from amber.retrieval.timephrases import parse_date_bound, parse_reference_time
from amber.text import one_line
from amber.tree.entry import KINDS
from amber.tree.layout import normalize_folder

# What recall can be narrowed to: the kinds of entries, plus events (a folder's context.md is
# not memory, amber/tree/layout.py `is_context_file`).
RECALL_KINDS = tuple(dict.fromkeys([*KINDS, "event"]))
TYPES = {"all": ("entry", "event"), "entry": ("entry",), "event": ("event",)}


@dataclass(frozen=True)
class RecallFilters:
    """A recall request as typed: every value is text, as given (or its default); `now` may
    also be a datetime from code (the TUI's clock in tests)."""

    k: int = 10
    paths: tuple[str, ...] = ()  # folders; none: the whole tree
    kind: str = ""
    source: str = ""
    since: str = ""
    until: str = ""
    type: str = "all"
    channels: str = "hybrid"
    include_archived: bool = False
    as_of: str = ""
    now: str | datetime | None = None  # the reference time for dates and phrases; "": now


def recall_options(filters: RecallFilters) -> RecallOptions:
    """Check every filter and build the options; InvalidInputError names the bad one."""
    moment = _reference(filters.now)
    options = RecallOptions(
        k=filters.k,
        paths=tuple(normalize_folder(p) for p in filters.paths),
        kind=_kind(filters.kind.strip()),
        source=filters.source.strip(),
        since=_bound(filters.since, moment),
        until=_bound(filters.until, moment, end=True),
        include_archived=filters.include_archived,
        types=_types(filters.type.strip() or "all"),
        now=moment,
        mode=_channels(filters.channels.strip() or "hybrid"),
        as_of=_bound(filters.as_of, moment, end=True),
    )
    check_options(options)
    return options


def _reference(given: str | datetime | None) -> datetime:
    if isinstance(given, datetime):
        return given if given.utcoffset() is not None else given.replace(tzinfo=UTC)
    return parse_reference_time(given) if given and given.strip() else now()


def _kind(kind: str) -> str:
    if kind and kind not in RECALL_KINDS:
        raise InvalidInputError(not_one_of(kind, "a kind", RECALL_KINDS))
    return kind


def _types(type_: str) -> tuple[str, ...]:
    if type_ not in TYPES:
        raise InvalidInputError(not_one_of(type_, "a type", TYPES))
    return TYPES[type_]


def _channels(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInputError(not_one_of(mode, "a channel setting", MODES))
    return mode


def not_one_of(given: str, what: str, valid: Iterable[str]) -> str:
    """The one-line error for a value outside a fixed set, with the closest as a guess:
    `'facts' is not a kind (did you mean 'fact'?); use one of: fact, ...`."""
    import difflib

    choices = list(valid)
    close = difflib.get_close_matches(given.lower(), choices, n=1, cutoff=0.6)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    return f"'{given}' is not {what}{guess}; use one of: {', '.join(choices)}"


def _bound(text: str, moment: datetime, *, end: bool = False) -> datetime | None:
    return parse_date_bound(text, moment, end=end) if text.strip() else None


# -- the search box's language: words, plus filters written as `name:value` ------------------

INLINE = ("path", "kind", "source", "since", "until", "type")
INLINE_HELP = "filters: path: kind: source: since: until: type:entry|event"
_INLINE = re.compile(r"(?<!\S)(" + "|".join(INLINE) + r'):(?:"([^"]*)"?|(\S*))')


@dataclass(frozen=True)
class InlineQuery:
    """Words to look for, and the filters written among them."""

    text: str
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.text.strip()

    def to_filters(self, base: RecallFilters) -> RecallFilters:
        given = dict(self.filters)
        paths = (given.pop("path"),) if "path" in given else base.paths
        return replace(base, paths=paths, **given)

    def describe(self) -> str:
        """One line naming the active filters (the hint under a search box)."""
        if not self.filters:
            return INLINE_HELP
        return "  ".join(f"{name}:{value}" for name, value in self.filters.items())


def split_inline(raw: str) -> InlineQuery:
    """`caroline berlin kind:fact since:"last may"` -> the words and {kind, since}. A filter
    with no value yet (`kind:` while it is being typed) is not a filter."""
    filters: dict[str, str] = {}
    for match in _INLINE.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value.strip():
            filters[match.group(1)] = value.strip()
    return InlineQuery(one_line(_INLINE.sub(" ", raw)), filters)
