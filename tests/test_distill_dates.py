"""Time phrases in one message resolved against the day it was said (amber.distill.dates).

The table holds the rules that app/distill/dates.py's docstring states for ambiguous
cases; the negatives are words that look like times and are not. The properties check
what every mention must satisfy: its label reads back to its days, its span is its
phrase, and annotate() only inserts labels.

Speed (not a timed test), `find_times` on one 17-21 word message, Python 3.11, the
2-core development box, best of 3 x 50,000 runs:

    no time word                                   ~3 µs  (one tokenising pass)
    numbers but no time ("3 dogs and 2 cats")     ~10 µs
    "last week" / "this year"                  ~14-17 µs
    "on Friday" / "in May" (tense read)        ~23-25 µs
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise

import pytest

from amber.distill.dates import (
    When,
    annotate,
    find_times,
    parse_label,
    primary_when,
    said_label,
)

MON = date(2023, 3, 6)  # a Monday
SAT = date(2023, 5, 6)
SUN = date(2023, 5, 7)
NEW_YEAR = date(2023, 1, 2)  # a Monday
YEAR_END = date(2023, 12, 28)  # a Thursday
LEAP_MARCH = date(2024, 3, 1)  # a Friday, the day after a leap day
LEAP_DAY = date(2024, 2, 29)


def test_the_fixed_days_are_the_weekdays_the_table_assumes() -> None:
    assert [d.weekday() for d in (MON, SAT, SUN, NEW_YEAR, YEAR_END)] == [0, 5, 6, 0, 3]


CASES: list[tuple[str, date, str]] = [
    # days
    ("today", MON, "2023-03-06"),
    ("tonight we cook", MON, "2023-03-06"),
    ("this morning", MON, "2023-03-06"),
    ("this afternoon", MON, "2023-03-06"),
    ("this evening", MON, "2023-03-06"),
    ("earlier today", MON, "2023-03-06"),
    ("yesterday", MON, "2023-03-05"),
    ("YESTERDAY", MON, "2023-03-05"),
    ("yesterday's game", MON, "2023-03-05"),
    ("yesterday evening", MON, "2023-03-05"),
    ("last night", MON, "2023-03-05"),
    ("the day before yesterday", MON, "2023-03-04"),
    ("tomorrow", MON, "2023-03-07"),
    ("tomorrow night", MON, "2023-03-07"),
    ("the day after tomorrow", MON, "2023-03-08"),
    ("yesterday", LEAP_MARCH, "2024-02-29"),
    ("tomorrow", LEAP_DAY, "2024-03-01"),
    ("yesterday", date(2023, 3, 1), "2023-02-28"),
    ("yesterday", date(2023, 1, 1), "2022-12-31"),
    ("tomorrow", date(2022, 12, 31), "2023-01-01"),
    # counted units
    ("3 days ago", MON, "2023-03-03"),
    ("two days ago", MON, "2023-03-04"),
    ("a day ago", MON, "2023-03-05"),
    ("twenty days ago", MON, "2023-02-14"),
    ("a couple of days ago", MON, "2023-03-04"),
    ("a couple days ago", MON, "2023-03-04"),
    ("a few days ago", MON, "week of 2023-02-27"),
    ("a week ago", MON, "week of 2023-02-27"),
    ("two weeks ago", MON, "week of 2023-02-20"),
    ("two weekends ago", MON, "weekend of 2023-02-25"),
    ("a few weeks ago", MON, "2023-02"),
    ("a month ago", MON, "2023-02"),
    ("3 months ago", MON, "2022-12"),
    ("a few months ago", MON, "winter 2022-23"),
    ("a year ago", MON, "2022"),
    ("ten years ago", MON, "2013"),
    ("several years ago", MON, "2020"),
    ("2 days ago", LEAP_MARCH, "2024-02-28"),
    ("a month ago", date(2024, 3, 31), "2024-02"),
    ("a month ago", NEW_YEAR, "2022-12"),
    ("in 5 days", MON, "2023-03-11"),
    ("I'll be back in a week", MON, "week of 2023-03-13"),
    ("in two weeks", MON, "week of 2023-03-20"),
    ("in a couple of months", MON, "2023-05"),
    ("in a few days", MON, "week of 2023-03-06"),
    ("a month from now", MON, "2023-04"),
    ("in three years", MON, "2026"),
    # calendar weeks, months, years, weekends
    ("last week", MON, "week of 2023-02-27"),
    ("this week", MON, "week of 2023-03-06"),
    ("next week", MON, "week of 2023-03-13"),
    ("earlier this week", MON, "week of 2023-03-06"),
    ("last month", MON, "2023-02"),
    ("next month", MON, "2023-04"),
    ("later this month", MON, "2023-03"),
    ("last year", MON, "2022"),
    ("next year", MON, "2024"),
    ("earlier this year", MON, "2023"),
    ("last weekend", MON, "weekend of 2023-03-04"),
    ("this weekend", MON, "weekend of 2023-03-11"),
    ("next weekend", MON, "weekend of 2023-03-18"),
    ("last month", NEW_YEAR, "2022-12"),
    ("last week", NEW_YEAR, "week of 2022-12-26"),
    ("last year", NEW_YEAR, "2022"),
    ("last weekend", NEW_YEAR, "weekend of 2022-12-31"),
    ("next week", YEAR_END, "week of 2024-01-01"),
    ("next month", YEAR_END, "2024-01"),
    ("last weekend", SUN, "weekend of 2023-04-29"),
    ("this weekend", SUN, "weekend of 2023-05-06"),
    ("over the weekend we hiked", MON, "weekend of 2023-03-04"),
    ("I'll rest over the weekend", MON, "weekend of 2023-03-11"),
    ("we hiked over the weekend", SUN, "weekend of 2023-05-06"),
    # weekdays, said on a Saturday
    ("last Saturday", SAT, "2023-04-29"),
    ("this Saturday", SAT, "2023-05-06"),
    ("on Saturday", SAT, "2023-04-29"),
    ("I'll go on Saturday", SAT, "2023-05-13"),
    ("next Saturday", SAT, "2023-05-13"),
    ("next Sunday", SAT, "2023-05-14"),
    ("this Sunday", SAT, "2023-05-07"),
    ("last Friday", SAT, "2023-05-05"),
    ("we met on Friday", SAT, "2023-05-05"),
    ("I'm meeting her on Monday", SAT, "2023-05-08"),
    ("see you Monday", SAT, "2023-05-08"),
    ("I was going to call on Monday", SAT, "2023-05-01"),
    # weekdays, said on a Monday or a Sunday
    ("next Friday", MON, "2023-03-17"),
    ("this Friday", MON, "2023-03-10"),
    ("last Monday", MON, "2023-02-27"),
    ("this past Friday", MON, "2023-03-03"),
    ("on Sat", MON, "2023-03-04"),
    ("Friday's party was fun", MON, "2023-03-03"),
    ("Friday’s party was fun", MON, "2023-03-03"),
    ("last Sunday", SUN, "2023-04-30"),
    ("this Saturday", SUN, "2023-05-13"),
    ("last Saturday", NEW_YEAR, "2022-12-31"),
    # a weekday pinned to another period
    ("the Friday before last", MON, "2023-02-24"),  # last Friday was 3 March
    ("Wednesday of last week", MON, "2023-03-01"),
    ("on Thursday next week", MON, "2023-03-16"),
    ("the Wednesday two months ago", MON, "2023-01-04"),  # nearest to Friday 6 January
    ("the Sunday 3 weeks ago", SAT, "2023-04-16"),  # nearest to Saturday 15 April
    # months
    ("in May", MON, "2022-05"),
    ("I moved in May", MON, "2022-05"),
    ("I'll move in May", MON, "2023-05"),
    ("last May", MON, "2022-05"),
    ("last May", date(2023, 5, 20), "2022-05"),
    ("next March", MON, "2024-03"),
    ("this May", MON, "2023-05"),
    ("in March", MON, "2023-03"),
    ("last March", MON, "2022-03"),
    ("since January", MON, "2023-01"),
    ("January was cold", MON, "2023-01"),
    ("July was hot", MON, "2022-07"),
    ("this past May", MON, "2022-05"),
    ("early June", MON, "2022-06"),
    ("mid-May", MON, "2022-05"),
    ("we'll finish by the end of June", MON, "2023-06"),
    ("May 2023", MON, "2023-05"),
    ("in December of 2019", MON, "2019-12"),
    ("back in sept", MON, "2022-09"),
    # dates
    ("May 7th, 2023", MON, "2023-05-07"),
    ("7 May 2023", MON, "2023-05-07"),
    ("on May 7", MON, "2022-05-07"),
    ("the 7th of May", MON, "2022-05-07"),
    ("I'll fly out on May 7", MON, "2023-05-07"),
    ("March 3", MON, "2023-03-03"),
    ("Sunday, May 7, 2023", MON, "2023-05-07"),
    ("Jan. 5", MON, "2023-01-05"),
    ("Feb 29", MON, "2020-02-29"),
    ("on Feb 29 we'll party", MON, "2024-02-29"),
    ("Feb 29, 2024", MON, "2024-02-29"),
    ("2023-05-07", MON, "2023-05-07"),
    ("at 2023-05-07T10:00Z", MON, "2023-05-07"),
    ("2023-05", MON, "2023-05"),
    # years, seasons, decades
    ("in 2019", MON, "2019"),
    ("since 2016", MON, "2016"),
    ("in early 2020", MON, "2020"),
    ("last summer", MON, "summer 2022"),
    ("last summer", date(2023, 10, 15), "summer 2023"),
    ("last summer", date(2023, 7, 15), "summer 2022"),
    ("this winter", MON, "winter 2022-23"),
    ("this winter", date(2023, 11, 20), "winter 2023-24"),
    ("next winter", MON, "winter 2023-24"),
    ("in the summer", MON, "summer 2022"),
    ("I'll travel in the summer", MON, "summer 2023"),
    ("in the summer of 2019", MON, "summer 2019"),
    ("winter 2019", MON, "winter 2018-19"),
    ("last fall", MON, "autumn 2022"),
    ("this spring", MON, "spring 2023"),
    ("in the 90s", MON, "1990s"),
    ("the 1990s", MON, "1990s"),
    ("the nineties", MON, "1990s"),
    ("the '80s", MON, "1980s"),
    ("the 20s", MON, "2020s"),
    ("in the early 2000s", MON, "2000s"),
]


@pytest.mark.parametrize(("text", "said", "label"), CASES)
def test_resolves(text: str, said: date, label: str) -> None:
    mentions = find_times(text, said)
    assert [m.when.label() for m in mentions] == [label], text


NEGATIVES = [
    "twice a week",
    "once a month",
    "once in a year",
    "I may go",
    "you may 2x the budget",
    "this may take a while",
    "they march on",
    "we march 3 miles",
    "3 may be enough",
    "wait a second",
    "give me a minute",
    "an hour ago",
    "I have 3 dogs and 2 cats",
    "I'm 30 years old",
    "summarise it in 2000 words",
    "a crowd of 2000 people",
    "room 2019 is on the left",
    "call 555-2019",
    "Sunday school was fun",
    "Good Friday",
    "every Monday I swim",
    "we swim on Mondays",
    "I work Monday to Friday",
    "it's Friday!",
    "the next day we left",
    "the last week of the trip",
    "the next year was hard",
    "two days later",
    "I've lived here for 3 years",
    "the first time in 3 years",
    "I finished it in 3 days",
    "she is in her 30s",
    "highs in the 90s all week",
    "April said hi",
    "ask June about it",
    "Jan called me",
    "he sat on the mat",
    "the sun was out",
    "I'll fall asleep",
    "in the fall she broke her arm",
    "spring water",
    "I'm feeling inspired by autumn",
    "summer was great",
    "2023-13-01",
    "Feb 30, 2023",
    "Feb 29, 2023",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_alone(text: str) -> None:
    assert find_times(text, MON) == [], text


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 80 and len(NEGATIVES) >= 20


# --- spans, order, overlaps -------------------------------------------------------------


def test_spans_are_the_phrase_as_written() -> None:
    text = "Last Saturday we met; the day before yesterday she left, and in May 2023 we moved."
    mentions = find_times(text, MON)
    assert [m.when.phrase for m in mentions] == [
        "Last Saturday",
        "the day before yesterday",
        "May 2023",
    ]
    assert all(text[m.start : m.end] == m.when.phrase for m in mentions)


def test_the_longest_reading_wins() -> None:
    assert [m.when.phrase for m in find_times("the 7th of May, 2023", MON)] == [
        "the 7th of May, 2023"
    ]
    assert [m.when.phrase for m in find_times("in the last week of May", MON)] == ["May"]


def test_a_datetime_is_read_on_its_own_calendar() -> None:
    late = datetime(2023, 3, 6, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert said_label(late) == "2023-03-06"
    assert find_times("yesterday", late)[0].when.label() == "2023-03-05"
    assert said_label(MON) == "2023-03-06"


# --- annotate and primary_when ----------------------------------------------------------


def test_annotate_writes_the_dates_after_the_words() -> None:
    assert annotate("I went there last week", MON) == (
        "I went there last week (week of 2023-02-27)"
    )
    text = "Yesterday I saw Ana; we fly on 2023-05-07 and stay until next month."
    assert annotate(text, MON) == (
        "Yesterday (2023-03-05) I saw Ana; we fly on 2023-05-07 and stay until next month "
        "(2023-04)."
    )


def test_annotate_leaves_phrases_that_already_say_their_date() -> None:
    for text in ("in 2019", "on 2023-05-07", "in the summer of 2019", "the 1990s", "no time"):
        assert annotate(text, MON) == text


def test_primary_when_is_the_first_time_mentioned() -> None:
    when = primary_when("Last week I started; next month I finish", MON)
    assert when == When(date(2023, 2, 27), date(2023, 3, 5), "week", "Last week")
    assert primary_when("Nothing timely here", MON) is None


# --- properties over every phrase the tests know ----------------------------------------

SENTENCES = [text for text, _, _ in CASES] + [
    "Last Saturday we met; the day before yesterday she left, and in May 2023 we moved.",
    "Yesterday I saw Ana; we fly on 2023-05-07 and stay until next month.",
    "A few weeks ago, in the 90s style, we planned next summer and last weekend's trip.",
    "On Friday I will go; on Monday I went; this Sunday we'll see.",
    "Today's Friday! I'm away next Monday - Friday, back until spring ago.",
]
SAID_DAYS = [MON, SAT, SUN, NEW_YEAR, YEAR_END, LEAP_MARCH, LEAP_DAY, date(2024, 12, 31)]


def every_mention() -> list[tuple[str, date]]:
    return [(text, said) for text in SENTENCES for said in SAID_DAYS]


def test_every_label_reads_back_to_its_days() -> None:
    for text, said in every_mention():
        for mention in find_times(text, said):
            when = mention.when
            assert when.start <= when.end, (text, said)
            back = parse_label(when.label())
            assert back is not None, when.label()
            assert (back.start, back.end, back.grain) == (when.start, when.end, when.grain)


def test_mentions_are_in_order_and_do_not_overlap() -> None:
    for text, said in every_mention():
        mentions = find_times(text, said)
        for earlier, later in pairwise(mentions):
            assert earlier.end <= later.start, text
        assert all(text[m.start : m.end] == m.when.phrase for m in mentions)


def test_annotate_only_inserts_labels() -> None:
    for text, said in every_mention():
        annotated = annotate(text, said)
        rebuilt = annotated
        for mention in find_times(text, said):  # the text up to here is the original again
            note = f" ({mention.when.label()})"
            if rebuilt.startswith(note, mention.end):
                rebuilt = rebuilt[: mention.end] + rebuilt[mention.end + len(note) :]
        assert rebuilt == text, (text, annotated)
        assert annotate(annotated, said) == annotated  # twice changes nothing


def test_labels_that_are_not_ours_do_not_parse() -> None:
    for label in ("week of 2023-03-07", "weekend of 2023-03-06", "winter 2022-24", "2015s", "x"):
        assert parse_label(label) is None, label


@pytest.mark.parametrize("weekday", ["Monday", "Wednesday", "Saturday", "Sunday"])
def test_weekday_rules_hold_on_every_day_of_a_leap_winter(weekday: str) -> None:
    number = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    wanted = number.index(weekday.lower())
    for offset in range(90):
        said = date(2023, 12, 20) + timedelta(days=offset)
        last = find_times(f"last {weekday}", said)[0].when.start
        coming = find_times(f"I will call on {weekday}", said)[0].when.start
        following = find_times(f"next {weekday}", said)[0].when.start
        assert last.weekday() == coming.weekday() == following.weekday() == wanted
        assert 1 <= (said - last).days <= 7
        assert 1 <= (coming - said).days <= 7
        monday_after = said + timedelta(days=7 - said.weekday())
        assert monday_after <= following < monday_after + timedelta(days=7)


def test_calendar_steps_hold_on_every_day_of_a_leap_winter() -> None:
    for offset in range(90):
        said = date(2023, 12, 20) + timedelta(days=offset)
        last_month = find_times("last month", said)[0].when
        assert last_month.end == said.replace(day=1) - timedelta(days=1)
        last_week = find_times("last week", said)[0].when
        assert last_week.end == said - timedelta(days=said.weekday() + 1)
        ago = find_times("3 days ago", said)[0].when
        assert ago.start == said - timedelta(days=3)
