"""Validation before anything is written: the guard against invented memories.

A statement survives only if every quote it cites is found in the cited message (after
normalizing case, whitespace and quote marks), the names and numbers it states appear in
those messages, and most of its words are supported by them. Model output is redacted
again, titles and lengths are bounded, dates must be dates, and the folder is normalized.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from amber.distill.batching import Batch
from amber.distill.candidate import Candidate, Evidence, Statement
from amber.distill.paths import FolderIndex
from amber.events import Event
from amber.redact import redact
from amber.retrieval.query import STOPWORDS
from amber.text import one_line
from amber.tree.entry import KINDS

MIN_QUOTE_CHARS = 8
MAX_QUOTE_CHARS = 300
MIN_STATEMENT_CHARS = 8
MAX_STATEMENT_CHARS = 300
MAX_TITLE_CHARS = 80
MIN_CONFIDENCE = 0.3
MIN_COVERAGE = 0.5
STEM = 5  # words sharing their first five letters count as the same word (move, moved)
# Words a statement may use for the people in a log without them being named there.
GENERIC_NAMES = frozenset({"user", "speaker", "assistant", "someone", "they", "person"})
_QUOTE_MARKS = str.maketrans({c: "'" for c in '"`‘’‚‛“”„‟′″«»'} | {c: "-" for c in "‐‑‒–—―"})
_WORD = re.compile(r"\w+", re.UNICODE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TRIM = " .,;:!?'-…"

QUOTE_NOT_FOUND = "quote not found in its message"
QUOTE_TOO_SHORT = "quote too short to check"
NAMES_UNSUPPORTED = "names or numbers not in its messages"
WORDS_UNSUPPORTED = "statement not supported by its quotes"
BAD_LENGTH = "statement empty or too long"
LOW_CONFIDENCE = "low confidence"


def normalize(text: str) -> str:
    """Case, width, quote marks and whitespace do not matter when comparing text."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_MARKS)
    return one_line(text)


def quote_problem(quote: str, event: Event) -> str | None:
    wanted = normalize(quote).strip(_TRIM)
    if len(wanted) < MIN_QUOTE_CHARS:
        return QUOTE_TOO_SHORT
    return None if wanted in normalize(event.text) else QUOTE_NOT_FOUND


def _stem(word: str) -> str:
    return word[:STEM]


def statement_problem(text: str, evidence: list[Evidence]) -> str | None:
    """Whether a statement says only what its cited messages say (names, numbers, words)."""
    cited = " ".join(f"{e.event.author} {e.event.title} {e.event.text}" for e in evidence)
    cited_words = {w.casefold() for w in _WORD.findall(cited)}
    cited_stems = {_stem(w) for w in cited_words}
    words = _WORD.findall(text)
    for word in words:
        folded = word.casefold()
        named = word[0].isupper() or word[0].isdigit()
        if named and folded not in STOPWORDS | GENERIC_NAMES and folded not in cited_words:
            return NAMES_UNSUPPORTED
    content = [w.casefold() for w in words if len(w) > 2 and w.casefold() not in STOPWORDS]
    if not content:
        return WORDS_UNSUPPORTED
    supported = sum(_stem(w) in cited_stems for w in content)
    return None if supported / len(content) >= MIN_COVERAGE else WORDS_UNSUPPORTED


def clean_date(value: str) -> str | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if not 1900 <= (year or 0) <= 2200 or (month and not 1 <= month <= 12):
        return None
    return None if day and not 1 <= day <= 31 else match.group(0)


@dataclass
class Verdict:
    candidate: Candidate | None
    rejected: list[str] = field(default_factory=list)  # one reason per statement or memory


def validate(raw: dict[str, Any], batch: Batch, folders: FolderIndex) -> Verdict:
    local = batch.local_ids()
    verdict = Verdict(None)
    if float(raw.get("confidence", 0)) < MIN_CONFIDENCE:
        verdict.rejected.append(LOW_CONFIDENCE)
        return verdict
    statements: dict[str, Statement] = {}
    for item in raw.get("statements", []):
        statement, reason = _statement(item, local)
        if reason:
            verdict.rejected.append(reason)
        elif statement and normalize(statement.text) not in statements:
            statements[normalize(statement.text)] = statement
    if statements:
        verdict.candidate = _candidate(raw, list(statements.values()), folders)
    return verdict


def _statement(item: dict[str, Any], local: dict[str, Event]) -> tuple[Statement | None, str]:
    text = redact(one_line(str(item.get("text", "")))).text
    if not MIN_STATEMENT_CHARS <= len(text) <= MAX_STATEMENT_CHARS:
        return None, BAD_LENGTH
    evidence: list[Evidence] = []
    for ev in item.get("evidence", []):
        event = local.get(str(ev.get("event", "")))
        quote = one_line(str(ev.get("quote", "")))[:MAX_QUOTE_CHARS]
        problem = QUOTE_NOT_FOUND if event is None else quote_problem(quote, event)
        if problem:
            return None, problem  # one invented quote discredits the statement
        evidence.append(Evidence(event, quote.strip(" '\"")))  # type: ignore[arg-type]
    if not evidence:
        return None, QUOTE_NOT_FOUND
    problem = statement_problem(text, evidence)
    return (None, problem) if problem else (Statement(text, evidence), "")


def _candidate(raw: dict[str, Any], statements: list[Statement], folders: FolderIndex) -> Candidate:
    kind = str(raw.get("kind", "note"))
    kind = kind if kind in KINDS else "note"
    title = redact(one_line(str(raw.get("title", "")))).text.strip(_TRIM)
    evidence = [e for s in statements for e in s.evidence]
    if not title or statement_problem(title, evidence) == NAMES_UNSUPPORTED:
        title = statements[0].text.rstrip(".")  # a title may not name what no message names
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    folder = folders.place(redact(str(raw.get("path", ""))).text, kind)
    confidence = max(0.0, min(1.0, float(raw.get("confidence", 1.0))))
    since = clean_date(str(raw.get("valid_from", "")))
    return Candidate(title, kind, folder, statements, since, round(confidence, 3))


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words, for comparing what two texts are about."""
    words = (w.casefold() for w in _WORD.findall(text))
    return {_stem(w) for w in words if len(w) > 2 and w not in STOPWORDS}
