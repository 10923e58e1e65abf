"""Splitting long texts so each piece fits an embedding model's context."""

from __future__ import annotations

MAX_WORDS = 80  # ~110 word pieces: inside the 128-token batch the embedder runs with
OVERLAP_WORDS = 16
CONTEXT_WORDS = 48  # at most this much of the preceding message leads the first chunk


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


def with_context(context: str, chunks: list[str]) -> list[str]:
    """Lead the first chunk with the end of what came before, within the chunk budget."""
    if not context or not chunks:
        return chunks
    room = min(CONTEXT_WORDS, MAX_WORDS - len(chunks[0].split()))
    tail = context.split()[:room] if room > 0 else []
    return [" ".join(tail) + "\n" + chunks[0], *chunks[1:]] if tail else chunks
