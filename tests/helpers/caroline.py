"""Caroline and Mel catch up: a short conversation shared by the distiller tests, so that
each tells the same story. Four messages tell something (the lines step 2 selects, as
LINES), two do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amber.events import EventDraft
from amber.service import MemoryService
from helpers.events import store_events

DAY = datetime(2023, 5, 8, 10, 0, tzinfo=UTC)
TALK = [
    ("Caroline", "I moved to Berlin last week, loving it so far."),
    ("Mel", "Wow, so cool! How is your new hobby going?"),
    ("Caroline", "I love pottery, it's my favorite way to relax."),
    ("Mel", "I ran a charity race for mental health last Saturday."),
    ("Caroline", "My sister Anna lives in Utrecht and works as an architect."),
    ("Mel", "That's great, thanks!"),
]
LINES = {  # message id: the zero-LLM line
    "m0": "Caroline moved to Berlin last week (week of 1 May 2023), loving it so far.",
    "m2": "Caroline loves pottery, it's their favorite way to relax "
    "(asked \u201cHow is your new hobby going?\u201d)",
    "m3": "Mel ran a charity race for mental health last Saturday (6 May 2023).",
    "m4": "Caroline's sister Anna lives in Utrecht and works as an architect.",
}


def add_talk(service: MemoryService, talk: list[tuple[str, str]] | None = None) -> None:
    """The conversation (or `talk`) as messages m0, m1, ... a minute apart."""
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            conversation="chat-1",
            message_id=f"m{n}",
            author=who,
            title="Catch-up",
            timestamp=DAY + timedelta(minutes=n),
        )
        for n, (who, text) in enumerate(TALK if talk is None else talk)
    ]
    store_events(service, drafts)
