"""Picking the informative sentences of a chat message, and saying who they are about.

The zero-LLM distiller keeps what a person would write down after a conversation: what
someone said about themselves or their life (I/my/we with something to say: "I adopted a
dog", "my sister moved to Utrecht"), plans, preferences, events, numbers and names. It
drops greetings, thanks, reactions to the other person's news ("that's so cool!"),
compliments addressed to them, remarks about life in general and questions, and within a
sentence the clauses that only react ("... and it was so powerful").

The speaker's words are kept; only the person changes, so a line reads on its own in a
page: "I adopted a dog" said by Maria becomes "Maria adopted a dog", later mentions in the
same line become "they"/"their", and "we" becomes "Maria and others". A sentence without
a subject ("Lost my job yesterday") gets the speaker as its subject.

The rules are general properties of informative speech (first-person disclosure, content
words, names, numbers, verb tense), not a list of any conversation's topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from amber.distill import dates, wording
from amber.distill.sentences import split_sentences
from amber.events import Event

# A statement must tell this much (wording.Sense.score: its three rarest words, names,
# numbers, a date) to be kept, and more the longer it is: MIN_SCORE for a line of
# TYPICAL_LINE words, SCORE_PER_WORD more for each word beyond and less for each word
# short of it. What a line tells is worth its length: "Maria collects vintage stamps" is
# kept on three plain words, a 30-word musing around one fact needs far more. A life event
# (a move, a birth, a lost job) is kept whatever its words: such news is rare and the first
# thing a person would write down, and "I lost my job" says it in plain words. Together
# about a quarter of a chat's words, the quarter that carries what was said
# (scripts/bench_tree.py: one bar for every length kept 28 % of the words at 8.5, and at
# 9.0 as many as this, 24 %, finding 0.01-0.02 less).
MIN_SCORE = 9.0
TYPICAL_LINE = 15  # words
SCORE_PER_WORD = 0.15
_IMAGE = re.compile(r"^\[(?:image|attachment): (.+)\]$")
# Where a sentence falls into clauses that can stand alone or go.
_CLAUSE_BREAK = re.compile(
    r"\s+[-–—]\s+|;\s+|,\s+(?=(?:but|which|so|and it|and that)\b)"
    r"|\s+(?=and it(?:'s| was| is)\b)"
)


@dataclass(frozen=True)
class Statement:
    """One sentence worth keeping, as it will be written, and what it came from."""

    text: str  # the speaker's words, the person rewritten
    said: str  # the sentence as said
    event: Event
    speaker: str
    kind: str  # "event" | "life" | "attribute" | "preference" | "plan" | "mention" | "image"
    names: tuple[str, ...]  # capitalised names it mentions, the speaker not included
    score: float

    @property
    def about_speaker(self) -> bool:
        """Whether it says something about the speaker (a line for their page)."""
        return self.kind in ("life", "attribute", "preference", "plan")


@dataclass(frozen=True)
class Context:
    """Where a message was said: who takes part, and the question it answers, if any."""

    participants: list[str]
    asked: str = ""


class Reading(Protocol):
    """How page builders read messages: each message's statements (read once per run, by
    amber/distill/knowledge.py `Scopes`) and where it was said."""

    def statements(self, event: Event) -> list[Statement]: ...

    def context(self, event: Event) -> Context: ...


def select_statements(event: Event, context: Context) -> list[Statement]:
    """The sentences of one message worth a line in the tree, in order. The first one
    that answers a question says what was asked: "asked: Any plans for the summer?" is
    what makes "researching adoption agencies" a plan for the summer."""
    speaker = event.author or ""
    picked = []
    for sentence in split_sentences(event.text):
        statement = _statement(sentence, event, speaker, context.participants)
        if statement is not None and _kept(statement):
            picked.append(statement)
    if picked and _tells_more(context.asked, picked[0]):
        first = picked[0]
        text = f"{first.text.rstrip('.!')} (asked \u201c{context.asked}\u201d)"
        picked[0] = replace(first, text=text)
    return picked


def _kept(statement: Statement) -> bool:
    if statement.kind == "life":
        return True
    return statement.score >= MIN_SCORE


_ASKED = re.compile(r" \(asked \u201c.*\u201d\)$")


def without_question(line: str) -> str:
    """A statement's line without the question it answers, where one was added (the
    question took the place of its full stop)."""
    return _ASKED.sub(".", line)


def _tells_more(asked: str, answer: Statement) -> bool:
    """Whether the question says something its answer does not: "Any plans for the
    summer?" does, "Anything new?" or "What's it done for you?" do not."""
    if not asked or answer.kind == "image":
        return False
    said = {w.casefold() for w in wording.content_words(wording.words(answer.said))}
    return any(
        w.casefold() not in said and wording.rarity(w) >= QUOTED_RARITY
        for w in wording.content_words(wording.words(asked))
    )


