"""What a message is, as ranking signals: who said it, and how long it is.

A memory holds what a person said and what was said back to them. Someone's own short
statement ("I keep my old sneakers under the bed") is the memory; an assistant's answer to
it restates the question's words and adds general knowledge, often at ten times the length.
BM25's length normalisation is relative to the average message, which such answers inflate,
and a long text matches more of a query's words by sheer size; so both signals are applied
to every message, whatever the conversation. The length factor applies to entries too: a
200-word person page matches a question by the names it repeats (scripts/bench_tree.py).
"""

from __future__ import annotations

from amber.events import is_machine_author

ANSWER_FACTOR = 0.4  # what a machine answered counts for this share of what a person said
LENGTH_PIVOT = 60  # words; messages up to this long are not adjusted
LENGTH_EXPONENT = 0.5  # longer ones by (pivot / words) ** exponent


def role_factor(author: str) -> float:
    """ANSWER_FACTOR for a message written by an assistant, a tool or an agent (its
    subagents' and compaction prompts: ``agent:...``), else 1.0."""
    return ANSWER_FACTOR if is_machine_author(author) else 1.0


def length_factor(text: str) -> float:
    """1.0 up to LENGTH_PIVOT words, then falling with the square root of the length: a
    message four times as long needs twice the evidence to rank alike."""
    words = len(text.split())
    return 1.0 if words <= LENGTH_PIVOT else (LENGTH_PIVOT / words) ** LENGTH_EXPONENT
