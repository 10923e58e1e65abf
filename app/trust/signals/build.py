"""How a signal is written: its name, its weight, the literal needles checked with `in`
before its patterns run (most text holds none of them, so ordinary text costs little), and
its patterns; and the helpers that write patterns the regex engine searches quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from amber.trust.reading import LOOKALIKES


def one_of(*words: str, negations: Iterable[str] = ()) -> str:
    """An alternation of plain words, each checked afterwards to start a word and not to
    follow a negation ("don't forget your instructions" is advice, not an override). The
    checks come after the words, as look-behinds: a pattern that opens with its words lets
    the regex engine skip ahead to their first letters."""
    guarded = []
    for word in words:
        checks = [rf"(?<!\w{re.escape(word)})"]
        checks += [f"(?<!{re.escape(negation + word)})" for negation in negations]
        guarded.append(re.escape(word) + "".join(checks))
    return f"(?:{'|'.join(guarded)})"


def pair(opening: str, closing: str) -> str:
    """An opening tag and its closing one within 4,000 characters. The text between may not
    open the tag again, so a text of many openings is read once, not once per opening."""
    start, end = re.escape(opening), re.escape(closing)
    return rf"{start}(?:(?!{start})[\s\S]){{0,4000}}?{end}"


def after(opening: str, *endings: str) -> str:
    """One pattern for several that share their opening, so the text is searched for the
    opening once."""
    return f"{opening}(?:{'|'.join(endings)})"


@dataclass(frozen=True)
class Signal:
    name: str
    weight: int
    # Groups of words; every match holds a word of each group. Checked with `in` before the
    # regex runs, since most text holds none of them.
    needles: tuple[tuple[str, ...], ...]
    # Kept apart, not joined into one regex: a pattern that opens with literal words lets
    # the engine skip ahead to their first letters, which an alternation of patterns hides.
    patterns: tuple[re.Pattern[str], ...]

    def found_in(self, lower: str) -> bool:
        for group in self.needles:
            if not any(needle in lower for needle in group):
                return False
        return any(pattern.search(lower) for pattern in self.patterns)


# (not when a quantifier follows: "\\bleaks?" must keep its "?" on the "s")
_LEADING_WORDS = re.compile(r"\\b(?:\(\?:((?:[\w' -]+\|)*[\w' -]+)\)|([\w' -]+))(?![?*+{])")


def _opening_with_words(pattern: str) -> str:
    """`\\b(?:ignore|forget)...` rewritten as `(?:ignore(?<!\\wignore)|forget(?<!\\wforget))...`:
    the same matches, but the pattern opens with literal words, so the regex engine skips
    ahead to their first letters instead of trying every position."""
    leading = _LEADING_WORDS.match(pattern)
    if not leading:
        return pattern
    words = (leading.group(1) or leading.group(2)).split("|")
    return one_of(*words) + pattern[leading.end() :]


def signal(name: str, weight: int, needles: tuple[str, ...], *patterns: str) -> Signal:
    """A signal from its needles (each group written "word;word;...") and patterns. Both
    are in lower case and matched against the lower-cased text: without IGNORECASE, the
    regex engine skips ahead to a pattern's first letters."""
    groups = tuple(tuple(group.translate(LOOKALIKES).split(";")) for group in needles)
    compiled = tuple(
        re.compile(_opening_with_words(p).translate(LOOKALIKES), re.MULTILINE) for p in patterns
    )
    return Signal(name, weight, groups, compiled)
