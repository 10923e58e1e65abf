"""A query's time phrase matches a message by when it was said or by a period its text
names ("on February 27th", said in March), read only around calendar words."""

from __future__ import annotations

from datetime import UTC, datetime

from helpers.events import store_events

from amber.events import EventDraft
from amber.retrieval.fusion import TIME_MATCH_FACTOR
from amber.retrieval.recall import RecallOptions
from amber.retrieval.time_match import AROUND, MAX_PIECE, MAX_PIECES, CalendarWords, TimeMatch
from amber.retrieval.timephrases import TimeRange
from amber.service import MemoryService

ASKED = datetime(2023, 3, 10, 12, tzinfo=UTC)
FEBRUARY = TimeRange(datetime(2023, 2, 1, tzinfo=UTC), datetime(2023, 3, 1, tzinfo=UTC), "in Feb")
SAID_IN_MARCH = "2023-03-09T08:00:00Z"


def test_a_day_the_text_names_inside_the_range_gets_the_boost() -> None:
    match = TimeMatch(FEBRUARY, ASKED)
    washed = "By the way, I just washed my Corolla on Monday, February 27th."
    assert match.factor(SAID_IN_MARCH, washed) == TIME_MATCH_FACTOR
    assert match.factor(SAID_IN_MARCH, "My bike was repaired in mid-February.") == TIME_MATCH_FACTOR
    assert match.factor("2023-02-14T08:00:00Z", "Nothing dated here") == TIME_MATCH_FACTOR


def test_a_period_wider_than_the_range_or_outside_it_is_no_match() -> None:
    match = TimeMatch(FEBRUARY, ASKED)
    assert match.factor(SAID_IN_MARCH, "In 2023 I want to cycle more.") == 1.0
    assert match.factor(SAID_IN_MARCH, "I washed it on March 6th.") == 1.0
    assert match.factor(SAID_IN_MARCH, "We went skiing last winter.") == 1.0
    assert match.factor(None, "I washed it on February 27th.") == 1.0  # no day to read it from


def test_a_date_named_just_outside_the_range_gets_half_the_boost() -> None:
    half = 1.0 + (TIME_MATCH_FACTOR - 1.0) / 2
    assert TimeMatch(FEBRUARY, ASKED).factor(SAID_IN_MARCH, "I did it on March 1st.") == half


def test_only_messages_with_calendar_words_are_read() -> None:
    words = CalendarWords(FEBRUARY, UTC)
    assert words.names_any("Fixed on Feb 27")
    assert words.names_any("sometime in FEBRUARY")
    assert words.names_any("a cold winter")
    assert words.names_any("back on 2023-02-27")  # the year's digits
    assert not words.names_any("You may want to march on; the market is open")
    assert not words.names_any("Nothing about a date")
    far = "x " * 5_000 + "I washed it on February 27th, it was filthy. " + "y " * 5_000
    pieces = words.surroundings(far)
    assert len(pieces) == 1
    assert "February 27th" in pieces[0]
    assert len(pieces[0]) < 400
    assert TimeMatch(FEBRUARY, ASKED).factor(SAID_IN_MARCH, far) == TIME_MATCH_FACTOR


def test_months_are_read_in_capitals_and_as_sept() -> None:
    match = TimeMatch(FEBRUARY, ASKED)
    assert match.factor(SAID_IN_MARCH, "WASHED IT ON FEB 27") == TIME_MATCH_FACTOR
    september = TimeRange(
        datetime(2022, 9, 1, tzinfo=UTC), datetime(2022, 10, 1, tzinfo=UTC), "in September"
    )
    assert TimeMatch(september, ASKED).factor(SAID_IN_MARCH, "Moved on Sept 3") == TIME_MATCH_FACTOR


def test_a_document_naming_dates_on_every_line_is_read_in_part() -> None:
    """A changelog with a date on each of its thousands of lines: only the first stretches
    around calendar words are read, each of bounded length."""
    line = "- 2023-01-03: fixed the login bug for the summer release, see the March notes\n"
    log = line * 4_000
    words = CalendarWords(FEBRUARY, UTC)
    pieces = words.surroundings(log)
    assert len(pieces) == MAX_PIECES
    assert all(len(piece) <= MAX_PIECE + 2 * AROUND for piece in pieces)
    assert TimeMatch(FEBRUARY, ASKED).factor(SAID_IN_MARCH, log) == 1.0


def test_a_range_of_decades_is_matched_by_timestamps_only() -> None:
    decades = TimeRange(datetime(1970, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC), "x")
    match = TimeMatch(decades, ASKED)
    assert match.factor(SAID_IN_MARCH, "Back in May 1999 we met") == 1.0
    assert match.factor("1999-05-01T00:00:00Z", "anything") == TIME_MATCH_FACTOR


def test_recall_ranks_a_message_about_the_asked_month_first(service: MemoryService) -> None:
    said = {
        # Longer, so BM25 alone puts it second.
        "feb": "I took the car to the garage on February 27th for new brakes and an oil change",
        "mar": "I took the car to the garage on March 8th for new tyres",
    }
    background = [f"The garden needs water, day {i}" for i in range(8)]
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            conversation=f"chat-{name}",
            message_id="m1",
            author="me",
            timestamp=datetime(2023, 3, 9, 8, tzinfo=UTC),
        )
        for name, text in [*said.items(), *enumerate(background)]
    ]
    store_events(service, drafts)
    question = "when did I take the car to the garage in February"
    hits = service.recall(question, RecallOptions(now=ASKED, mode="lexical"))
    assert hits[0].snippet == said["feb"]
    assert hits[1].snippet == said["mar"]  # said in the same days, about another month


def test_a_naive_now_is_read_as_utc(service: MemoryService) -> None:
    store_events(
        service,
        [
            EventDraft(
                source="conversation",
                text="Washed the car on February 27th",
                conversation="c",
                message_id="m1",
                author="me",
                timestamp=datetime(2023, 3, 9, 8, tzinfo=UTC),
            )
        ],
    )
    naive = RecallOptions(now=datetime(2023, 3, 10, 12), mode="lexical")
    assert service.recall("car in February", naive)[0].snippet == "Washed the car on February 27th"
