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

import re

from amber.events import is_machine_author

ANSWER_FACTOR = 0.4  # what a machine answered counts for this share of what a person said
LENGTH_PIVOT = 60  # words; messages up to this long are not adjusted
LENGTH_EXPONENT = 0.5  # longer ones by (pivot / words) ** exponent


# A question about what the other side of a conversation said: "remind me what you
# recommended", "in our previous chat ...". Then an assistant's answer is the memory asked
# for, not a restatement of it. ("Remind me" alone is not enough: "remind me where I put
# the keys" asks for what the person said.)
_ASKS_FOR_ANSWERS = re.compile(
    r"\byou(?:'ve| have| had)? (?:said|mentioned|told|suggested|recommended|gave|wrote|"
    r"created|listed|explained|described|provided|shared|proposed|came up with|showed)\b"
    r"|\bdid you (?:say|mention|tell|suggest|recommend|give|write|create|list|explain|"
    r"describe|provide|share|propose|come up with|show)\b"
    r"|\b(?:our|the) (?:previous|last|earlier|past) (?:conversation|chat|discussion|session)s?\b",
    re.IGNORECASE,
)


def asks_for_answers(query: str) -> bool:
    """Whether the query asks what an assistant or agent said rather than what a person did."""
    return bool(_ASKS_FOR_ANSWERS.search(query))


def role_factor(author: str, answers_asked: bool = False) -> float:
    """ANSWER_FACTOR for a message written by an assistant, a tool or an agent (its
    subagents' and compaction prompts: ``agent:...``) unless the query asks for what they
    said, else 1.0."""
    return ANSWER_FACTOR if is_machine_author(author) and not answers_asked else 1.0


def length_factor(text: str) -> float:
    """1.0 up to LENGTH_PIVOT words, then falling with the square root of the length: a
    message four times as long needs twice the evidence to rank alike."""
    words = len(text.split())
    return 1.0 if words <= LENGTH_PIVOT else (LENGTH_PIVOT / words) ** LENGTH_EXPONENT
