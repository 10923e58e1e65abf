"""Validation of what a chat model writes: the guard against invented memories.

A model rewrites the lines the zero-LLM reading selected (amber/distill/rewriting.py). A
rewrite is used only if every name and number in it is found in the message or the line
it rewrites, all its words but one come from them, and it keeps the line's names, dates,
numbers and most of its words; anything else keeps the zero-LLM line. A model may leave
out a line that tells nothing, never one that names someone or holds a number.
"""

from __future__ import annotations

import re
import unicodedata

from amber.distill.statements import without_question
from amber.retrieval.query import STOPWORDS
from amber.text import one_line

MIN_FACT_CHARS = 8
SHORT_LINE_CHARS = 60  # a rewrite of a short line may still take this many characters
# Content words of a rewrite that its message and line do not hold: a connecting word
# ("attended" for "went to") is fine, a second one is the model telling its own story.
MAX_NEW_WORDS = 1
MIN_KEPT = 1 / 3  # of the line's plain content words a rewrite keeps (fluff may go)
STEM = 5  # words sharing their first five letters count as the same word (move, moved)
# Words a rewrite may use for people without them being named in the message.
GENERIC_NAMES = frozenset({"user", "speaker", "someone", "they", "person", "others"})
_QUOTE_MARKS = str.maketrans({c: "'" for c in '"`‘’‚‛“”„‟′″«»'} | {c: "-" for c in "‐‑‒–—―"})
_WORD = re.compile(r"\w+", re.UNICODE)
# The question a line answers, as amber/distill/statements.py appends it: context for the
# model, not something a rewrite must repeat.
_SENTENCE_END = (".", "!", "?", ":", '"', "\u201c")

BAD_LENGTH = "empty or too long"
CUT_OFF = "cut off (a bracket or quote left open)"
INVENTED = "names or numbers not in the message"
UNSUPPORTED = "words not in the message"
LOST_NAMES = "left out a name, date or number"
LOST_WORDS = "left out what the line says"
DROPPED_NAMES = "left out a line with a name or number"


def normalize(text: str) -> str:
    """Case, width, quote marks and whitespace do not matter when comparing text."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_MARKS)
    return one_line(text)


def _stem(word: str) -> str:
    return word[:STEM]


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words, for comparing what two texts are about."""
    words = (w.casefold() for w in _WORD.findall(text))
    return {_stem(w) for w in words if len(w) > 2 and w not in STOPWORDS}


def longest_fact(line: str) -> int:
    """The most characters a rewrite of `line` may take: short lines lose their fluff, and
    a model that writes on past this is looping (amber/distill/salvage.py stops it)."""
    return 2 * max(SHORT_LINE_CHARS, len(line))


def rewrite_problem(fact: str, line: str, message: str, speaker: str) -> str | None:
    """Why `fact`, a model's rewrite of `line` (a statement `speaker` made in `message`),
    cannot be used; None when it says only what they say and keeps what the line says."""
    if not MIN_FACT_CHARS <= len(fact) <= longest_fact(line):
        return BAD_LENGTH
    if fact.count("(") != fact.count(")") or fact.count("\u201c") != fact.count("\u201d"):
        return CUT_OFF
    given = f"{speaker} {message} {line}"  # the line holds the dates resolved in words
    found = _folded(given)
    if any(word not in found for word in _named(fact, starts=True)):
        return INVENTED
    said = _content(fact)
    supported = content_stems(given)
    if not said or sum(w not in supported for w in said) > MAX_NEW_WORDS:
        return UNSUPPORTED
    core = without_question(line)
    kept = _folded(fact)
    if any(word not in kept for word in _named(core, starts=False, speaker=speaker)):
        return LOST_NAMES
    wanted = set(_content(core, plain=True))  # names and numbers were checked above
    if wanted and len(wanted & set(said)) / len(wanted) < MIN_KEPT:
        return LOST_WORDS
    return None


def same_line(fact: str, line: str) -> bool:
    """Whether a rewrite gives the line back, or only without the question it answers (a
    small model's habit: the line that says what was asked says more)."""
    said = normalize(fact).rstrip(".")
    return said in (normalize(line).rstrip("."), normalize(without_question(line)).rstrip("."))


def drop_problem(line: str, speaker: str) -> str | None:
    """Why a line may not be left out: it names someone or holds a number or a date."""
    others = [w for w in _named(without_question(line), starts=False) if w != speaker.casefold()]
    return DROPPED_NAMES if others else None


def _content(text: str, plain: bool = False) -> list[str]:
    """Stems of content words (`plain`: only those in lower case, not names or numbers)."""
    found = _WORD.findall(text)
    words = [w.casefold() for w in found if not plain or w[0].islower()]
    return [_stem(w) for w in words if len(w) > 2 and w not in STOPWORDS]


def _folded(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _named(text: str, *, starts: bool, speaker: str = "") -> list[str]:
    """Capitalised words and numbers, casefolded. A sentence's first word is capitalised
    whatever it is, so it counts only with `starts`, or when it is the speaker."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        folded = word.casefold()
        if not (word[0].isupper() or word[0].isdigit()) or folded in STOPWORDS | GENERIC_NAMES:
            continue
        before = text[: match.start()].rstrip()
        first = not before or before.endswith(_SENTENCE_END)
        if starts or not first or word[0].isdigit() or word == speaker:
            found.append(folded)
    return found
