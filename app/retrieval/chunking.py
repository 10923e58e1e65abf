"""Splitting texts into the pieces that get vectors: windows that cover the whole text,
then its sentences.

A document's similarity is its closest piece's (amber.retrieval.vector_channel). A message
that asks for recipes and mentions, by the way, that the weekends have been all about Uber
Eats is, as one vector, about recipes; its sentence about Uber Eats is near a question on
food delivery. Measured on LongMemEval dev (MiniLM, ranking each question's 50 hybrid
candidates by similarity alone): whole messages MRR 0.449, all@10 0.597; the closest of a
message and its sentences MRR 0.709, all@10 0.819. The benchmarks themselves (README,
"A vector per sentence"): LongMemEval hybrid MRR 0.719 -> 0.812, LoCoMo R@10 0.839 -> 0.847.
"""

from __future__ import annotations

from amber.distill.sentences import split_sentences

MAX_WORDS = 80  # ~110 word pieces: inside the 128-token batch the embedder runs with
OVERLAP_WORDS = 16
# A sentence shorter than this is joined to the next one ("Thanks! I went to Lisbon..."):
# alone it means little and costs a vector.
MIN_SENTENCE_WORDS = 6
# Sentences of a message or a short note: a longer text is a document (a file, a screen)
# whose windows already hold a few sentences each. At 300 words a month of simulated
# capture (scripts/bench_year.py, mostly screens) stored 10.6 pieces a document and took
# 49 s of CPU a day to embed; at 120, 3.0 pieces and 24 s (one window each: 2.2 and 24 s),
# with the same recall on the three benchmarks but for notes R@10 0.951 -> 0.946.
SENTENCE_TEXT_WORDS = 120


def embedding_pieces(text: str) -> list[str]:
    """The windows (chunk_text) and, for a text of several sentences and at most
    SENTENCE_TEXT_WORDS words, each sentence; the first piece is the text's beginning, as
    before sentences were added."""
    windows = chunk_text(text)
    if len(text.split()) > SENTENCE_TEXT_WORDS:
        return windows
    sentences = sentence_pieces(text)
    if len(sentences) < 2:
        return windows
    return windows + [s for s in sentences if s not in windows]


def sentence_pieces(text: str) -> list[str]:
    """The text's sentences, each joined to the next until it has MIN_SENTENCE_WORDS words
    (the last to the one before), each cut to MAX_WORDS."""
    pieces: list[str] = []
    pending: list[str] = []
    for sentence in split_sentences(text):
        pending += sentence.split()
        if len(pending) >= MIN_SENTENCE_WORDS:
            pieces.append(" ".join(pending[:MAX_WORDS]))
            pending = []
    if pending:
        if pieces:
            pieces[-1] = " ".join((pieces[-1].split() + pending)[:MAX_WORDS])
        else:
            pieces.append(" ".join(pending))
    return pieces


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
