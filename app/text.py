"""Small text helpers shared by every layer: one line of text, text a file can keep."""

from __future__ import annotations

import re

# Control characters other than tab and newline: a NUL makes a file "binary" to every tool
# (Amber's indexer included), escapes repaint the terminal of whoever reads it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(text: str) -> str:
    """Runs of whitespace, newlines included, as one space; no space at either end."""
    return " ".join(text.split())


def storable(text: str) -> str:
    """Text as a markdown file can keep it: line ends made \\n, control characters dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
