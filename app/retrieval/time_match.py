"""How well a message fits the time a query names: when it was said, or what it says.

"Which did I take care of first in February, the bike or the car?" is answered by "I
washed my Corolla on Monday, February 27th", said on 10 March: its timestamp is outside
February, the day it names is inside. A message gets the time boost for the better of
the two (fusion.time_factor, fusion.period_factor).

Reading every time phrase of a message costs about 0.3 ms (amber/distill/dates.py), too
much for the hundreds of candidates of a recall: only a message holding a calendar word
that could name a day of the range (a month, season or year it covers) is read, and only
around those words. "Yesterday" in a message said the day after the range is already near
it by its timestamp.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, tzinfo

from amber.clock import parse_iso
from amber.distill.dates import find_times
from amber.retrieval import fusion
from amber.retrieval.timephrases import TimeRange

# Full names in any case, except "May" and "March" (mostly verbs in lower case);
# abbreviations only capitalised ("Feb 27"): lower case they are inside common words.
_MONTH_WORDS = (
    ("january", "Jan"),
    ("february", "Feb"),
    ("March", "Mar"),
    ("april", "Apr"),
    ("May",),
    ("june", "Jun"),
    ("july", "Jul"),
    ("august", "Aug"),
    ("september", "Sep", "Sept"),
    ("october", "Oct"),
    ("november", "Nov"),
    ("december", "Dec"),
)
_SEASON_WORDS = ("winter", "spring", "summer", "autumn fall")  # by (month % 12) // 3
MAX_MONTHS_NAMED = 24  # a longer range is named by its years
MAX_YEARS_NAMED = 10  # "before 2023" is about when things were said, not what they name
AROUND = 120  # characters read on each side of a calendar word: the phrase and its tense
# What is read of one message at most: a changelog naming a date on every line would
# otherwise be read whole, and reading dates grows with the square of their number.
MAX_PIECES = 8
MAX_PIECE = 4 * AROUND


class TimeMatch:
    """The time factor of one query's range, for any candidate."""

    def __init__(self, time_range: TimeRange, now: datetime) -> None:
        self.range = time_range
        self.zone = now.tzinfo or UTC
        years = (time_range.end - time_range.start).days / 365.25
        self._words = CalendarWords(time_range, self.zone) if years <= MAX_YEARS_NAMED else None

    def factor(self, ts: str | None, text: str) -> float:
        said = fusion.time_factor(ts, self.range.start, self.range.end)
        if said == fusion.TIME_MATCH_FACTOR:
            return said
        return max(said, self._named(ts, text))

    def _named(self, ts: str | None, text: str) -> float:
        moment = parse_iso(ts)
        if moment is None or self._words is None or not self._words.names_any(text):
            return 1.0
        local = moment.astimezone(self.zone)
        best = 1.0
        for piece in self._words.surroundings(text):
            for mention in find_times(piece, local):
                first = datetime.combine(mention.when.start, time(), local.tzinfo)
                last = datetime.combine(mention.when.end, time.max, local.tzinfo)
                factor = fusion.period_factor(first, last, self.range.start, self.range.end)
                best = max(best, factor)
        return best


class CalendarWords:
    """The words that could name a day of a range or of its edges, on a wall clock."""

    def __init__(self, time_range: TimeRange, zone: tzinfo) -> None:
        edge = fusion.TIME_EDGE_MAX
        first = (time_range.start - edge).astimezone(zone).date()
        last = (time_range.end + edge - timedelta(microseconds=1)).astimezone(zone).date()
        words = {str(year) for year in range(first.year, last.year + 1)}
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months <= MAX_MONTHS_NAMED:
            for step in range(months):
                month = (first.month - 1 + step) % 12 + 1
                words.update(_MONTH_WORDS[month - 1])
                words.update(_SEASON_WORDS[month % 12 // 3].split())
        self.any_case = sorted(w for w in words if not w[0].isupper())
        capitalised = [w for w in words if w[0].isupper()]
        self.as_written = sorted({*capitalised, *(w.upper() for w in capitalised)})
        spelled = [*(re.escape(w) for w in self.as_written), *(f"(?i:{w})" for w in self.any_case)]
        self._pattern = re.compile(rf"\b(?:{'|'.join(spelled)})\b")

    def names_any(self, text: str) -> bool:
        """Whether the text may hold one of the words: substring tests, which are far
        cheaper than a regular expression over a long message."""
        if any(word in text for word in self.as_written):
            return True
        low = text.lower()
        return any(word in low for word in self.any_case)

    def surroundings(self, text: str) -> list[str]:
        """The stretches of text around each of the words, overlapping ones joined up to
        MAX_PIECE characters, at most MAX_PIECES of them."""
        pieces: list[list[int]] = []
        for found in self._pattern.finditer(text):
            start, end = max(0, found.start() - AROUND), found.end() + AROUND
            if pieces and start <= pieces[-1][1] and end - pieces[-1][0] <= MAX_PIECE:
                pieces[-1][1] = end
            elif len(pieces) == MAX_PIECES:
                break
            else:
                pieces.append([start, end])
        return [text[start:end] for start, end in pieces]
