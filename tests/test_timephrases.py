"""Time phrases in recall queries become a UTC date range and leave the query."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from amber.clock import nearest_weekday
from amber.errors import InvalidInputError
from amber.retrieval.timephrases import ParsedTime, TimeRange, parse_date_bound, parse_time_phrases

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # a Sunday
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SLACK = timedelta(days=1)


def d(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def span(text: str, now: datetime = NOW) -> tuple[datetime, datetime]:
    parsed = parse_time_phrases(text, now)
    assert parsed.range is not None, text
    return parsed.range.start, parsed.range.end


def test_now_is_a_sunday() -> None:
    assert NOW.weekday() == 6


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", d(2026, 11, 22), d(2026, 11, 23)),
        ("tonight", d(2026, 11, 22), d(2026, 11, 23)),
        ("this morning", d(2026, 11, 22), d(2026, 11, 23)),
        ("earlier today", d(2026, 11, 22), d(2026, 11, 23)),
        ("yesterday", d(2026, 11, 21), d(2026, 11, 22)),
        ("yesterday evening", d(2026, 11, 21), d(2026, 11, 22)),
        ("last night", d(2026, 11, 21), d(2026, 11, 22)),
        ("the day before yesterday", d(2026, 11, 20), d(2026, 11, 21)),
        ("day before yesterday", d(2026, 11, 20), d(2026, 11, 21)),
    ],
)
def test_days(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("this week", d(2026, 11, 16), d(2026, 11, 23)),
        ("last week", d(2026, 11, 9), d(2026, 11, 16)),
        ("previous week", d(2026, 11, 9), d(2026, 11, 16)),
        ("this month", d(2026, 11, 1), d(2026, 12, 1)),
        ("last month", d(2026, 10, 1), d(2026, 11, 1)),
        ("this year", d(2026, 1, 1), d(2027, 1, 1)),
        ("last year", d(2025, 1, 1), d(2026, 1, 1)),
        ("this weekend", d(2026, 11, 21), d(2026, 11, 23)),
        ("last weekend", d(2026, 11, 14), d(2026, 11, 16)),
    ],
)
def test_calendar_periods(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("past 3 days", NOW - timedelta(days=3)),
        ("last 10 days", NOW - timedelta(days=10)),
        ("in the past two weeks", NOW - timedelta(weeks=2)),
        ("the last 3 months", d(2026, 8, 22, 12)),
        ("past 2 years", d(2024, 11, 22, 12)),
        ("past week", NOW - timedelta(weeks=1)),
        ("this past week", NOW - timedelta(weeks=1)),
        ("the last year", d(2025, 11, 22, 12)),
        ("over the past day", NOW - timedelta(days=1)),
    ],
)
def test_rolling_windows(text: str, start: datetime) -> None:
    assert span(text) == (start, NOW + SLACK)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("3 days ago", d(2026, 11, 19), d(2026, 11, 20)),
        ("a day ago", d(2026, 11, 21), d(2026, 11, 22)),
        ("two weeks ago", d(2026, 11, 2), d(2026, 11, 9)),  # now-14d is Sunday 8 Nov
        ("a week ago", d(2026, 11, 9), d(2026, 11, 16)),
        ("1 week ago", d(2026, 11, 9), d(2026, 11, 16)),
        ("a month ago", d(2026, 10, 1), d(2026, 11, 1)),
        ("twelve months ago", d(2025, 11, 1), d(2025, 12, 1)),
        ("an year ago", d(2025, 1, 1), d(2026, 1, 1)),
        ("a year ago", d(2025, 1, 1), d(2026, 1, 1)),
        ("3 years ago", d(2023, 1, 1), d(2024, 1, 1)),
        ("eleven days ago", d(2026, 11, 11), d(2026, 11, 12)),
    ],
)
def test_ago(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last May", d(2026, 5, 1), d(2026, 6, 1)),
        ("last november", d(2025, 11, 1), d(2025, 12, 1)),  # current month excluded
        ("last December", d(2025, 12, 1), d(2026, 1, 1)),
        ("last Sept", d(2026, 9, 1), d(2026, 10, 1)),
        ("this past jan", d(2026, 1, 1), d(2026, 2, 1)),
        ("in May", d(2026, 5, 1), d(2026, 6, 1)),
        ("in November", d(2026, 11, 1), d(2026, 12, 1)),  # current month included
        ("in December", d(2025, 12, 1), d(2026, 1, 1)),
        ("during march", d(2026, 3, 1), d(2026, 4, 1)),
        ("of Feb", d(2026, 2, 1), d(2026, 3, 1)),
        ("May 2023", d(2023, 5, 1), d(2023, 6, 1)),
        ("in May 2023", d(2023, 5, 1), d(2023, 6, 1)),
        ("sept 2024", d(2024, 9, 1), d(2024, 10, 1)),
        ("December, 2021", d(2021, 12, 1), d(2022, 1, 1)),
        ("may of 2020", d(2020, 5, 1), d(2020, 6, 1)),
    ],
)
def test_months(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("in 2023", d(2023, 1, 1), d(2024, 1, 1)),
        ("during 2022", d(2022, 1, 1), d(2023, 1, 1)),
        ("of 1999", d(1999, 1, 1), d(2000, 1, 1)),
    ],
)
def test_years(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("May 5", d(2026, 5, 5)),
        ("may 5th, 2023", d(2023, 5, 5)),
        ("the 5th of May", d(2026, 5, 5)),
        ("3 March 2024", d(2024, 3, 3)),
        ("December 25", d(2025, 12, 25)),  # not yet this year: the last one that happened
        ("Nov 22", d(2026, 11, 22)),
        ("2023-05-08", d(2023, 5, 8)),
        ("on 2023-05-08", d(2023, 5, 8)),
    ],
)
def test_dates(text: str, day: datetime) -> None:
    assert span(text) == (day, day + timedelta(days=1))


def test_iso_month() -> None:
    assert span("2023-05") == (d(2023, 5, 1), d(2023, 6, 1))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("on Monday", d(2026, 11, 16)),
        ("last sunday", d(2026, 11, 15)),  # today is Sunday: never today
        ("on Sunday", d(2026, 11, 15)),
        ("Friday", d(2026, 11, 20)),
        ("saturday's", d(2026, 11, 21)),
        ("on sat", d(2026, 11, 21)),
        ("last Tues", d(2026, 11, 17)),
        ("this past Wednesday", d(2026, 11, 18)),
    ],
)
def test_weekdays(text: str, day: datetime) -> None:
    assert span(text) == (day, day + timedelta(days=1))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("on Wednesday of last week", d(2026, 11, 11)),
        ("Wednesday this week", d(2026, 11, 18)),
        ("on Friday of next week", d(2026, 11, 27)),  # a plan asked about
        ("the Friday before last", d(2026, 11, 13)),  # last Friday was the 20th
        ("on the Wednesday two months ago", d(2026, 9, 23)),  # nearest to Tuesday 22 Sep
        ("the Sunday 3 weeks ago", d(2026, 11, 1)),
        ("the Friday a week ago", d(2026, 11, 13)),  # nearer to Sunday the 15th than the 20th
    ],
)
def test_a_weekday_of_an_earlier_week(text: str, day: datetime) -> None:
    assert span(text) == (day, day + timedelta(days=1))


def test_the_nearest_weekday_is_at_most_three_days_away() -> None:
    thursday = date(2026, 11, 19)
    assert nearest_weekday(thursday, 3) == thursday
    assert nearest_weekday(thursday, 6) == date(2026, 11, 22)  # three days on
    assert nearest_weekday(thursday, 0) == date(2026, 11, 16)  # three days back
    assert nearest_weekday(thursday, 2) == date(2026, 11, 18)


def test_a_weekday_with_its_period_leaves_the_query_whole() -> None:
    parsed = parse_time_phrases("What did I do with Rachel on the Wednesday two months ago?", NOW)
    assert parsed.query == "What did I do with Rachel?"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("since May", d(2026, 5, 1), NOW + SLACK),
        ("since 2023-05-08", d(2023, 5, 8), NOW + SLACK),
        ("since yesterday", d(2026, 11, 21), NOW + SLACK),
        ("since last week", d(2026, 11, 9), NOW + SLACK),
        ("since 2023", d(2023, 1, 1), NOW + SLACK),
        ("since two weeks ago", d(2026, 11, 2), NOW + SLACK),
        ("before 2023", EPOCH, d(2023, 1, 1)),
        ("before last week", EPOCH, d(2026, 11, 9)),
        ("before May", EPOCH, d(2026, 5, 1)),
        ("until yesterday", EPOCH, d(2026, 11, 22)),
        ("until May 2023", EPOCH, d(2023, 6, 1)),
        ("till 2023-05", EPOCH, d(2023, 6, 1)),
    ],
)
def test_bounds(text: str, start: datetime, end: datetime) -> None:
    assert span(text) == (start, end)


def test_before_a_year_earlier_than_the_floor_is_not_inverted() -> None:
    start, end = span("before 1965")
    assert start <= end == d(1965, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "I may go",
        "you may 'go' there",
        "mayonnaise recipe",
        "3 may be enough",
        "the past may haunt us",
        "what did Caroline say",
        "marching band",
        "the sun's heat",
        "c'mon",
        "we went on Sundays",
        "the last day of the trip",
        "in 5 days",
        "2023-13",
        "2023-02-29",
        "Feb 29, 2023",
        "May 45",
        "version v2023-05",
        "sat on the chair",
        "",
    ],
)
def test_no_phrase(text: str) -> None:
    assert parse_time_phrases(text, NOW) == ParsedTime(query=text, range=None)


@pytest.mark.parametrize(
    ("text", "query", "phrase"),
    [
        ("what did Caroline say last May", "what did Caroline say", "last May"),
        ("what did Caroline say last May?", "what did Caroline say?", "last May"),
        ("meeting  two weeks ago   about budget", "meeting about budget", "two weeks ago"),
        ("yesterday's notes", "notes", "yesterday's"),
        ("notes from 2023-05-08.", "notes.", "from 2023-05-08"),
        ("Yesterday, what did I eat?", "what did I eat?", "Yesterday"),
        ("things in the past 3 days", "things", "in the past 3 days"),
        ("LAST MAY plans", "plans", "LAST MAY"),
        ("notes since May 2023 on rust", "notes on rust", "since May 2023"),
        ("before yesterday's standup", "before standup", "yesterday's"),
    ],
)
def test_phrase_is_removed(text: str, query: str, phrase: str) -> None:
    parsed = parse_time_phrases(text, NOW)
    assert parsed.range is not None
    assert (parsed.query, parsed.range.phrase) == (query, phrase)


def test_first_phrase_wins() -> None:
    parsed = parse_time_phrases("yesterday or last week", NOW)
    assert parsed.range == TimeRange(d(2026, 11, 21), d(2026, 11, 22), "yesterday")
    assert parsed.query == "or last week"


def test_longest_phrase_at_the_same_start_wins() -> None:
    assert parse_time_phrases("in May 5 notes", NOW).query == "notes"


@pytest.mark.parametrize(
    ("now", "text", "start", "end"),
    [
        (d(2027, 1, 10), "last December", d(2026, 12, 1), d(2027, 1, 1)),
        (d(2027, 1, 10), "in December", d(2026, 12, 1), d(2027, 1, 1)),
        (d(2027, 1, 10), "last January", d(2026, 1, 1), d(2026, 2, 1)),
        (d(2027, 1, 10), "in January", d(2027, 1, 1), d(2027, 2, 1)),
        (d(2027, 1, 10), "last month", d(2026, 12, 1), d(2027, 1, 1)),
        (d(2027, 1, 10), "a month ago", d(2026, 12, 1), d(2027, 1, 1)),
        (d(2027, 1, 1), "yesterday", d(2026, 12, 31), d(2027, 1, 1)),
        (d(2027, 1, 3), "this week", d(2026, 12, 28), d(2027, 1, 4)),
        (d(2027, 1, 3), "last week", d(2026, 12, 21), d(2026, 12, 28)),
        (d(2026, 3, 31), "a month ago", d(2026, 2, 1), d(2026, 3, 1)),
    ],
)
def test_month_and_year_boundaries(
    now: datetime, text: str, start: datetime, end: datetime
) -> None:
    assert span(text, now) == (start, end)


@pytest.mark.parametrize(
    ("now", "text", "start", "end"),
    [
        (d(2024, 3, 1), "yesterday", d(2024, 2, 29), d(2024, 3, 1)),
        (d(2024, 3, 1), "Feb 29", d(2024, 2, 29), d(2024, 3, 1)),
        (d(2026, 3, 1), "Feb 29", d(2024, 2, 29), d(2024, 3, 1)),
        (d(2024, 3, 10), "2024-02-29", d(2024, 2, 29), d(2024, 3, 1)),
        (d(2024, 3, 10), "last February", d(2024, 2, 1), d(2024, 3, 1)),
        (d(2024, 2, 29), "a year ago", d(2023, 1, 1), d(2024, 1, 1)),
        (d(2024, 2, 29, 12), "past year", d(2023, 2, 28, 12), d(2024, 3, 1, 12)),
        (d(2024, 3, 31, 12), "past month", d(2024, 2, 29, 12), d(2024, 4, 1, 12)),
    ],
)
def test_leap_years(now: datetime, text: str, start: datetime, end: datetime) -> None:
    assert span(text, now) == (start, end)


def test_calendar_follows_the_time_zone_of_now() -> None:
    now = datetime(2026, 11, 22, 23, 0, tzinfo=timezone(timedelta(hours=-5)))  # 04:00Z
    start, end = span("today", now)
    assert (start, end) == (d(2026, 11, 22, 5), d(2026, 11, 23, 5))
    assert start.tzinfo is UTC
    assert end.tzinfo is UTC


def test_naive_now_is_utc() -> None:
    assert span("yesterday", NOW.replace(tzinfo=None)) == span("yesterday")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023-05-08", d(2023, 5, 8), d(2023, 5, 9)),
        ("2023-05", d(2023, 5, 1), d(2023, 6, 1)),
        ("2023", d(2023, 1, 1), d(2024, 1, 1)),
        (" Yesterday ", d(2026, 11, 21), d(2026, 11, 22)),
        ("2 weeks ago", d(2026, 11, 2), d(2026, 11, 9)),
        ("last may", d(2026, 5, 1), d(2026, 6, 1)),
        ("may", d(2026, 5, 1), d(2026, 6, 1)),
        ("May 2023", d(2023, 5, 1), d(2023, 6, 1)),
    ],
)
def test_date_bound(text: str, start: datetime, end: datetime) -> None:
    assert parse_date_bound(text, NOW) == start
    assert parse_date_bound(text, NOW, end=True) == end


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2023-05-08T14:30", datetime(2023, 5, 8, 14, 30, tzinfo=UTC)),
        ("2023-05-08 14:30", datetime(2023, 5, 8, 14, 30, tzinfo=UTC)),
        ("2023-05-08T14:30+02:00", datetime(2023, 5, 8, 12, 30, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_date_bound_instants(text: str, moment: datetime) -> None:
    assert parse_date_bound(text, NOW) == moment
    assert parse_date_bound(text, NOW, end=True) == moment
    assert parse_date_bound(text, NOW).tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["", "garbage", "yesterday foo", "2023-13-01", "2023-05-08T99:00", "tomorrow", "0000"]
)
def test_date_bound_rejects(text: str) -> None:
    with pytest.raises(InvalidInputError, match=r"2023-05-08.*2 weeks ago"):
        parse_date_bound(text, NOW)


def test_every_range_is_utc_and_not_empty() -> None:
    for text in ["today", "last week", "past 3 days", "a year ago", "in May", "on sat", "2023-05"]:
        start, end = span(text)
        assert start.tzinfo is UTC, text
        assert end.tzinfo is UTC, text
        assert start < end, text
