"""Chunking long texts for embedding."""

from amber.retrieval.chunking import (
    SENTENCE_TEXT_WORDS,
    chunk_text,
    embedding_pieces,
    sentence_pieces,
)


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


def test_a_message_of_several_sentences_gets_the_whole_and_each_sentence() -> None:
    text = (
        "I'm looking for quick recipe ideas for busy weeknights. Thanks! "
        "By the way, my weekends have been all about Uber Eats lately."
    )
    pieces = embedding_pieces(text)
    assert pieces[0] == text  # the first piece is still the text's beginning
    # "Thanks!" is too short to mean anything alone and joins the sentence after it.
    assert pieces[1:] == [
        "I'm looking for quick recipe ideas for busy weeknights.",
        "Thanks! By the way, my weekends have been all about Uber Eats lately.",
    ]
    assert sentence_pieces("Hi! How are you today, Ana?") == ["Hi! How are you today, Ana?"]


def test_one_sentence_and_long_documents_get_windows_only() -> None:
    assert embedding_pieces("Hi there, how was the concert last night?") == [
        "Hi there, how was the concert last night?"
    ]
    document = "This sentence holds exactly eight words, no more. " * 50
    assert len(document.split()) > SENTENCE_TEXT_WORDS
    assert embedding_pieces(document) == chunk_text(document)
