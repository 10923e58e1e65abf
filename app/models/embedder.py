"""Text embeddings through llama.cpp (GGUF embedding models such as MiniLM, BGE, nomic)."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from pathlib import Path

from amber.models import runtime


@dataclass(frozen=True)
class EmbedModel:
    name: str
    path: Path
    query_prefix: str = ""  # some models (nomic, e5) were trained with task prefixes
    document_prefix: str = ""


class Embedder:
    """Normalized float32 vectors; the model loads on first use."""

    def __init__(self, model: EmbedModel, settings: runtime.RuntimeSettings | None = None):
        self.model = model
        self.settings = settings or runtime.RuntimeSettings()
        self._dims: int | None = None

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def dims(self) -> int:
        if self._dims is None:
            self._dims = len(self.embed_query("dimension probe"))
        return self._dims

    def _llama(self) -> object:
        return runtime.load(self.model.path, embedding=True, settings=self.settings)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        # One text per call: llama.cpp packs several into a micro-batch and then attends
        # across all of them (masked), which measured 25% slower than one at a time.
        llama = self._llama()
        return [
            _unit(llama.embed([self.model.document_prefix + t], normalize=True)[0])  # type: ignore[attr-defined]
            for t in texts
        ]

    def embed_query(self, text: str) -> list[float]:
        vector = self._llama().embed([self.model.query_prefix + text], normalize=True)  # type: ignore[attr-defined]
        return _unit(vector[0])


def _unit(vector: list[float]) -> list[float]:
    """llama.cpp normalizes already; this guards against a zero or unnormalized vector."""
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def pack(vector: list[float]) -> bytes:
    """float32 little-endian, the layout sqlite-vec reads."""
    return array("f", vector).tobytes()
