"""What the messages of an agent session say about a project: the user's standing
instructions and preferences, decisions with their reasons, and the sentence that says
why an error happened.

Most of what a user types to an agent is a task for now ("fix the bug in foo.py", "find
out why"); a standing instruction is one meant for every later session too, and says so
in its words: always or never ("never touch migrations"), a rule from now on, a choice of
tool against another ("we use pnpm, not npm", "don't use npm"), a preference ("I prefer
small commits"). A sentence with a sign of a one-off ("for now", "yet", "this time") or a
question is never one. Without a model that is the most these rules can tell, so they
keep only sentences that say it plainly: a missed instruction costs less than a task
every later agent would take for a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from amber.distill.sentences import split_sentences
from amber.events import Event

MAX_WORDS = 40
MIN_WORDS = 3
SAID_CHARS = 300
USERS = frozenset({"user", "human"})
ASSISTANTS = frozenset({"assistant", "ai", "model"})
# Words that may open a sentence before what it says ("Also, never ...", "OK so use ...").
_LEAD = (
    r"(?:(?:ok(?:ay)?|also|and|btw|oh|so|but|just|please|remember|note|fyi|important)"
    r"[,:!]?\s+)*"
)
# Not a thing to use but a particular one (or no object at all): "use the helper above".
_PARTICULAR = r"(?!(?:the|this|that|these|those|it|them|a|an|my|your|our|his|her|its|what)\b)"
# What follows "always"/"never" when it tells what happened, not what to do: a past
# tense ("never told me"), a state ("always the same error").
_TOLD = (
    r"(?!(?:same|so|too|been|was|is|are|were|mind|again|seen|saw|know|knew|got|had|did|went|"
    r"made|thought|found|told|said|gave|wrote|ran|understood)\b)"
    r"(?!(?!(?:need|embed|feed|seed|proceed|exceed|succeed|speed)\b)\w+ed\b)"
)
_ALWAYS_START = re.compile(
    rf"(?i)^{_LEAD}(?:always|never|don't ever|do not ever|make sure (?:to |you )?always)\s+"
    rf"{_PARTICULAR}{_TOLD}\w"
)
# "Whenever you change the schema, regenerate the types": a rule, where "whenever I open
# it, it flickers" tells what happens.
_WHENEVER = re.compile(
    rf"(?i)^{_LEAD}(?:whenever|every time|each time) (?:you|we)\b[^,]*,\s*"
    r"(?!(?:it|i|the|this|that|we|you|there|they|he|she)\b)\w"
)
_FROM_NOW = re.compile(r"(?i)\b(?:from now on|going forward|from here on(?: out)?|as a rule)\b")
_WE_ALWAYS = re.compile(
    r"(?i)\b(?:we|you)(?:'ll| will| should| must| need to| have to| to)?\s+(?:always|never)\s+"
    rf"{_TOLD}\w"
    r"|\bI\s+(?:always|never)\s+(?:use|run|prefer|want|write|commit|push|deploy|keep|put|"
    r"avoid|test|format|name|squash|rebase|merge)\b"
)
_PREFER = re.compile(
    rf"(?i)^{_LEAD}(?:(?:i|we)(?:'d| would)?\s+(?:\w+ly\s+)?prefer|prefer|(?:i|we)(?:'d| would) "
    r"rather)\s"
)
_USE_OVER = re.compile(
    rf"(?i)^{_LEAD}(?:we use|we're using|i use|use|(?:don't|do not|never) use)\s+{_PARTICULAR}"
    r"\S.*?(?:,?\s+not\s+\S|\binstead of\b|\brather than\b|\bover\b)"
)
_DONT_USE = re.compile(rf"(?i)^{_LEAD}(?:don't|do not) use\s+{_PARTICULAR}\S")
_WE_USE = re.compile(
    rf"(?i)^{_LEAD}(?:we use|we're using|we are using|this (?:repo|repository|project|codebase) "
    rf"uses|our (?:repo|repository|project|codebase|team) uses)\s+{_PARTICULAR}\S"
)
_STANDING = (
    _ALWAYS_START,
    _WHENEVER,
    _FROM_NOW,
    _WE_ALWAYS,
    _PREFER,
    _USE_OVER,
    _DONT_USE,
    _WE_USE,
)
_ONE_OFF = re.compile(
    r"(?i)\b(?:never ?mind|for now|this time|right now|yet|today|for this (?:one|test|bug|file|"
    r"function|pr|change|task|issue))\b"
)
# Decisions: a choice made ("decided to", "let's go with"), which the user's word makes a
# decision; a change of course ("switched to", "let's use") is one only with a reason,
# as is anything an assistant chose.
_CHOICE = re.compile(
    r"(?i)\b(?:decided (?:to|on|against)|decision:|settled on|opted (?:for|to)|"
    r"(?:go|going|went|stick|sticking|stuck) with|(?:chose|choose|picked) \S+(?: \S+)? "
    r"(?:over|instead of))\b"
)
_CHANGE = re.compile(
    r"(?i)\b(?:switch(?:ed|ing)?|mov(?:e|ed|ing)|migrat(?:e|ed|ing)) (?:it |them |this )?to\b"
    r"|^(?:ok(?:ay)?,?\s+)?(?:let's|we'll|we will|we should) use\b"
)
_REASON = re.compile(
    r"(?i)\b(?:because|since(?! \d)|so that|to avoid|to keep|which (?:means|keeps|avoids)|"
    r"given that|otherwise)\b"
)
_REASON_NEXT = re.compile(r"(?i)^(?:because|since|it's|it is|that's|that way|this way|so)\b")
# An assistant's sentence that says why something failed or what fixed it.
_CAUSE = re.compile(
    r"(?i)\b(?:because|caused by|due to|found it|root cause|turns out|"
    r"the (?:cause|problem|issue|bug|culprit|reason) (?:is|was)|this happens|happened because|"
    r"the fix (?:is|was)|fixed (?:it|this|the)|"
    r"fails (?:because|when)|failed because|so the \w+ (?:was|is|were) (?:empty|wrong|missing))\b"
)
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_CODE_LINE = re.compile(r"^(?:\s{4}|\t|\$ |>>> |\s*at |\s*File \")")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#+|>)\s+")


@dataclass(frozen=True)
class Said:
    """A sentence worth a line, and the message it came from."""

    text: str
    event: Event
    who: str  # "user" or "assistant"


def role(event: Event) -> str:
    author = event.author.casefold()
    return "user" if author in USERS else "assistant" if author in ASSISTANTS else ""


def prose(text: str) -> list[str]:
    """The sentences of a message's prose: code blocks, indented code, pasted logs and
    markdown marks left out."""
    lines = []
    for line in _FENCE.sub("\n", text).splitlines():
        if _CODE_LINE.match(line) or sum(line.count(c) for c in "{};=<>[]") >= 3:
            continue
        lines.append(_MARKUP.sub("", line).replace("**", ""))
    found = split_sentences("\n".join(lines).replace("\u2019", "'"))
    return [s for s in found if MIN_WORDS <= len(s.split()) <= MAX_WORDS]


def standing(sentence: str) -> bool:
    """Whether a user's sentence is an instruction for every session, not a task now."""
    if sentence.rstrip().endswith("?") or _ONE_OFF.search(sentence):
        return False
    return any(rule.search(sentence) for rule in _STANDING)


