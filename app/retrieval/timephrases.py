"""Time phrases in recall queries: "last May", "two weeks ago", "since 2023-05-08".

In "what did Caroline say last May" the words "last May" are a filter, not something to
search for: they become a date range and are taken out of the query. Calendar periods are
computed on the wall clock of `now` (the calendar the person speaks in), then given in UTC.
Pure stdlib on purpose: the grammar is small and must behave the same on every machine.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from amber.clock import last_weekday, nearest_weekday, weekday_of_week
from amber.errors import InvalidInputError
from amber.text import one_line


@dataclass(frozen=True)
class TimeRange:
    """A half-open UTC interval and the words of the query that named it."""

    start: datetime  # inclusive, timezone-aware UTC
    end: datetime  # exclusive, timezone-aware UTC
    phrase: str  # the text matched, as it appeared in the query


@dataclass(frozen=True)
class ParsedTime:
    """A recall query split into its search words and its time filter, if any."""

    query: str  # the query with the phrase removed, whitespace collapsed
    range: TimeRange | None


Span = tuple[datetime, datetime]
Resolver = Callable[[re.Match[str], datetime], Span | None]

# Open-ended ranges ("since May", "past 3 days") run a day past now so that items stamped
# slightly in the future by another device's clock are still found.
_SLACK = timedelta(days=1)
_FLOOR = datetime(1970, 1, 1, tzinfo=UTC)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMBER_WORDS = {
    "an": 1,
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>day|week|month|year)"
_POSS = r"(?:'s|’s)?"
_ORDINAL = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

# Words that only introduce the phrase; removing them too leaves a cleaner lexical query.
_OPT_LEAD = r"(?:(?:from|on|in|during|of|over|within)\s+)?"
# A bare month or year is too ambiguous ("I may go", "2023 rows"): it needs one of these.
_CTX_LEAD = r"(?:in|during|of)\s+"
_DAY_LEAD = r"(?:(?:from|on)\s+)?"
_BOUND = r"(?P<bound>since|before|until|till)\s+"

_BOUND_HELP = (
    "cannot read {text!r} as a date; use an ISO date or time (2023-05-08, 2023-05-08T14:30), "
    "a month (2023-05, May 2023), a year (2023), or a phrase such as 'yesterday', "
    "'2 weeks ago', 'last week' or 'last May'"
)


_REFERENCE_HELP = (
    "cannot read {text!r} as the time the question is asked (now); use an ISO date or time: "
    "2023-05-30, 2023-05-30T14:30 or 2023-05-30T14:30+02:00 (UTC unless it gives a zone)"
)


def parse_reference_time(text: str) -> datetime:
    """The moment a question was asked, which its time phrases are read against. A date
    alone is its last moment: the question came after whatever was said that day, and
    "today" is still that day."""
    cleaned = text.strip()
    moment = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        day = _iso_date(cleaned)
        moment = datetime.combine(day, time.max, tzinfo=UTC) if day else None
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\S+", cleaned):
        moment = _iso_datetime(cleaned)
    if moment is None or not _valid_year(moment.year):
        raise InvalidInputError(_REFERENCE_HELP.format(text=text))
    return moment


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _iso_datetime(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def parse_time_phrases(query: str, now: datetime) -> ParsedTime:
    """Find the first time phrase in `query`; return its range and the query without it."""
    now = _aware(now)
    found = _first_match(query, now)
    if found is None:
        return ParsedTime(query=query, range=None)
    match, (start, end) = found
    rest = _tidy(f"{query[: match.start()]} {query[match.end() :]}")
    matched = TimeRange(start.astimezone(UTC), end.astimezone(UTC), match.group(0))
    return ParsedTime(query=rest, range=matched)


def parse_date_bound(text: str, now: datetime, *, end: bool = False) -> datetime:
    """Read a --since/--until value: the start of what it names, or its end with `end`.

    A date-time names an instant (naive ones are on the wall clock of `now`); anything else
    names a period: "2023-05-08", "2023-05", "2023", "May", "yesterday", "2 weeks ago"...
    """
    now = _aware(now)
    cleaned = text.strip()
    span = (
        _instant(cleaned, now)
        or _bare_year(cleaned, now)
        or _bare_month(cleaned, now)
        or _whole_phrase(cleaned, now)
    )
    if span is None:
        raise InvalidInputError(_BOUND_HELP.format(text=text))
    return (span[1] if end else span[0]).astimezone(UTC)


# --- parse_date_bound helpers -------------------------------------------------------------


def _instant(text: str, now: datetime) -> Span | None:
    if text.lower() == "now":
        return now, now
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\S+", text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return moment, moment


def _bare_year(text: str, now: datetime) -> Span | None:
    # Only here, where the option says it is a date, can a lone number be a year.
    if not re.fullmatch(r"\d{4}", text) or not _valid_year(int(text)):
        return None
    return _year(int(text), now)


def _bare_month(text: str, now: datetime) -> Span | None:
    match = re.fullmatch(_MONTH, text, re.IGNORECASE)
    return _in_month(match, now) if match else None


def _whole_phrase(text: str, now: datetime) -> Span | None:
    parsed = parse_time_phrases(text, now)
    if parsed.range is None or parsed.query:
        return None  # leftover words mean we did not understand all of it
    return parsed.range.start, parsed.range.end


# --- matching -----------------------------------------------------------------------------


def _aware(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.utcoffset() is None else now


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([?!.,;:])", r"\1", one_line(text))
    return text.strip(" ,;:")


def _first_match(query: str, now: datetime) -> tuple[re.Match[str], Span] | None:
    found = [_first_resolved(regex, resolve, query, now) for regex, resolve in _COMPILED]
    candidates = [item for item in found if item is not None]
    if not candidates:
        return None
    # Earliest start wins; at the same start the longer phrase ("in May 2023" over
    # "in May") is the more precise reading.
    return min(candidates, key=lambda item: (item[0].start(), -item[0].end()))


def _first_resolved(
    regex: re.Pattern[str], resolve: Resolver, query: str, now: datetime
) -> tuple[re.Match[str], Span] | None:
    for match in regex.finditer(query):
        span = resolve(match, now)
        if span is not None:
            return match, span
    return None


def _bounded(resolve: Resolver) -> Resolver:
    def bounded(match: re.Match[str], now: datetime) -> Span | None:
        # "before yesterday's meeting" is about the meeting, not about a date bound.
        if re.search(r"['’]s$", match.group(0)):
            return None
        span = resolve(match, now)
        if span is None:
            return None
        if match["bound"].lower() == "since":
            return span[0], now + _SLACK
        end = span[0] if match["bound"].lower() == "before" else span[1]
        return min(_FLOOR, end), end

    return bounded


# --- calendar arithmetic ------------------------------------------------------------------


def _local(d: date, now: datetime) -> datetime:
    return datetime.combine(d, time(), tzinfo=now.tzinfo)


def _span(first: date, stop: date, now: datetime) -> Span:
    return _local(first, now), _local(stop, now)


def _day(d: date, now: datetime) -> Span:
    return _span(d, d + timedelta(days=1), now)


def _week(d: date, now: datetime) -> Span:
    monday = d - timedelta(days=d.weekday())
    return _span(monday, monday + timedelta(days=7), now)


def _month(year: int, month: int, now: datetime) -> Span:
    first = date(year, month, 1)
    return _span(first, _add_months(first, 1), now)


def _year(year: int, now: datetime) -> Span:
    return _span(date(year, 1, 1), date(year + 1, 1, 1), now)


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    # Clamp: a month before March 31 is February's last day, not an error.
    day = min(d.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _valid_year(year: int) -> bool:
    return 1000 <= year <= 9998  # leaves room for the year after, and for UTC conversion


def _valid_day(year: int, month: int, day: int, now: datetime) -> Span | None:
    try:
        return _day(date(year, month, day), now) if _valid_year(year) else None
    except ValueError:
        return None


def _unit_around(d: date, unit: str, back: int, now: datetime) -> Span:
    if unit == "day":
        return _day(d - timedelta(days=back), now)
    if unit == "week":
        return _week(d - timedelta(weeks=back), now)
    if unit == "month":
        shifted = _add_months(d, -back)
        return _month(shifted.year, shifted.month, now)
    return _year(d.year - back, now)


def _minus(now: datetime, unit: str, count: int) -> datetime:
    if unit in ("day", "week"):
        return now - timedelta(days=count * (7 if unit == "week" else 1))
    months = count * (12 if unit == "year" else 1)
    return datetime.combine(_add_months(now.date(), -months), now.timetz())


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


# --- resolvers, one per phrase family -----------------------------------------------------


def _days_back(days: int) -> Resolver:
    def resolve(match: re.Match[str], now: datetime) -> Span | None:
        return _day(now.date() - timedelta(days=days), now)

    return resolve


def _calendar(match: re.Match[str], now: datetime) -> Span | None:
    back = 0 if match["which"].lower() == "this" else 1
    return _unit_around(now.date(), match["unit"].lower(), back, now)


def _weekend(match: re.Match[str], now: datetime) -> Span | None:
    back = 0 if match["which"].lower() == "this" else 7
    monday = now.date() - timedelta(days=now.weekday() + back)
    return _span(monday + timedelta(days=5), monday + timedelta(days=7), now)


def _rolling(match: re.Match[str], now: datetime) -> Span | None:
    unit = match["unit"].lower()
    explicit = match["n"] or match["rel"].lower() == "past"
    # Plain "last week" is the calendar week, and "the last day of the trip" no filter.
    if not explicit and not (match["det"] and unit != "day"):
        return None
    return _minus(now, unit, _number(match["n"] or "1")), now + _SLACK


def _ago(match: re.Match[str], now: datetime) -> Span | None:
    return _unit_around(now.date(), match["unit"].lower(), _number(match["n"]), now)


def _last_month(match: re.Match[str], now: datetime) -> Span | None:
    month = _month_number(match["month"])
    return _month(now.year if month < now.month else now.year - 1, month, now)


def _in_month(match: re.Match[str], now: datetime) -> Span | None:
    month = _month_number(match["month"])
    return _month(now.year if month <= now.month else now.year - 1, month, now)


def _month_year(match: re.Match[str], now: datetime) -> Span | None:
    return _month(int(match["year"]), _month_number(match["month"]), now)


def _in_year(match: re.Match[str], now: datetime) -> Span | None:
    return _year(int(match["year"]), now)


def _month_day(match: re.Match[str], now: datetime) -> Span | None:
    month = _month_number(match["month"])
    day = int(match["day"])
    if match["year"]:
        return _valid_day(int(match["year"]), month, day, now)
    latest = now.year if (month, day) <= (now.month, now.day) else now.year - 1
    # Without a year, Feb 29 means the last one that existed.
    for year in range(latest, latest - 8, -1):
        span = _valid_day(year, month, day, now)
        if span is not None:
            return span
    return None


def _day_month(match: re.Match[str], now: datetime) -> Span | None:
    # "3 may be enough": after a bare number, "may" is a verb unless a year or "of" follows.
    if match["month"].lower() == "may" and not (match["year"] or match["of"]):
        return None
    return _month_day(match, now)


def _weekday(match: re.Match[str], now: datetime) -> Span | None:
    name = match["wd"].lower()
    if not _named_weekday(match):
        return None
    return _day(last_weekday(now.date(), _WEEKDAYS.index(name[:3])), now)


def _weekday_of_week(match: re.Match[str], now: datetime) -> Span | None:
    """A weekday of a named week ("Wednesday of last week"), or the one a week before
    the last ("the Friday before last")."""
    if not _named_weekday(match):
        return None
    weekday = _WEEKDAYS.index(match["wd"][:3].lower())
    if match["before"]:
        return _day(last_weekday(now.date(), weekday) - timedelta(weeks=1), now)
    weeks_on = {"last": -1, "this": 0, "next": 1}[match["which"].lower()]
    return _day(weekday_of_week(now.date(), weekday, weeks_on), now)


def _weekday_ago(match: re.Match[str], now: datetime) -> Span | None:
    """A weekday some time ago ("the Wednesday two months ago"): the one nearest to the
    day that long ago."""
    if not _named_weekday(match):
        return None
    around = _minus(now, match["unit"].lower(), _number(match["n"])).date()
    return _day(nearest_weekday(around, _WEEKDAYS.index(match["wd"][:3].lower())), now)


def _named_weekday(match: re.Match[str]) -> bool:
    """A weekday's full name, or an abbreviation with a word before it ("on wed", "last
    sat"): "sun", "sat" and "wed" are words too."""
    return match["wd"].lower().endswith("day") or match.start("wd") != match.start()


