"""One entry: its markdown rendered, then its provenance (sources, dates, supersedes)."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from amber.retrieval.hits import SourceRef
from amber.service import EntryView as EntryData

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
        text.append(f"\nproblem: {e.problem}", style="bold italic")
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
    """Shows the entry last opened; `entry` is None while nothing is open."""

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entry: EntryData | None = None
        self.rendered: EntryData | None = None  # the entry once its markdown is drawn

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
        toggled = (self.entry is None) != (data is None)
        self.entry = data  # what actions apply to, at once
        if toggled:  # the actions on an entry are enabled only while one is open
            self.screen.refresh_bindings()
        self.call_later(self.show_entry, data)

    async def show_entry(self, data: EntryData | None) -> None:
        meta = self.query_one("#entry-meta", Static)
        provenance = self.query_one("#entry-provenance", Static)
        provenance.set_class(data is None, "-empty")
        meta.update(Text(EMPTY_TEXT, style="dim") if data is None else meta_text(data))
        provenance.update("" if data is None else provenance_text(data))
        await self.query_one(Markdown).update("" if data is None else linkify(data.entry.body))
        self.scroll_home(animate=False)
        self.rendered = data
