"""The detector: whether a text reads like orders to an AI.

The text is read the way a model reads it (`reading.py`) and searched for the signals of
`signals/`, each name counted once, at its weight. A strong signal (a chat-template token,
"ignore all previous instructions", a fake "END OF TOOL RESULT" line) flags text on its
own; a weak one ("use the search tool to", "from now on you will") is common in ordinary
prose and code, so it needs company: text is flagged at a score of `FLAG_THRESHOLD`.

What a person does not see is read once more, each kind as one text:
- comments, HTML hidden by its style, tag characters (`reading.hidden_parts`): an order
  found there counts once more ("hidden text"), since nobody hides a note from its reader;
- base64, hex and escaped runs that decode to text, and rot13 text (`decoding.py`): the
  signals found there count, and an order among them once more ("encoded text").
"""

from __future__ import annotations

from amber.trust.decoding import decoded_parts
from amber.trust.reading import fold, hidden_parts, normalize, read_through, undisguise
from amber.trust.signals import SIGNALS

FLAG_THRESHOLD = 2
HIDDEN = "hidden text"
ENCODED = "encoded text"
# Signals that describe text rather than order anyone about: a comment or a base64 blob
# that says "verbatim" or closes an <email> tag hides nothing.
_DESCRIPTIVE = frozenset({"verbatim", "end marker", "template token"})


def _signals_in(folded: str) -> dict[str, int]:
    """The signals in normalized text: name → weight (a name counts once)."""
    found: dict[str, int] = {}
    for signal in SIGNALS:
        if found.get(signal.name, 0) < signal.weight and signal.found_in(folded):
            found[signal.name] = signal.weight
    return found


def _found(text: str) -> dict[str, int]:
    """Every signal in the text as a model reads it, in its hidden parts and its encodings."""
    undisguised = undisguise(text)
    plain = read_through(undisguised)  # the case kept: base64 needs it
    folded = fold(plain)
    found = _signals_in(folded)
    # Hidden and decoded parts are read as one text each: a page with a thousand comments
    # costs one more pass, not a thousand.
    hidden = "\n".join(hidden_parts(undisguised))
    if hidden and _orders(_signals_in(normalize(hidden))):
        found[HIDDEN] = 1
    decoded = "\n".join(decoded_parts(plain, folded))
    inner = _signals_in(normalize(decoded)) if decoded else {}
    found.update({name: max(weight, found.get(name, 0)) for name, weight in inner.items()})
    if _orders(inner):
        found[ENCODED] = 1
    return found


def _orders(found: dict[str, int]) -> bool:
    return any(name not in _DESCRIPTIVE for name in found)


def instruction_signals(text: str) -> list[str]:
    """Names of the signals found in the text (each counted once), strongest first."""
    found = _found(text)
    return sorted(found, key=lambda name: -found[name])


def instruction_score(text: str) -> int:
    return sum(_found(text).values())


def looks_like_instructions(text: str) -> bool:
    """True when the text reads like orders to an AI rather than something to remember."""
    return instruction_score(text) >= FLAG_THRESHOLD


def flagged_signals(text: str) -> list[str]:
    """The signals found when the text reads like orders to an AI, else [] (one pass)."""
    found = _found(text)
    if sum(found.values()) < FLAG_THRESHOLD:
        return []
    return sorted(found, key=lambda name: -found[name])
