"""Reading text the way a model reads it, not the way a screen shows it.

- disguises are undone: full-width and look-alike letters, zero-width characters, invisible
  Unicode tag characters (ASCII hidden in plain sight), letters spaced or dotted apart;
- HTML and markdown comments and ordinary HTML tags are opened, so that what they hold is
  read as text (the alt texts and titles in their attributes too);
- `hidden_parts` gives what a person who looks at the rendered text does not see: comments,
  markdown comments, HTML hidden by its style or attributes, tag characters.

`normalize` undoes the disguises and opens the markup, in the lower case that signals are
written in (`fold`); the detector reads `hidden_parts` apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Cyrillic and Greek letters drawn like Latin ones ("ignоre" with a Cyrillic o, "ΙGNORE" with
# a Greek iota), and the typographic apostrophe. The table applies to lower-cased text, so it
# holds the lower case of every look-alike capital too (н for Н). Patterns and needles go
# through the same table, so Russian patterns still match Russian text.
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝвкмнтαβεηικμνορτυχ’",
    "aeopcyxijsdqwbkmhtabehikmvoptyx'",
)

_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]")
_TAG_RUN = re.compile("[\U000e0020-\U000e007e]+")  # Unicode tags: invisible copies of ASCII
_SPACES = re.compile(r"[\t\u00a0][ \t\u00a0]*| [ \t\u00a0]+")  # runs only: one space stays
# Letters set apart to dodge word matching: "I g n o r e", "i.g.n.o.r.e".
_SPACED_OUT = re.compile(r"(?<![\w.])[^\W\d_]([ .\-_*])(?:[^\W\d_]\1)+[^\W\d_](?!\w)")
_SPACED_HINT = re.compile(r"[ .\-_*][^\W\d_][ .\-_*][^\W\d_][ .\-_*]")  # cheaper to look for
# Markup a model reads straight through: comment delimiters, a markdown comment's opening,
# and ordinary HTML tags (kept: their attributes, which hold alt texts and titles).
_MARKUP = re.compile(
    r"<!--|-->|^[ \t]*\[[^\]\n]{0,40}\]:[ \t]*(?:#|<>)[ \t]*\(|"
    r"</?(?:p|div|span|font|h[1-6]|li|ul|ol|td|tr|th|table|a|b|i|u|em|strong|small|big|"
    r"section|article|aside|header|footer|main|nav|body|html|head|br|hr|label|button|details|"
    r"summary|blockquote|center|sub|sup|mark|noscript|template|figure|figcaption|img)\b"
    r"([^<>]{0,400})>",
    re.IGNORECASE | re.MULTILINE,
)


def untag(text: str) -> str:
    return "".join(chr(ord(c) - 0xE0000) for c in text)


def undisguise(text: str) -> str:
    """Undo the disguises of single characters: tag characters, full-width and
    mathematical letters, zero-width characters."""
    if text.isascii():  # none of these is ASCII: ordinary text skips the work
        return text
    text = _TAG_RUN.sub(lambda m: f"\n{untag(m.group())}\n", text)
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def read_through(text: str) -> str:
    """The text as a model reads it: markup opened, spaced-out letters joined."""
    if "<" in text or "]:" in text:
        text = _MARKUP.sub(lambda m: f"\n{m.group(1) or ''}\n", text)
    if _SPACED_HINT.search(text):
        text = _SPACED_OUT.sub(lambda m: m.group()[::2], text)
    return _SPACES.sub(" ", text)


def fold(text: str) -> str:
    """Lower case, look-alike letters made Latin, "you're" spelled out: the form signals
    are matched against."""
    lower = text.lower()
    if not lower.isascii():
        lower = lower.translate(LOOKALIKES)
    return lower.replace("you're", "you are") if "you're" in lower else lower


def normalize(text: str) -> str:
    """The text as the detector reads it, without the disguises meant for a human eye:
    lower-cased, full-width and look-alike letters made plain, zero-width and tag
    characters dealt with, comment markup opened, letters spaced apart joined."""
    return fold(read_through(undisguise(text)))


# Text a person does not see but a model reads: comments, markdown comments, HTML hidden by
# its style or attributes.
_COMMENT = re.compile(r"<!--(.*?)(?:-->|$)", re.DOTALL)
_MD_COMMENT = re.compile(r"^[ \t]*\[[^\]\n]{0,40}\]:[ \t]*(?:#|<>)[ \t]*\((.*)\)", re.MULTILINE)
_HIDDEN_HTML = re.compile(
    r"<(\w+)\b[^>]*?(?:style\s*=\s*[\"'][^\"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|"
    r"font-size\s*:\s*0|opacity\s*:\s*0|color\s*:\s*(?:white|#fff(?:fff)?\b|transparent))|"
    r"\shidden\b)[^>]*>(.*?)</\1\s*>",
    re.DOTALL | re.IGNORECASE,
)


def hidden_parts(text: str) -> Iterator[str]:
    """The parts of the text hidden from a person who looks at it rendered."""
    if "<!--" in text:
        yield from _COMMENT.findall(text)
    if "]:" in text:
        yield from _MD_COMMENT.findall(text)
    if "<" in text and ("style" in text or "hidden" in text):
        yield from (m.group(2) for m in _HIDDEN_HTML.finditer(text))
    if not text.isascii():
        yield from (untag(run) for run in _TAG_RUN.findall(text))
