"""Time expressions in one chat message, resolved against the day the message was said.

"I went there last week", said on 2023-03-06, is about the week of 2023-02-27. Read
months later, "last week" means nothing; the zero-model distiller writes the dates next to
the words (`annotate`) and dates a statement by the time it is about (`primary_when`).
Pure stdlib and precompiled: it runs on every message, and a message without a time word
costs one tokenising pass.

`find_times` returns each phrase's character span and a `When`: the first and last day
it covers, its grain and a label that `parse_label` reads back:

    day      "2023-05-07"              week     "week of 2023-02-27" (its Monday)
    weekend  "weekend of 2023-05-06"   month    "2023-05"
    season   "summer 2023", "winter 2022-23" (December to February)
    year     "2023"                    decade   "2010s"

What it resolves (English, case-insensitive, whole words):

- days: today, tonight, this morning/afternoon/evening, earlier/later today, yesterday,
  last night, the day before yesterday, tomorrow (morning...), the day after tomorrow;
- counts: "3 days ago", "two weekends ago", "in 5 days", "a month from now" (digits,
  number words up to twenty, a/an, "a couple of" = 2, "a few"/"several": see below);
- calendar: last/this/next week, month, year, weekend; earlier/later this week...;
  "over the weekend";
- weekdays ("on Friday", "last Saturday", "this Sunday", "next Monday"), months ("in May",
  "last March", "early June", "May 2023"), dates ("May 7", "7th of May", "May 7th, 2023",
  "7 May 2023", "2023-05-07"), years ("in 2019", "since 2016"), seasons ("last summer",
  "in the winter of 2019"), decades ("in the 90s", "the 1990s", "the nineties").

Rules for ambiguous cases, each a choice the tests hold:

- Weeks run Monday to Sunday; a weekend is Saturday and Sunday. Seasons are the northern
  hemisphere's meteorological ones: spring March-May, summer June-August, autumn (fall)
  September-November, winter December-February. "winter 2019" is the winter whose
  January is in 2019 (December 2018 to February 2019).
- "last X" is the most recent X strictly before the said day (a weekday), month or season
  (so "last May", said in May 2023, is May 2022; "last summer", said in October 2023, is
  summer 2023, said in July 2023 summer 2022). "next X" is a weekday of the following
  calendar week, as "next week" is (said on a Monday, "next Friday" is 11 days on; said
  on a Saturday, "next Sunday" is 8 days on), else the first X strictly after. "this X"
  is the X of the said week, month or year ("this May" is May of the said year); a
  weekday: the said day if it is one, else the coming one, or the past one in a
  past-tense sentence ("this Saturday", said on a Saturday, is that day); a season: the
  said day's own if it is in one, else that of the said year ("this winter": until June
  the one that ended, then the one ahead). "last/this/next weekend" and "last/next week"
  step whole calendar weeks: "last weekend", said on a Sunday, is the weekend before.
- A bare weekday, month, date or season ("on Friday", "in May", "May 7", "in the summer")
  follows the sentence's tense: the nearest tense marker to the phrase decides ("will",
  "'ll", "going to", "gonna", "let's", "see you", "I'm meeting..." are future; "was",
  "went", "did", "had", "-ed" verbs are past). Future means the coming one (a weekday
  strictly after the said day, a month or date on or after it); past, or no marker at
  all, the most recent one (a weekday strictly before the said day, a month or date not
  after it). "since" always looks back. "in N days" in a past-tense sentence ("I read it
  in 3 days") is a duration, not a date, and is skipped.
- "a few"/"several" are not a number: they resolve one grain coarser around three units,
  which is more honest than a precise day: "a few days ago" is the week holding the day 3
  days back, "a few weeks ago" the month 3 weeks back, "a few months ago" the season 3
  months back, "a few years ago" the year 3 years back. "a couple of" is 2.
- "May" and "March" are verbs too ("I may go", "they march"): they are months only with
  a day number, a year, or a word before them (in, since, during, until, of, last,
  next...); after "this", "by", "early", "late"... only when capitalised ("this may take
  long"). April, June and August are names too and need such a word or a day; month
  abbreviations ("Jan") need one as well. Other months stand alone ("January was cold").
  Weekday abbreviations need on/last/this/next before them, and "Sat"/"Sun" a capital.
  A bare year needs a preposition ("in 2019", "since 2016") and is not a count: a plural
  noun after it ("in 2000 words") makes it one, so "in 2019 prices rose" is missed (with
  a comma it is found). "fall" is a season only after last/this/next or before a year
  ("in the fall" is also an accident); a season without a year needs a word before it
  ("summer was great" is not resolved); two-digit decades need "the" ("in her 30s" is an
  age) and no temperature in the sentence ("highs in the 90s").
- Not resolved: habits and holidays ("every Monday", "Monday to Friday", "Sunday school",
  "Good Friday"), narrative time ("the next day", "the last week of the trip", "two days
  later"), frequencies ("twice a week", "once in a year"), clock units ("wait a second",
  "an hour ago"), and durations: "for 3 years" says how long, not when, and whether it
  started 3 years back depends on the verb ("have lived here for 3 years", "will stay for
  3 years", "was ill for 3 years"), so it is skipped rather than guessed.

Periods are computed on the said time's own calendar: a datetime's wall-clock date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

from amber.clock import last_weekday, nearest_weekday, weekday_of_week

Grain = Literal["day", "week", "weekend", "month", "season", "year", "decade"]
Tense = Literal["past", "future"] | None

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON_NAME = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
_NUMBERS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_NUMBER_VALUE = {word: n for n, word in enumerate(_NUMBERS, start=1)} | {"a": 1, "an": 1}
_DECADE_WORDS = "twenties thirties forties fifties sixties seventies eighties nineties".split()
_COARSE = 3  # what "a few" and "several" stand for, at one grain coarser

# --- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """The days a time phrase covers, and the phrase as written."""

    start: date  # first day covered
    end: date  # last day covered (== start for a day)
    grain: Grain
    phrase: str  # the words as written, e.g. "last Saturday"

    def label(self) -> str:
        """The period as the tree writes it: "2023-05-07", "week of 2023-02-27"..."""
        if self.grain == "day":
            return self.start.isoformat()
        if self.grain in ("week", "weekend"):
            return f"{self.grain} of {self.start.isoformat()}"
        if self.grain == "month":
            return self.start.isoformat()[:7]
        if self.grain == "season":
            return _season_label(self.start)
        if self.grain == "decade":
            return f"{self.start.year:04d}s"
        return f"{self.start.year:04d}"

    def words(self) -> str:
        """The period as people write and ask about it: "7 May 2023", "week of 1 May
        2023", "May 2023"; seasons, years and decades as `label` has them."""
        if self.grain == "day":
            return day_words(self.start)
        if self.grain in ("week", "weekend"):
            return f"{self.grain} of {day_words(self.start)}"
        if self.grain == "month":
            return f"{_MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        return self.label()


