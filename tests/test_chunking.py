"""Chunking long texts for embedding."""

from amber.retrieval.chunking import MAX_WORDS, chunk_text, with_context


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


def test_context_leads_the_first_chunk_only() -> None:
    chunks = with_context("Ana: Where did you go last summer?", ["Bo: Sweden, twice!", "more"])
    assert chunks == ["Ana: Where did you go last summer?\nBo: Sweden, twice!", "more"]


def test_context_never_pushes_a_chunk_past_the_budget() -> None:
    full = " ".join(["word"] * MAX_WORDS)
    assert with_context("Ana: a question", [full]) == [full]
    long_context = " ".join(f"w{i}" for i in range(200))
    first = with_context(long_context, ["Bo: short"])[0]
    assert len(first.split()) <= MAX_WORDS and first.startswith("w0 w1")


def test_no_context_changes_nothing() -> None:
    assert with_context("", ["a"]) == ["a"] and with_context("x", []) == []