def question_of(event: Event, participants: list[str]) -> str:
    """The question a message ends with, without its opening ("Wow! Any plans?" ->
    "Any plans?"); '' when it asks nothing."""
    sentences = split_sentences(event.text)
    last = sentences[-1] if sentences else ""
    if not last.endswith("?"):
        return ""
    return wording.without_opening(last, participants)


def _statement(
    sentence: str, event: Event, speaker: str, participants: list[str]
) -> Statement | None:
    image = _IMAGE.match(sentence)
    if image:
        return _image_statement(image.group(1), event, speaker)
    core = wording.without_opening(sentence, participants)
    if not core or core.rstrip().endswith("?"):
        return None
    core = _informative_clauses(core, participants)
    if not core:
        return None
    sense = wording.Sense.of(core, participants)
    if not sense.worth_keeping:
        return None
    text = wording.with_subject(core, speaker) if speaker else core
    if speaker:
        text = _attributed(wording.rewrite_person(text, speaker), speaker)
    said = _said_at(event)
    score = sense.score - SCORE_PER_WORD * (len(core.split()) - TYPICAL_LINE)
    if said is not None:
        dated = dates.annotate(text, said, dates.When.words)
        score += TIME_BONUS if dated != text else 0.0
        text = dated
    kind = _kind(sense)
    return Statement(text, sentence, event, speaker, kind, sense.names, score)


QUOTED_RARITY = 1.2  # "summer", "counseling" tell; "anything", "new", "done" do not
TIME_BONUS = 3.0  # a statement that says when something happened is worth more


def _attributed(text: str, speaker: str) -> str:
    """A line that does not name its speaker says who said it: an episode mixes speakers,
    and "Searching for a studio has been tricky" is somebody's news."""
    return text if re.search(rf"\b{re.escape(speaker)}\b", text) else f"{speaker}: {text}"


def _said_at(event: Event) -> datetime | None:
    stamp = event.timestamp or event.captured_at
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
    except ValueError:
        return None


def _informative_clauses(sentence: str, participants: list[str]) -> str:
    """The sentence without clauses that only react; '' when nothing informative is left."""
    clauses = _CLAUSE_BREAK.split(sentence)
    if len(clauses) == 1:
        return sentence
    kept = [c for c in clauses if wording.Sense.of(c, participants).informative]
    if not kept:
        return ""
    text = " - ".join(kept) if kept[0] == clauses[0] else kept[0][:1].upper() + kept[0][1:]
    if len(kept) > 1 and kept[0] != clauses[0]:
        text = " - ".join([text, *kept[1:]])
    return text.rstrip(" ,;") + ("" if text.endswith((".", "!")) else ".")


def _kind(sense: wording.Sense) -> str:
    if sense.plan:
        return "plan"
    if sense.preference:
        return "preference"
    if sense.life_event:
        return "life"
    if sense.past:
        return "event"
    if sense.first:
        return "attribute"
    return "mention"


def _image_statement(caption: str, event: Event, speaker: str) -> Statement | None:
    sense = wording.Sense.of(caption, [])
    if not speaker or len(sense.content) < 2:
        return None
    caption = re.sub(r"^a (?:photo|photograph|photography|picture|image) of ", "", caption)
    text = f"{speaker} shared a picture of {caption}"
    return Statement(text, caption, event, speaker, "image", (), 1.0)
