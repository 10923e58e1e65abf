"""One entry: its markdown rendered, then its provenance (sources, dates, supersedes).

The same pane previews a captured event (a search result that is a message, not an
entry), and, in a home with nothing in it yet, says what Amber is and how to begin."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from amber.events import Event
from amber.retrieval.hits import SourceRef
from amber.service import EntryView as EntryData
from amber.tui.welcome import WELCOME_BODY, WELCOME_TITLE

WIKILINK = re.compile(r"\[\[([^\]|#\n]+)(?:#[^\]|\n]*)?(?:\|([^\]\n]*))?\]\]")
LINK_SCHEME = "amber:"
EMPTY_TEXT = "Choose an entry in the tree (Enter), or press / to search."


def linkify(body: str) -> str:
    """[[Name]] becomes a markdown link that the view follows to the entry called Name."""

    def link(match: re.Match[str]) -> str:
        target = match.group(1).strip()
        shown = (match.group(2) or target).strip()
        return f"[{shown}](<{LINK_SCHEME}{target}>)"

    return WIKILINK.sub(link, body)


def source_line(number: int, src: SourceRef) -> Text:
    line = Text(f" {number} ")
    if src.event is None:  # a reference Amber holds no event for (a file, a URL, an old ref)
        line.append(src.uri)
        line.append("  (not a stored event)", style="dim italic")
        return line
    where = src.conversation or src.uri
    line.append(src.source, style="bold")
    line.append(f" {where}#{src.message_id}" if src.message_id else f" {where}")
    if src.timestamp:
        line.append(f"  {src.timestamp[:16].replace('T', ' ')}", style="dim")
    return line


def meta_text(data: EntryData) -> Text:
    e = data.entry
    text = Text()
    text.append(e.title, style="bold")
    facts = [e.kind] + ([f"valid from {e.valid_from}"] if e.valid_from else [])
    facts += [f"tags: {', '.join(e.tags)}"] if e.tags else []
    facts += [f"aliases: {', '.join(e.aliases)}"] if e.aliases else []
    text.append("\n" + " · ".join(facts), style="dim")
    text.append(f"\n{e.path}", style="dim")
    text.append(f"\nid {e.id}", style="dim")
    text.append(f"\ncreated {_day(e.created)} · updated {_day(e.updated)}", style="dim")
    if e.problem:
        text.append(f"\nThis file could not be read as an entry: {e.problem}.", "bold italic")
        text.append("\nIt is kept as it is and found as plain text; e opens it to fix.", "italic")
    return text


def event_header(event: Event) -> Text:
    """Where a captured event comes from, when, and who wrote it."""
    where = event.conversation or event.uri
    text = Text.assemble((f"{event.source} · {where}", "bold"))
    if event.message_id:
        text.append(f" #{event.message_id}", style="bold")
    stamp = (event.timestamp or event.captured_at or "")[:16].replace("T", " ")
    text.append(f"\n{stamp}", style="dim")
    if event.author:
        text.append(f" · by {event.author}", style="dim")
    text.append(f" · event {event.id}", style="dim")
    if event.trust != "trusted":
        text.append("\ncaptured text: data to read, never instructions", style="italic")
    if event.uri and event.uri != where:
        text.append(f"\n{event.uri}", style="dim")
    return text


def provenance_text(data: EntryData) -> Text:
    e = data.entry
    text = Text()
    text.append("Provenance", style="bold underline")
    if data.sources:
        text.append("  v: open the events behind it", style="dim")
        for number, src in enumerate(data.sources, 1):
            text.append("\n")
            text.append_text(source_line(number, src))
    else:
        text.append("\n no sources recorded (written by hand)", style="dim")
    if e.supersedes:
        text.append(f"\nsupersedes: {', '.join(e.supersedes)}")
    if e.superseded_by:
        text.append(f"\nsuperseded by: {', '.join(e.superseded_by)}", style="italic")
    text.append(f"\nimportance {data.importance:.2f} · read {data.access_count} times", "dim")
    return text


def _day(stamp: str | None) -> str:
    return (stamp or "?")[:10]


class EntryPanel(VerticalScroll):
    """Shows the entry last opened; `entry` is None while nothing is open (an event or the
    first-run guide may be shown then)."""

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entry: EntryData | None = None
        self.rendered: EntryData | None = None  # the entry once its markdown is drawn
        self.event: Event | None = None  # the event previewed instead of an entry
        self.welcome = False  # the first-run guide is shown

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY_TEXT, style="dim"), id="entry-meta")
        yield Markdown(id="entry-body", open_links=False)
        yield Static(id="entry-provenance", classes="-empty")

    def show(self, data: EntryData | None) -> None:
        """Show `data` once the entries asked for before it are drawn.

        Drawing runs on this widget's own message queue, one at a time: a newer
        Markdown.update would cancel one in progress, and the cancelled await could leave
        a message loop waiting forever.
        """
        self._set_entry(data)
        self.event = None
        self.welcome = False
        self.call_later(self.show_entry, data)

    def show_event(self, event: Event) -> None:
        """Preview a captured event; entry actions do not apply to it."""
        self._set_entry(None)
        self.event = event
        self.welcome = False
        self.call_later(self._draw, event_header(event), event.text, None)

    def show_welcome(self) -> None:
        """What Amber is and how to begin, for a home with nothing in it yet."""
        if self.entry is None and self.event is None and not self.welcome:
            self.welcome = True
            self.call_later(self._draw, Text(WELCOME_TITLE, style="bold"), WELCOME_BODY, None)

    def _set_entry(self, data: EntryData | None) -> None:
        toggled = (self.entry is None) != (data is None)
        self.entry = data  # what actions apply to, at once
        if toggled:  # the actions on an entry are enabled only while one is open
            self.screen.refresh_bindings()

    async def show_entry(self, data: EntryData | None) -> None:
        if data is None:
            await self._draw(Text(EMPTY_TEXT, style="dim"), "", None)
        else:
            await self._draw(meta_text(data), linkify(data.entry.body), provenance_text(data))
        self.rendered = data

    async def _draw(self, meta: Text, markdown: str, provenance: Text | None) -> None:
        shown = self.query_one("#entry-provenance", Static)
        shown.set_class(provenance is None, "-empty")
        self.query_one("#entry-meta", Static).update(meta)
        shown.update(provenance or "")
        await self.query_one(Markdown).update(markdown)
        self.scroll_home(animate=False)
