"""Printing: JSON for scripts and agents, rich tables for people. Messages go to stderr.

Stored text is shown through `shown()` (or `safe_markup()` inside rich markup): a memory
captured from a screen, a file or an agent may hold terminal escapes or bidirectional
controls that would repaint the terminal or reorder what a person reads. JSON keeps every
character, with those written as \\u escapes."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from amber.errors import InvalidInputError
from amber.retrieval.hits import WEAK, Hit
from amber.text import BIDI_CONTROLS, printable

console = Console()
err = Console(stderr=True)


def print_json(data: Any) -> None:
    sys.stdout.write(_terminal_safe(json.dumps(_plain(data), ensure_ascii=False, indent=2)) + "\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(_terminal_safe(json.dumps(_plain(data), ensure_ascii=False)) + "\n")
    sys.stdout.flush()


# JSON writes C0 controls as \\u escapes itself; these it would write raw.
_JSON_ESCAPES = {
    ord(c): f"\\u{ord(c):04x}" for c in BIDI_CONTROLS + "".join(map(chr, range(0x7F, 0xA0)))
}


def _terminal_safe(text: str) -> str:
    return text.translate(_JSON_ESCAPES)


def shown(text: str) -> str:
    """Stored text as a terminal may print it (see the module docstring)."""
    return printable(text)


def safe_markup(text: str) -> str:
    """Stored text to put inside rich markup: printable, and its brackets not markup."""
    return escape(printable(text))


def _plain(data: Any) -> Any:
    if hasattr(data, "to_json"):
        return data.to_json()
    if is_dataclass(data) and not isinstance(data, type):
        return asdict(data)
    if isinstance(data, list | tuple):
        return [_plain(d) for d in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


def print_kept_contexts(paths: list[str]) -> None:
    """A context.md a person edited is theirs: say it was left alone, and how to hand it back."""
    for path in paths:
        console.print(
            f"kept {safe_markup(path)}: you edited it, so Amber leaves it as it is "
            "(delete it to have Amber write it again)",
            highlight=False,
        )


def hits_table(query: str, hits: list[Hit]) -> Table:
    table = Table(title=f"recall: {query}", show_lines=False, expand=True)
    table.add_column("score", justify="right", width=7)
    table.add_column("memory", ratio=2)
    table.add_column("snippet", ratio=3)
    for hit in hits:
        where = hit.path or _event_where(hit)
        label = Text(shown(hit.title), style="bold")
        label.append(f"\n{shown(where)}", style="dim")
        if hit.superseded:
            label.append("  (superseded)", style="yellow")
        if hit.match == WEAK:
            label.append("  (weak match)", style="dim italic")
        table.add_row(f"{hit.score:.4f}", label, _highlight(hit.snippet, query))
    return table


def _event_where(hit: Hit) -> str:
    src = hit.sources[0] if hit.sources else None
    if src is None:
        return hit.id
    stamp = (hit.timestamp or "")[:16].replace("T", " ")
    return f"{src.source} {src.conversation or src.uri}#{src.message_id or ''} {stamp}".strip()


def _highlight(snippet: str, query: str) -> Text:
    text = Text(shown(snippet))
    words = [w for w in query.split() if len(w) > 2]
    if words:
        text.highlight_words(words, style="bold magenta", case_sensitive=False)
    return text


def read_stdin() -> str:
    """All of standard input as text; invalid UTF-8 is a one-line error, not a traceback."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"standard input is not valid UTF-8 (byte {exc.start}); convert it first, "
            "e.g. with iconv -f latin1 -t utf-8"
        ) from None
