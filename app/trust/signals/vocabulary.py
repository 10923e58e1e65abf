"""Words that signals of several kinds share: who an injection addresses, and "earlier"."""

from __future__ import annotations

# Who an injection addresses. The strict list names AIs only ("agent" alone could be an
# insurance agent); the broad one is for weak signals.
AI_STRICT = (
    r"(?:ai|a\.i\.|llms?|(?:large )?language models?|ai (?:assistants?|agents?|models?)|"
    r"chatbots?|claude|chatgpt|gpt-?\d*|gemini|copilot)"
)
AI = rf"(?:{AI_STRICT}|assistants?|agents?|bots?|models?)"
EARLIER = r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial)"
