"""Telling data from instructions: stored text that reads like orders to an AI.

Amber keeps text from screens, web pages, files and other people's messages. An agent that
reads it back (through MCP, or `amber ask`) must not mistake it for its user's request: that
is prompt injection. `looks_like_instructions` flags such text, and `quote_as_data` renders
text so that an agent sees where it came from and that it is quoted material, not a request.

Flagging only changes how text is shown, never whether it is stored or found, so a false
positive costs a little formatting and a false negative is still quoted when untrusted.
`scripts/bench_injection.py` measures both on the corpus in tests/data/injection/.

- `signals/`: what counts as an order to an AI, per kind and language
- `reading.py`: the text as a model reads it: disguises undone, markup opened, hidden parts
- `decoding.py`: text hidden in base64, hex, escaped bytes or rot13
- `detector.py`: the signals in a text, its score, whether it is flagged
- `quoting.py`: showing stored text to an agent: trusted or not, quoted as data
"""

from __future__ import annotations

from amber.trust.detector import (
    ENCODED,
    FLAG_THRESHOLD,
    HIDDEN,
    flagged_signals,
    instruction_score,
    instruction_signals,
    looks_like_instructions,
)
from amber.trust.quoting import (
    TRUSTED,
    UNTRUSTED,
    UNTRUSTED_SOURCE_KINDS,
    defang,
    needs_quoting,
    quote_as_data,
    source_trust,
)
from amber.trust.reading import normalize
from amber.trust.signals import SIGNALS

__all__ = [
    "ENCODED",
    "FLAG_THRESHOLD",
    "HIDDEN",
    "SIGNALS",
    "TRUSTED",
    "UNTRUSTED",
    "UNTRUSTED_SOURCE_KINDS",
    "defang",
    "flagged_signals",
    "instruction_score",
    "instruction_signals",
    "looks_like_instructions",
    "needs_quoting",
    "normalize",
    "quote_as_data",
    "source_trust",
]
