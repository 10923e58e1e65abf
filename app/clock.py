"""Time as Amber stores it: ISO 8601 in UTC with a `Z`, parsed back leniently.

Every timestamp Amber writes (entries' `created`/`updated`, events, the audit log, the
daemon's status) goes through `iso` or `now_iso`, and every one it reads back through
`parse_iso`, so formats cannot drift apart between modules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime, *, seconds: bool = False) -> str:
    """`moment` in UTC as `2023-05-08T13:56:00Z`; a naive time is taken as UTC. Fractions
    of a second are kept unless `seconds` (an imported timestamp keeps its precision)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if seconds:
        moment = moment.replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def now_iso() -> str:
    """Now, to the second: what files and status lines show."""
    return iso(now(), seconds=True)


def parse_iso(text: str | None) -> datetime | None:
    """An ISO 8601 time or date (`2023-05`, `2023-05-08`, `...Z`, `...+02:00`) as an aware
    datetime (UTC when no zone is given); None for anything else."""
    if not text:
        return None
    value = str(text).strip().replace("Z", "+00:00")
    if len(value) == 7:  # "2023-05"
        value += "-01"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def last_weekday(before: date, weekday: int) -> date:
    """The latest `weekday` (0 = Monday) before the day `before`, one to seven days back;
    recall's and the distiller's "last Friday" and "the Friday before last" (a week more)."""
    return before - timedelta(days=(before.weekday() - weekday) % 7 or 7)


def weekday_of_week(around: date, weekday: int, weeks_on: int) -> date:
    """The `weekday` of the week `weeks_on` weeks after the one holding `around` (weeks
    start on Monday): "Wednesday of last week" is weeks_on -1, "next Friday" 1."""
    monday = around - timedelta(days=around.weekday()) + timedelta(weeks=weeks_on)
    return monday + timedelta(days=weekday)


def nearest_weekday(around: date, weekday: int) -> date:
    """The `weekday` (0 = Monday) nearest to `around`, at most three days away either way:
    "the Wednesday two months ago" is read so by recall (amber/retrieval/timephrases.py)
    and by the distiller's dates (amber/distill/dates.py) alike."""
    ahead = (weekday - around.weekday()) % 7
    return around + timedelta(days=ahead if ahead < 4 else ahead - 7)