def _iso(match: re.Match[str], now: datetime) -> Span | None:
    year = int(match["iy"])
    month = int(match["im"])
    if not (1 <= month <= 12 and _valid_year(year)):
        return None
    if match["id"] is None:
        return _month(year, month, now)
    return _valid_day(year, month, int(match["id"]), now)


# --- the grammar --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    pattern: str
    resolve: Resolver
    lead: str = _OPT_LEAD


_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_RULES = (
    _Rule(r"(?:the\s+)?day\s+before\s+yesterday", _days_back(2)),
    _Rule(rf"yesterday{_POSS}{_PART_OF_DAY}|last\s+night", _days_back(1)),
    _Rule(
        rf"(?:earlier\s+)?today{_POSS}|tonight{_POSS}|this\s+(?:morning|afternoon|evening)",
        _days_back(0),
    ),
    _Rule(r"(?P<which>this|last|previous)\s+(?P<unit>week|month|year)", _calendar),
    _Rule(r"(?P<which>this|last)\s+weekend", _weekend),
    _Rule(
        rf"(?:(?P<det>the|this)\s+)?(?P<rel>past|last|previous)\s+(?:{_NUM}\s+)?{_UNIT}s?",
        _rolling,
    ),
    _Rule(rf"{_NUM}\s+{_UNIT}s?\s+ago", _ago),
    _Rule(rf"(?:last|this\s+past)\s+{_MONTH}", _last_month),
    _Rule(_MONTH, _in_month, _CTX_LEAD),
    _Rule(rf"{_MONTH},?\s+(?:of\s+)?{_YEAR}", _month_year),
    _Rule(_YEAR, _in_year, _CTX_LEAD),
    _Rule(rf"{_MONTH}\s+{_ORDINAL}(?:,?\s+{_YEAR})?", _month_day),
    _Rule(rf"(?:the\s+)?{_ORDINAL}\s+(?P<of>of\s+)?{_MONTH}(?:,?\s+{_YEAR})?", _day_month),
    _Rule(rf"(?:(?:last|this\s+past)\s+)?{_WEEKDAY}{_POSS}", _weekday, _DAY_LEAD),
    _Rule(
        rf"(?:the\s+)?{_WEEKDAY}\s+(?:(?:of\s+)?(?P<which>last|this|next)\s+week|(?P<before>before\s+last))",
        _weekday_of_week,
    ),
    _Rule(rf"(?:the\s+)?{_WEEKDAY}\s+{_NUM}\s+{_UNIT}s?\s+ago", _weekday_ago),
    _Rule(r"(?P<iy>\d{4})-(?P<im>\d{2})(?:-(?P<id>\d{2}))?", _iso),
)


def _compile(rule: _Rule) -> list[tuple[re.Pattern[str], Resolver]]:
    free = re.compile(rf"\b{rule.lead}(?:{rule.pattern})\b", re.IGNORECASE)
    bound = re.compile(rf"\b{_BOUND}(?:{rule.pattern})\b", re.IGNORECASE)
    return [(free, rule.resolve), (bound, _bounded(rule.resolve))]


_COMPILED = tuple(pair for rule in _RULES for pair in _compile(rule))
