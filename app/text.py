"""Small text helpers shared by every layer: one line of text, text a file can keep."""

from __future__ import annotations

import re

# Control characters other than tab and newline: a NUL makes a file "binary" to every tool
# (Amber's indexer included), escapes repaint the terminal of whoever reads it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# What a terminal would obey rather than show: escape sequences, C0/C1 controls, and the
# bidirectional controls that can make text read in another order than it is stored.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def one_line(text: str) -> str:
    """Runs of whitespace, newlines included, as one space; no space at either end."""
    return " ".join(text.split())


def storable(text: str) -> str:
    """Text as a markdown file can keep it: line ends made \\n, control characters dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def printable(text: str) -> str:
    """Text as a terminal may show it: no escape sequences, control characters (other than
    newline and tab) or bidirectional controls."""
    return _UNPRINTABLE.sub("", _ANSI.sub("", text.replace("\r\n", "\n")))
