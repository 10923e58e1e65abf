"""What the distiller needs from a chat model, and how it measures text in tokens.

`amber.models.chat.ChatModel` (llama.cpp) fits this protocol; the tests use a scripted
model that implements it too. Tokens are counted with the model's own tokenizer when it is
a llama.cpp model (the model is loaded for distilling anyway), else estimated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from amber.models.chat import ChatModel
from amber.models.runtime import load

DEFAULT_CONTEXT = 4096
CHARS_PER_TOKEN = 4  # a common estimate for English text with BPE vocabularies

TokenCounter = Callable[[str], int]


class DistillModel(Protocol):
    @property
    def name(self) -> str: ...

    def generate_json(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        *,
        max_tokens: int = 512,
        on_text: Callable[[str], None] | None = None,
    ) -> dict[str, Any]: ...


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def token_counter(model: DistillModel | None) -> TokenCounter:
    """The model's tokenizer: its own `count_tokens`, llama.cpp's, or an estimate."""
    own = getattr(model, "count_tokens", None)
    if callable(own):
        return own
    if isinstance(model, ChatModel):
        llama = load(model.info.path, embedding=False, settings=model.settings)
        return lambda text: len(llama.tokenize(text.encode("utf-8"), add_bos=False))
    return estimate_tokens


def context_tokens(model: DistillModel | None) -> int:
    if isinstance(model, ChatModel):
        return model.settings.context
    return int(getattr(model, "context", DEFAULT_CONTEXT))