def instructions(event: Event) -> list[Said]:
    if role(event) != "user":
        return []
    return [Said(_tidy(s), event, "user") for s in prose(event.text) if standing(s)]


def decisions(event: Event) -> list[Said]:
    """A decision said in the message, with its reason (said in the same sentence or the
    next one)."""
    who = role(event)
    if not who:
        return []
    sentences = prose(event.text)
    found = []
    for n, sentence in enumerate(sentences):
        if sentence.rstrip().endswith("?"):
            continue
        reason = bool(_REASON.search(sentence))
        after = sentences[n + 1] if n + 1 < len(sentences) else ""
        if not reason and _REASON_NEXT.match(after) and not after.endswith("?"):
            sentence, reason = f"{sentence} {after}", True
        chosen = bool(_CHOICE.search(sentence))
        if (chosen and who == "user") or ((chosen or _CHANGE.search(sentence)) and reason):
            found.append(Said(_tidy(sentence), event, who))
    return found


def explanation(event: Event) -> str:
    """The first sentence of an assistant's message that says why something failed or
    what fixed it; "" when none does."""
    if role(event) != "assistant":
        return ""
    said = next((s for s in prose(event.text) if _CAUSE.search(s) and not s.endswith("?")), "")
    return _tidy(said)


def _tidy(sentence: str) -> str:
    """The sentence without what only led into it ("Also, ", "Found it: "), capitalised
    unless it starts with a name in code (`poll()`), cut to a line."""
    text = re.sub(r"(?i)^(?:(?:ok(?:ay)?|also|and|btw|oh|so|but|found it)[,:!]?\s+)+", "", sentence)
    if re.match(r"[a-z]+\b(?![.(_])", text):
        text = text[:1].upper() + text[1:]
    return text if len(text) <= SAID_CHARS else text[:SAID_CHARS].rsplit(" ", 1)[0] + " …"