def day_words(day: date) -> str:
    """'7 May 2023': a day as people write and ask about it."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


_MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class TimeMention:
    """A resolved time phrase: where it is in the text, and when it means."""

    start: int  # character span in the text
    end: int
    when: When


class _Period(NamedTuple):
    start: date
    end: date
    grain: Grain


@dataclass(frozen=True)
class _Context:
    text: str  # as written: phrases and capitals come from here
    low: str  # lowercased, ’ as ', the same length: rules match here, without IGNORECASE
    said: date


_Resolver = Callable[[re.Match[str], _Context], _Period | None]


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    # Words the message must hold for the rule to run: one of each set.
    triggers: tuple[frozenset[str], ...]
    resolve: _Resolver


# --- the API ----------------------------------------------------------------------------


def find_times(text: str, said: datetime | date) -> list[TimeMention]:
    """Every time phrase in `text` resolved against `said`, in text order, not overlapping
    (where two readings overlap, the longer phrase wins)."""
    low = _lowered(text)
    tokens = set(_TOKEN.findall(low))
    hits = tokens & _ALL_TRIGGERS
    if not hits:
        return []
    context = _Context(text, low, said_day(said))
    found = [mention for rule in _rules_for(hits, tokens) for mention in _mentions(rule, context)]
    return _longest_first(found)


def said_day(said: datetime | date) -> date:
    """The calendar day of `said` (a datetime's own wall clock)."""
    return said.date() if isinstance(said, datetime) else said


def said_label(said: datetime | date) -> str:
    """When the message was said, as a label: "2023-03-06"."""
    return said_day(said).isoformat()


def annotate(text: str, said: datetime | date, label: Callable[[When], str] = When.label) -> str:
    """`text` with each resolved phrase followed by its label in parentheses: "I went
    there last week (week of 2023-02-27)", or with `label=When.words` "(week of 27
    February 2023)". A phrase whose label would repeat it ("on 2023-05-07", "in 2019") or
    that is already followed by its label is left alone, so annotating twice changes
    nothing."""
    parts: list[str] = []
    done = 0
    for mention in find_times(text, said):
        label_text = label(mention.when)
        note = f" ({label_text})"
        if _says(mention.when.phrase, label_text) or text.startswith(note, mention.end):
            continue
        parts += [text[done : mention.end], note]
        done = mention.end
    parts.append(text[done:])
    return "".join(parts)


def _says(phrase: str, label: str) -> bool:
    """Whether a phrase already names its label: "2019", "the summer of 2019"."""
    return label.lower() in " ".join(_FILLER.sub(" ", phrase.lower()).split())


def primary_when(text: str, said: datetime | date) -> When | None:
    """The one time a statement is about: its first resolved time phrase, else None."""
    mentions = find_times(text, said)
    return mentions[0].when if mentions else None


def parse_label(label: str) -> When | None:
    """A label that `When.label` writes, read back (its phrase is the label)."""
    for pattern, read in _LABELS:
        match = pattern.fullmatch(label.strip())
        if match:
            try:
                period = read(match)
            except ValueError:
                return None
            return When(*period, phrase=label) if period else None
    return None


# --- matching ---------------------------------------------------------------------------


def _lowered(text: str) -> str:
    """`text` in lower case with plain apostrophes, character for character (so spans
    carry over to `text`)."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("’", "'")


def _rules_for(hits: set[str], tokens: set[str]) -> list[_Rule]:
    """The rules whose trigger words the message holds, in grammar order."""
    numbers = {number for word in hits for number in _RULES_BY_WORD[word]}
    chosen = [_RULES[number] for number in sorted(numbers)]
    return [
        rule for rule in chosen if all(not group.isdisjoint(tokens) for group in rule.triggers[1:])
    ]


def _mentions(rule: _Rule, context: _Context) -> Iterator[TimeMention]:
    for match in rule.regex.finditer(context.low):
        try:
            period = rule.resolve(match, context)
        except (ValueError, OverflowError):  # a day or year the calendar does not have
            continue
        if period is not None:
            start, end = match.span("body")
            when = When(*period, phrase=context.text[start:end])
            yield TimeMention(start, end, when)


def _longest_first(found: list[TimeMention]) -> list[TimeMention]:
    # "the day before yesterday" over "yesterday", "May 7th, 2023" over "May".
    kept: list[TimeMention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _before(pattern: re.Pattern[str], context: _Context, match: re.Match[str]) -> bool:
    """Whether the words just before the phrase (lead word included) end with `pattern`."""
    start = match.start()
    return pattern.search(context.low, max(0, start - 40), start) is not None


def _after(pattern: re.Pattern[str], context: _Context, match: re.Match[str]) -> bool:
    return pattern.match(context.low, match.end()) is not None


def _capitalised(context: _Context, match: re.Match[str], group: str) -> bool:
    return context.text[match.start(group)].isupper()


def _words(phrase: str | None) -> str:
    """A matched phrase with its spaces made single: "this  past" -> "this past"."""
    return " ".join(phrase.split()) if phrase else ""


def _sentence(low: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence around `low[start:end]`."""
    left = max(low.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    ends = [i for mark in _SENTENCE_ENDS if (i := low.find(mark, end)) >= 0]
    return left, min(ends, default=len(low))


# --- tense ------------------------------------------------------------------------------


_PAST_WORDS = frozenset(
    "was were wasn't weren't did didn't had hadn't went got came saw made took told said "
    "met left found gave bought thought felt ate drove flew ran won lost spent sent began "
    "wrote heard kept brought caught taught stood slept woke became knew grew threw drew "
    "wore broke chose spoke fell forgot paid sold built seen done gone taken given eaten "
    "written known been ago yesterday".split()
)
_FUTURE_WORDS = frozenset(
    "will won't shall gonna wanna let's excited tomorrow soon upcoming".split()
)
_FUTURE_BEFORE_TO = frozenset("going plan plans planning hope hoping want intend about".split())
_FUTURE_PAIRS = frozenset({("see", "you"), ("looking", "forward"), ("can't", "wait")})
_PROGRESSIVE_AFTER = frozenset("i'm we're you're they're he's she's am are".split())
# Adjectives in -ing after "I'm": "I'm amazing" says nothing about when.
_ING_ADJECTIVES = frozenset(
    "amazing interesting exciting boring annoying relaxing inspiring surprising exhausting "
    "stunning charming confusing disappointing frustrating tiring worrying".split()
)
# "I'm tired", "getting married": an -ed adjective after a present "be" is not the past.
_STATE_AFTER = frozenset(
    "am i'm is are we're you're they're be being get getting feel feeling".split()
)
# -ed words that are not past verbs.
_NOT_PAST = frozenset(
    "need feed seed speed indeed weed breed bleed greed proceed succeed exceed hundred "
    "sacred naked wicked shed embed supposed".split()
)
# Words, and asides in parentheses to pass over: "spring (spring 2023) ago" is read as
# "spring ago", so that annotate() does not change how a second run reads the tense.
_WORD = re.compile(r"\([^()]*\)|[a-z]+(?:'[a-z]+)?")
_SENTENCE_ENDS = ".!?;\n"


def _tense(context: _Context, match: re.Match[str]) -> Tense:
    """The tense of the sentence around the phrase: the nearest marker in words decides
    (the one before it on a tie)."""
    low, start, end = context.low, match.start(), match.end()
    left, right = _sentence(low, start, end)
    before = [word for word in _WORD.findall(low, left, start) if word[0] != "("]
    after = [word for word in _WORD.findall(low, end, right) if word[0] != "("]
    words = [*before, "", *after]  # "": the phrase
    middle = len(before)
    for step in range(1, max(middle + 1, len(words) - middle)):
        for index in (middle - step, middle + step):
            kind = _word_tense(words, index) if 0 <= index < len(words) else None
            if kind is not None:
                return kind
    return None


def _word_tense(words: list[str], index: int) -> Tense:
    """Whether the word at `index` marks the past, the future, or neither."""
    word = words[index]
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if word in _PAST_WORDS or (word == "used" and after == "to"):
        return "past"
    if word in ("going", "gonna") and before in ("was", "were"):
        return "past"  # "I was going to go on Friday": it did not happen
    if word in _FUTURE_WORDS or word.endswith("'ll"):
        return "future"
    if (word in _FUTURE_BEFORE_TO and after == "to") or (word, after) in _FUTURE_PAIRS:
        return "future"
    if word.endswith("ing") and before in _PROGRESSIVE_AFTER and word not in _ING_ADJECTIVES:
        return "future"  # "I'm meeting her on Friday"
    if word.endswith("ed") and len(word) > 3 and word not in _NOT_PAST:
        return None if before in _STATE_AFTER else "past"
    return None


def _looks_ahead(context: _Context, match: re.Match[str], lead: str | None) -> bool:
    """Whether a bare weekday, month or season means the coming one."""
    if lead == "since":
        return False
    return _tense(context, match) == "future"


# --- calendar arithmetic ----------------------------------------------------------------


def _day(d: date) -> _Period:
    return _Period(d, d, "day")


def _week(d: date) -> _Period:
    monday = d - timedelta(days=d.weekday())
    return _Period(monday, monday + timedelta(days=6), "week")


def _weekend(saturday: date) -> _Period:
    return _Period(saturday, saturday + timedelta(days=1), "weekend")


def _month(year: int, month: int) -> _Period:
    last = calendar.monthrange(year, month)[1]
    return _Period(date(year, month, 1), date(year, month, last), "month")


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    shifted, index = divmod(year * 12 + month - 1 + months, 12)
    return shifted, index + 1


def _year(year: int) -> _Period:
    return _Period(date(year, 1, 1), date(year, 12, 31), "year")


def _decade(first: int) -> _Period:
    return _Period(date(first, 1, 1), date(first + 9, 12, 31), "decade")


def _season(name: str, year: int) -> _Period:
    """The season `name` that starts in `year` (winter runs into the next year)."""
    first = _SEASON_START[name]
    end_year, end_month = _shift_month(year, first, 2)
    end = date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return _Period(date(year, first, 1), end, "season")


def _season_holding(d: date) -> _Period:
    first = (d.month // 3 * 3) or 12  # Jan, Feb -> the winter that began in December
    return _season(_SEASON_NAME[first], d.year - (d.month < 3))


def _season_label(start: date) -> str:
    name = _SEASON_NAME[start.month]
    if name == "winter":
        return f"winter {start.year:04d}-{(start.year + 1) % 100:02d}"
    return f"{name} {start.year:04d}"


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3]) + 1


def _weekday_number(name: str) -> int:
    return _WEEKDAYS.index(name[:3])


def _valid_year(year: int) -> bool:
    return 1000 <= year <= 9998


# --- resolvers: relative days -----------------------------------------------------------


def _resolve_days(match: re.Match[str], context: _Context) -> _Period | None:
    if match["rel"]:
        base = -1 if match["rel"] == "yesterday" else 1
        offset = base + (-1 if match["dir"] == "before" else 1)
    elif match["one"]:
        offset = -1 if match["one"] == "yesterday" else 1
    else:
        offset = -1 if match["body"].startswith("last") else 0
    return _day(context.said + timedelta(days=offset))


# --- resolvers: counted units -----------------------------------------------------------


def _quantity(words: str) -> tuple[int, bool]:
    """How many units a quantity names, and whether it is vague ("a few")."""
    words = _words(words)
    if words.isdigit():
        return int(words), False
    if "couple" in words:
        return 2, False
    if "few" in words or words == "several":
        return _COARSE, True
    return _NUMBER_VALUE[words], False


def _counted(said: date, unit: str, words: str, sign: int) -> _Period:
    count, vague = _quantity(words)
    return _roughly(said, unit, sign) if vague else _stepped(said, unit, sign * count)


def _stepped(said: date, unit: str, steps: int) -> _Period:
    """The `unit` that is `steps` whole units from the said day's (back when negative)."""
    if unit == "day":
        return _day(said + timedelta(days=steps))
    if unit == "week":
        return _week(said + timedelta(weeks=steps))
    if unit == "weekend":
        monday = said - timedelta(days=said.weekday())
        return _weekend(monday + timedelta(weeks=steps, days=5))
    if unit == "month":
        return _month(*_shift_month(said.year, said.month, steps))
    return _year(said.year + steps)


def _roughly(said: date, unit: str, sign: int) -> _Period:
    """For "a few `unit`s" back (or ahead): the period one grain coarser that holds the
    day three units away."""
    if unit == "day":
        return _week(said + timedelta(days=sign * _COARSE))
    if unit in ("week", "weekend"):
        moved = said + timedelta(weeks=sign * _COARSE)
        return _month(moved.year, moved.month)
    if unit == "month":
        year, month = _shift_month(said.year, said.month, sign * _COARSE)
        return _season_holding(date(year, month, 1))
    return _year(said.year + sign * _COARSE)


def _resolve_ago(match: re.Match[str], context: _Context) -> _Period | None:
    return _counted(context.said, match["unit"], match["n"], -1)


_DURATION_HINT = re.compile(
    r"\b(?:times?|once|twice|thrice|ever|best|worst|most|least|only|first|longest|"
    r"highest|lowest|biggest|hottest|coldest|warmest)\b"
)
_OF_AFTER = re.compile(r"\s+of\b")


def _resolve_in(match: re.Match[str], context: _Context) -> _Period | None:
    # "the first time in 3 years", "I read it in 3 days", "in 2 years of marriage":
    # durations, not dates.
    if _after(_OF_AFTER, context, match) or _tense(context, match) == "past":
        return None
    if _DURATION_HINT.search(_sentence_before(context, match)):
        return None
    return _counted(context.said, match["unit"], match["n"], 1)


def _resolve_from_now(match: re.Match[str], context: _Context) -> _Period | None:
    return _counted(context.said, match["unit"], match["n"], 1)


def _sentence_before(context: _Context, match: re.Match[str]) -> str:
    left, _ = _sentence(context.low, match.start(), match.end())
    return context.low[left : match.start()]


# --- resolvers: calendar weeks, months, years, weekends ---------------------------------

_THE_BEFORE = re.compile(r"\bthe\s+\Z")
_STEPS = {"last": -1, "previous": -1, "this past": -1, "this": 0, "this coming": 1, "next": 1}


def _resolve_calendar(match: re.Match[str], context: _Context) -> _Period | None:
    # "the last week of May", "the next year": narrative, or a rolling window.
    if _before(_THE_BEFORE, context, match):
        return None
    which, unit = _words(match["which"]), match["unit"]
    if which == "this past" and unit != "weekend":
        return None  # "this past year": the last twelve months, not a calendar year
    said = context.said
    step = _STEPS[which]
    if which == "this coming" and unit == "weekend":
        step = int(said.weekday() >= 5)  # the weekend ahead: this week's until it starts
    return _stepped(said, unit, step)


def _resolve_the_weekend(match: re.Match[str], context: _Context) -> _Period | None:
    said = context.said
    if _looks_ahead(context, match, match["lead"]) and said.weekday() < 5:
        return _weekend(said + timedelta(days=5 - said.weekday()))
    return _weekend(said - timedelta(days=(said.weekday() - 5) % 7))


# --- resolvers: weekdays ----------------------------------------------------------------

_NOTE = r"(?:\s+\([^()]*\))?"
_NOT_A_DAY_BEFORE = re.compile(
    r"\b(?:every|each|any|some|most|one|a|the|good|black|cyber|easter|palm|ash|holy|maundy|"
    # "(2023-03-06)" in "today's (2023-03-06) Friday": what annotate() wrote after "today's"
    rf"bloody|man|girl|(?:it|today|tonight){_NOTE}\s*(?:is|'s){_NOTE}(?:\s+a)?)\s+\Z"
    rf"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day{_NOTE}\s*(?:-|–|to|through|thru)\s*\Z"
)
_NOT_A_DAY_AFTER = re.compile(
    r"\s+(?:school|best|roast|papers?|drivers?|league)\b"
    r"|\s*(?:-|–|to|through|thru)\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
)


def _resolve_weekday(match: re.Match[str], context: _Context) -> _Period | None:
    if not _weekday_fits(match, context):
        return None
    said, which, lead = context.said, _words(match["which"]), match["lead"]
    wanted = _weekday_number(match["wd"])
    behind = (said.weekday() - wanted) % 7  # days back to the latest one, 0 = the said day
    ahead = (wanted - said.weekday()) % 7
    if which == "next":
        return _day(weekday_of_week(said, wanted, 1))
    if which == "this":
        if _tense(context, match) == "past":
            return _day(said - timedelta(days=behind))
        return _day(said + timedelta(days=ahead))
    if which in ("coming", "this coming") or (not which and _looks_ahead(context, match, lead)):
        return _day(said + timedelta(days=ahead or 7))
    return _day(last_weekday(said, wanted))


def _resolve_weekday_of(match: re.Match[str], context: _Context) -> _Period | None:
    """A weekday pinned to another period: "Wednesday of last week", "the Friday before
    last", "the Wednesday two months ago" (the one nearest to that day)."""
    said, wanted = context.said, _weekday_number(match["wd"])
    if match["before"]:
        return _day(last_weekday(said, wanted) - timedelta(weeks=1))
    if match["week"]:
        steps = {"last": -1, "this": 0, "next": 1}[match["week"]]
        return _day(weekday_of_week(said, wanted, steps))
    count, vague = _quantity(match["n"])
    if vague:
        return None
    return _day(nearest_weekday(_units_before(said, match["unit"], count), wanted))


def _units_before(said: date, unit: str, count: int) -> date:
    """The day `count` units before the said day (a month back from 31 March: 28 February)."""
    if unit in ("day", "week", "weekend"):
        return said - timedelta(days=count * (1 if unit == "day" else 7))
    year, month = _shift_month(said.year, said.month, -count * (12 if unit == "year" else 1))
    return date(year, month, min(said.day, calendar.monthrange(year, month)[1]))


def _weekday_fits(match: re.Match[str], context: _Context) -> bool:
    name, which, lead = match["wd"], match["which"], match["lead"]
    if not name.endswith("day"):  # "mon", "sat", "sun", "wed" are words too
        if not (which or lead):
            return False
        if name in ("sat", "sun") and not _capitalised(context, match, "wd"):
            return False
    if which:
        return not _before(_THE_BEFORE, context, match)
    if lead:
        return not _after(_NOT_A_DAY_AFTER, context, match)
    # "every Monday", "Good Friday", "today is Friday", "Sunday school", "Monday to Friday".
    return not (
        _before(_NOT_A_DAY_BEFORE, context, match) or _after(_NOT_A_DAY_AFTER, context, match)
    )


# --- resolvers: months and dates --------------------------------------------------------

_VERB_MONTHS = ("may", "march")
# Months that are no other word: they stand alone ("January was cold"); April, June and
# August are people's names too.
_PLAIN_MONTHS = frozenset("january february july september october november december".split())
# Words before "may"/"march" that make it a month whatever its case.
_MONTH_LEADS = frozenset(
    "in since during until till of from through throughout back last next".split()
)


def _resolve_month(match: re.Match[str], context: _Context) -> _Period | None:
    number = _month_number(match["month"])
    if match["year"]:
        return _month(int(match["year"]), number)
    if not _month_fits(match, context):
        return None
    said, which = context.said, _words(match["which"])
    if which in ("last", "previous", "this past"):
        return _month(said.year - (number >= said.month), number)
    if which in ("next", "this coming"):
        return _month(said.year + (number <= said.month), number)
    if which == "this":
        return _month(said.year, number)
    if _looks_ahead(context, match, match["lead"]):
        return _month(said.year + (number < said.month), number)
    return _month(said.year - (number > said.month), number)


def _month_fits(match: re.Match[str], context: _Context) -> bool:
    word = match["month"]
    if match["which"] and _before(_THE_BEFORE, context, match):
        return False  # "the next may be better"
    if not (match["which"] or match["part"] or match["lead"]):
        return word in _PLAIN_MONTHS
    if word in _VERB_MONTHS and not _capitalised(context, match, "month"):
        cues = {cue.split()[0] for cue in (match["lead"], match["which"]) if cue}
        return not cues.isdisjoint(_MONTH_LEADS)
    return True


def _resolve_month_day(match: re.Match[str], context: _Context) -> _Period | None:
    name, day = match["month"], int(match["day"])
    # "you may 2x it", "3 may be enough": a verb unless an ordinal, "of" or a year.
    verb = name in _VERB_MONTHS and not _capitalised(context, match, "month")
    if verb and not (match["ord"] or match["year"] or match.groupdict().get("of")):
        return None
    number = _month_number(name)
    if match["year"]:
        return _day(date(int(match["year"]), number, day))
    return _nearest_date(context, match, number, day)


def _nearest_date(context: _Context, match: re.Match[str], month: int, day: int) -> _Period:
    said = context.said
    ahead = _looks_ahead(context, match, None)
    if ahead:
        first, step = said.year + ((month, day) < (said.month, said.day)), 1
    else:
        first, step = said.year - ((month, day) > (said.month, said.day)), -1
    for year in range(first, first + 8 * step, step):  # Feb 29 waits for a leap year
        if calendar.isleap(year) or (month, day) != (2, 29):
            return _day(date(year, month, day))
    raise ValueError("no such day")


# --- resolvers: years, seasons, decades, ISO dates --------------------------------------

# After "in 2000": a count of things ("in 2000 words", "since 2016 people"), not a year.
_COUNTED_AFTER = re.compile(
    r"(?:\s+(?!(?:was|is|has|his|its|this|thus|plus|always|perhaps|as|us|yes)\b)"
    r"[a-z]+s\b|\s*(?:%|k\b|km\b|kg\b|lb\b|mi\b|ft\b|people\b|men\b|women\b|children\b|"
    r"staff\b|feet\b))"
)


def _resolve_year(match: re.Match[str], context: _Context) -> _Period | None:
    if _after(_COUNTED_AFTER, context, match):
        return None
    return _year(int(match["year"]))


_SPRING_THINGS = re.compile(r"\s+(?:water|onions?|rolls?|cleaning|chicken|mattress|board)\b")


def _resolve_season(match: re.Match[str], context: _Context) -> _Period | None:
    name = "autumn" if match["season"] == "fall" else match["season"]
    if match["year"]:
        year = int(match["year"])
        return _season(name, year - (name == "winter"))
    if not _season_fits(match, context):
        return None
    said, which = context.said, _words(match["which"])
    now = _season_holding(said)
    if which == "this":
        return now if _SEASON_NAME[now.start.month] == name else _season_this(name, said)
    if which in ("last", "previous", "this past"):
        return _season_ended(name, said)
    if which in ("next", "this coming"):
        return _season_starting(name, said)
    if _looks_ahead(context, match, match["lead"]):
        return _season_not_over(name, said)
    return _season_begun(name, said)


def _season_fits(match: re.Match[str], context: _Context) -> bool:
    if match["season"] == "fall" and not match["which"]:
        return False  # "in the fall" is also an accident; "last fall" is not
    if match["which"]:
        return not _before(_THE_BEFORE, context, match)
    if match["season"] == "spring" and _after(_SPRING_THINGS, context, match):
        return False
    return match["lead"] is not None  # "summer was great", "summer of love": no anchor


def _season_this(name: str, said: date) -> _Period:
    """For "this summer": the summer of the said year, as "this May" is. "this winter":
    until June the one whose January is in the said year, then the one ahead."""
    if name != "winter":
        return _season(name, said.year)
    return _season(name, said.year - (said.month <= 6))


def _season_ended(name: str, said: date) -> _Period:
    year = said.year
    while _season(name, year).end >= said:
        year -= 1
    return _season(name, year)


def _season_starting(name: str, said: date) -> _Period:
    year = said.year - 1
    while _season(name, year).start <= said:
        year += 1
    return _season(name, year)


def _season_begun(name: str, said: date) -> _Period:
    year = said.year
    while _season(name, year).start > said:
        year -= 1
    return _season(name, year)


def _season_not_over(name: str, said: date) -> _Period:
    year = said.year - 1
    while _season(name, year).end < said:
        year += 1
    return _season(name, year)


_TEMPERATURE = re.compile(
    r"\b(?:temp\w*|degrees?|weather|hot|warm|cold|heat|highs?|lows?|outside|fahrenheit|"
    r"celsius)\b|°"
)


def _resolve_decade(match: re.Match[str], context: _Context) -> _Period | None:
    if match["full"]:
        return _decade(int(match["full"]))
    if not match["the"] or _TEMPERATURE.search(_sentence_of(context, match)):
        return None  # "in her 30s" is an age, "highs in the 90s" a temperature
    tens = int(match["two"]) if match["two"] else _decade_word(match["word"])
    # The latest such decade that has begun: "the 20s" said in 2023 are the 2020s.
    begun = [century + tens for century in (1900, 2000) if century + tens <= context.said.year]
    return _decade(max(begun, default=1900 + tens))


def _decade_word(word: str) -> int:
    return (_DECADE_WORDS.index(word) + 2) * 10  # "twenties" -> 20


def _sentence_of(context: _Context, match: re.Match[str]) -> str:
    return context.low[slice(*_sentence(context.low, match.start(), match.end()))]


def _resolve_iso(match: re.Match[str], context: _Context) -> _Period | None:
    year, month = int(match["y"]), int(match["m"])
    if not _valid_year(year):
        return None
    if match["d"]:
        return _day(date(year, month, int(match["d"])))
    return _month(year, month)


# --- the grammar ------------------------------------------------------------------------


def _alternatives(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WD_FULL = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WD_ABBR = r"mon|tues?|wed|thu(?:rs?)?|fri|sat|sun"
_MONTH = (
    r"(?P<month>january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_ORDINAL = r"(?P<day>[0-3]?\d)(?P<ord>st|nd|rd|th)?"
_QTY = (
    r"(?P<n>\d{1,3}|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few|several|"
    + _alternatives(_NUMBERS)
    + r"|an?)"
)
_UNIT = r"(?P<unit>day|weekend|week|month|year)s?"
_WHICH = r"(?P<which>last|next|previous|this\s+past|this\s+coming|this)"

_MONTH_WORDS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sept sep oct nov dec"
)
_WEEKDAY_WORDS = (
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun"
)
_DIGITS = "0 1 2 3 4 5 6 7 8 9"
_UNITS = "day days week weeks weekend weekends month months year years"
_YEAR_LEADS = (
    "in since during by until till before after from through throughout circa early late mid"
)


def _rule(pattern: str, triggers: str, resolve: _Resolver) -> _Rule:
    """A rule; `triggers` is word lists joined by "+": "week month + last next"."""
    # Rules run on the lowercased text: a third of the time IGNORECASE takes. The look-ahead
    # lets the scanner skip the spaces and word ends where no phrase can start.
    regex = re.compile(rf"(?=[a-z0-9]){pattern}")
    groups = tuple(frozenset(words.split()) for words in triggers.split("+"))
    return _Rule(regex, groups, resolve)


_RULES = (
    _rule(
        r"\b(?P<body>(?:the\s+)?day\s+(?P<dir>before|after)\s+(?P<rel>yesterday|tomorrow)"
        r"|(?:(?:earlier|later)\s+)?(?:today|tonight)(?:'s)?"
        r"|this\s+(?:morning|afternoon|evening)"
        r"|(?P<one>yesterday|tomorrow)(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?"
        r"|last\s+night)\b",
        "today tonight yesterday tomorrow morning afternoon evening night",
        _resolve_days,
    ),
    _rule(rf"\b(?P<body>{_QTY}\s+{_UNIT}\s+ago)\b", "ago", _resolve_ago),
    _rule(rf"\b(?P<body>in\s+{_QTY}\s+{_UNIT})\b", f"{_UNITS} + in", _resolve_in),
    _rule(
        rf"\b(?P<body>{_QTY}\s+{_UNIT}\s+from\s+(?:now|today))\b",
        f"{_UNITS} + from",
        _resolve_from_now,
    ),
    _rule(
        rf"\b(?P<body>(?:(?:earlier|later)\s+)?{_WHICH}\s+(?P<unit>weekend|week|month|year))\b",
        "week weekend month year + last next this previous",
        _resolve_calendar,
    ),
    _rule(
        r"\b(?P<lead>over|on|at|during|for|since|until|till|by|after|before)\s+"
        r"(?P<body>the\s+weekend)\b",
        "weekend + the",
        _resolve_the_weekend,
    ),
    _rule(
        rf"\b(?P<body>(?:the\s+)?(?P<wd>{_WD_FULL})\s+(?:(?:of\s+)?(?P<week>last|this|next)\s+"
        rf"week|(?P<before>before\s+last)|{_QTY}\s+{_UNIT}\s+ago))\b",
        _WD_FULL.replace("|", " "),
        _resolve_weekday_of,
    ),
    _rule(
        r"\b(?:(?P<lead>on|since|by|until|till|before|after|from)\s+)?"
        r"(?P<body>(?:(?P<which>last|next|this\s+past|this\s+coming|this|coming)\s+)?"
        rf"(?P<wd>{_WD_FULL}|{_WD_ABBR})(?:'s)?)\b",
        _WEEKDAY_WORDS,
        _resolve_weekday,
    ),
    _rule(
        r"\b(?:(?P<lead>in|since|during|until|till|by|before|after|from|of|through|"
        r"throughout|back\s+in)\s+)?"
        rf"(?P<body>(?:{_WHICH}\s+|(?P<part>early|mid|late|the\s+(?:end|beginning|start|"
        rf"middle)\s+of)[\s-]+)?{_MONTH}(?:,?\s+(?:of\s+)?{_YEAR})?)\b",
        _MONTH_WORDS,
        _resolve_month,
    ),
    _rule(
        rf"\b(?P<body>(?:(?:{_WD_FULL}),?\s+)?{_MONTH}\.?\s+(?:the\s+)?{_ORDINAL}"
        rf"(?:,?\s+{_YEAR})?)\b",
        f"{_MONTH_WORDS} + {_DIGITS}",
        _resolve_month_day,
    ),
    _rule(
        rf"\b(?P<body>(?:(?:{_WD_FULL}),?\s+)?(?:the\s+)?{_ORDINAL}\s+(?P<of>of\s+)?"
        rf"{_MONTH}\.?(?:,?\s+{_YEAR})?)\b",
        f"{_MONTH_WORDS} + {_DIGITS}",
        _resolve_month_day,
    ),
    _rule(
        rf"\b(?:{_YEAR_LEADS.replace(' ', '|')})[\s-]+(?P<body>{_YEAR})\b(?![.,]\d)",
        f"{_DIGITS} + {_YEAR_LEADS}",
        _resolve_year,
    ),
    _rule(
        # Not "by": "inspired by autumn".
        r"\b(?:(?P<lead>in|during|over|through|throughout|since|until|till|before|after|"
        rf"from)\s+)?(?P<body>(?:{_WHICH}\s+|the\s+)?(?:(?:early|mid|late)[\s-]+)?"
        r"(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?"
        # not "winter 2022" in our own label "winter 2022-23"
        rf"{_YEAR}(?!-\d))?)\b",
        "spring summer autumn fall winter",
        _resolve_season,
    ),
    _rule(
        r"\b(?P<body>(?P<the>the\s+)?(?:(?:early|mid|late)[\s-]+)?"
        r"(?:(?P<full>1[89]\d0|20\d0)'?s|'?(?P<two>\d0)'?s|"
        rf"(?P<word>{_alternatives(_DECADE_WORDS)})))\b",
        f"{_DIGITS} {' '.join(_DECADE_WORDS)} + s {' '.join(_DECADE_WORDS)}",
        _resolve_decade,
    ),
    _rule(
        r"(?<![\w-])(?P<body>(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>\d{2}))?)(?![\d-])",
        _DIGITS,
        _resolve_iso,
    ),
)
_TOKEN = re.compile(r"[a-z]+|\d")
_FILLER = re.compile(r"\b(?:the|of)\b|,")
_ALL_TRIGGERS = frozenset().union(*(rule.triggers[0] for rule in _RULES))
_RULES_BY_WORD = {
    word: tuple(n for n, rule in enumerate(_RULES) if word in rule.triggers[0])
    for word in _ALL_TRIGGERS
}


# --- labels read back -------------------------------------------------------------------

_ISO_DAY = r"(\d{4}-\d{2}-\d{2})"


def _label_day(match: re.Match[str]) -> _Period:
    return _day(date.fromisoformat(match[1]))


def _label_week(match: re.Match[str]) -> _Period | None:
    monday = date.fromisoformat(match[1])
    return _week(monday) if monday.weekday() == 0 else None


def _label_weekend(match: re.Match[str]) -> _Period | None:
    saturday = date.fromisoformat(match[1])
    return _weekend(saturday) if saturday.weekday() == 5 else None


def _label_month(match: re.Match[str]) -> _Period:
    return _month(int(match[1]), int(match[2]))


def _label_season(match: re.Match[str]) -> _Period | None:
    name, year = match[1], int(match[2])
    if name == "winter" and (match[3] is None or int(match[3]) != (year + 1) % 100):
        return None
    if name != "winter" and match[3] is not None:
        return None
    return _season(name, year)


def _label_year(match: re.Match[str]) -> _Period:
    return _year(int(match[1]))


def _label_decade(match: re.Match[str]) -> _Period | None:
    first = int(match[1])
    return _decade(first) if first % 10 == 0 else None


_LABELS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Period | None]], ...] = (
    (re.compile(_ISO_DAY), _label_day),
    (re.compile(rf"week of {_ISO_DAY}"), _label_week),
    (re.compile(rf"weekend of {_ISO_DAY}"), _label_weekend),
    (re.compile(r"(\d{4})-(\d{2})"), _label_month),
    (re.compile(r"(spring|summer|autumn|winter) (\d{4})(?:-(\d{2}))?"), _label_season),
    (re.compile(r"(\d{4})"), _label_year),
    (re.compile(r"(\d{4})s"), _label_decade),
)
