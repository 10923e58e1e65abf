"""Which day an event belongs to, and grouping what a model reads into prompts.

A batch holds at most `most` items (more lines per prompt and small models start to lose
track) and no more tokens than the model's context leaves for them after the
instructions and the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from amber.events import Event

Item = TypeVar("Item")


def event_day(event: Event) -> str:
    return (event.timestamp or event.captured_at or "")[:10]


def make_batches(
    items: list[Item], cost: Callable[[Item], int], budget: int, most: int
) -> list[list[Item]]:
    """Consecutive items in batches of at most `most` items and `budget` tokens (an item
    over the budget on its own still gets a batch)."""
    batches: list[list[Item]] = []
    tokens = 0
    for item in items:
        size = cost(item)
        if not batches or len(batches[-1]) >= most or tokens + size > budget:
            batches.append([])
            tokens = 0
        batches[-1].append(item)
        tokens += size
    return batches
