"""The signals: what counts as an order to an AI, one module per kind.

A signal has a name, a weight (2: strong, it flags text on its own; 1: weak, common in
ordinary prose and code, so it needs company), literal needles and regex patterns, all in
lower case (`build.py` says how one is written). Overrides, new personas and requests for
the system prompt are known in French, German, Spanish, Portuguese, Italian, Dutch, Polish,
Russian, Chinese and Japanese as well as in English.

- `overrides.py`: "ignore all previous instructions", "your rules have been revoked"
- `markers.py`: chat-template tokens, role headers, fake ends of what the agent was given
- `addressing.py`: text that speaks to the AI reading it and gives it orders
- `persona.py`: "you are now DAN", "from now on you will", "without any rules"
- `leaks.py`: "reveal your system prompt", "repeat the words above", "verbatim"
- `actions.py`: remote scripts, tool calls, data sent out, secrets asked for, memory wiped
- `vocabulary.py`: words several kinds share (who is an AI, "earlier")
"""

from __future__ import annotations

from amber.trust.signals.actions import ACTIONS, DESTRUCTIVE, REMOTE_CODE
from amber.trust.signals.addressing import ADDRESSES, ORDERS
from amber.trust.signals.build import Signal
from amber.trust.signals.leaks import LEAKS
from amber.trust.signals.markers import CHAT_MARKUP, END_MARKERS
from amber.trust.signals.overrides import OVERRIDES, REVOKED
from amber.trust.signals.persona import PERSONAS

# The detector tries the signals in this order, and a name goes into its findings when it is
# first found: the order decides which of two names of the same weight `instruction_signals`
# lists first (and so what ingest stores with an event). Keep it; add a signal to its run.
SIGNALS: tuple[Signal, ...] = (
    *OVERRIDES,
    *CHAT_MARKUP,
    *REMOTE_CODE,
    *ADDRESSES,
    *PERSONAS,
    *LEAKS,
    *ACTIONS,
    *ORDERS,
    *REVOKED,
    *DESTRUCTIVE,
    *END_MARKERS,
)
