"""Chunking long texts for embedding."""

from amber.retrieval.chunking import chunk_text


def test_short_and_empty_texts() -> None:
    assert chunk_text("") == []
    assert chunk_text("  one two  ") == ["one two"]


def test_long_text_overlaps_and_covers_every_word() -> None:
    words = [f"w{i}" for i in range(500)]
    chunks = chunk_text(" ".join(words), max_words=100, overlap=20)
    assert all(len(c.split()) <= 100 for c in chunks)
    assert chunks[0].split()[-20:] == chunks[1].split()[:20]
    covered = {w for c in chunks for w in c.split()}
    assert covered == set(words)
