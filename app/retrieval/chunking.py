"""Splitting long texts so each piece fits an embedding model's context."""

from __future__ import annotations

MAX_WORDS = 80  # ~110 word pieces: inside the 128-token batch the embedder runs with
OVERLAP_WORDS = 16


def chunk_text(text: str, max_words: int = MAX_WORDS, overlap: int = OVERLAP_WORDS) -> list[str]:
    """Overlapping word windows; a short text is one chunk, an empty one none."""
    words = text.split()
    if len(words) <= max_words:
        return [" ".join(words)] if words else []
    step = max_words - overlap
    chunks = []
    for start in range(0, len(words), step):
        chunks.append(" ".join(words[start : start + max_words]))
        if start + max_words >= len(words):
            break
    return chunks
