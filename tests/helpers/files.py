"""Writing files the way the programs that Amber follows write them."""

from __future__ import annotations

from pathlib import Path


def append(path: Path, text: str) -> None:
    """Add `text` at the end of `path`, as a program appending to its transcript or history
    does: what a tailer must pick up from where it stopped."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
