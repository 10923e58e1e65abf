"""Text in scripts written without spaces between words: Chinese, Japanese, Korean, Thai.

FTS5's unicode61 tokenizer cuts words at spaces and punctuation, so a Japanese sentence is
one token and a word inside it cannot be found. Text in these scripts is therefore also
indexed as overlapping character pairs (bigrams, the usual dictionary-free way to index
CJK), in a second full-text table that only documents holding such text have a row in
(app/store/fulltext.py); queries in these scripts search it (app/retrieval/unspaced.py).

A run "アップデート" is written as the tokens `アッ ップ プデ デー ート ト`: every character
starts a token, so a one-character query is a prefix query (`"ト" *`), a longer one the
phrase of its pairs, and the last character alone ends each run so that no phrase can
match across two runs.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata

# Scripts that do not put spaces between words (Korean does, but glues particles on:
# "회의에서" is "at the meeting"). Punctuation inside these blocks is removed per character.
_BLOCKS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff"  # Hangul Jamo
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uffdc"  # halfwidth Katakana and Hangul (NFKC makes them full width)
    "\U00020000-\U0003134f"  # CJK extensions B to H
)
# The blocks above that hold more than letters, marks and numbers: their punctuation
# (・, ๏, ។...) separates words. The ideograph and syllable blocks hold letters only.
_MIXED_BLOCKS = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x2E80, 0x2FDF),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0xFF66, 0xFFDC),
)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(runs, separators), compiled when first needed: the class of runs takes milliseconds
    to compile, which `amber recall` on ASCII text never needs to pay at start-up."""
    separators = "".join(
        chr(code)
        for low, high in _MIXED_BLOCKS
        for code in range(low, high + 1)
        if unicodedata.category(chr(code))[0] not in "LMN"
    )
    return re.compile(f"[{_BLOCKS}]+"), re.compile(f"[{re.escape(separators)}]")


def has_unspaced(text: str) -> bool:
    """Whether the text holds any character of those scripts (ASCII is answered at once)."""
    return not text.isascii() and _patterns()[0].search(text) is not None


def runs(text: str) -> list[str]:
    """The runs of those scripts in the text, NFKC-normalised (half-width kana, compatibility
    ideographs), cut at their punctuation."""
    if not has_unspaced(text):
        return []
    run, separator = _patterns()
    return run.findall(separator.sub(" ", unicodedata.normalize("NFKC", text)))


def index_text(text: str) -> str:
    """The text's runs as the tokens the bigram table holds ('' when it has none)."""
    return " ".join(_tokens(run) for run in runs(text))


def _tokens(run: str) -> str:
    return " ".join([*map(operator.add, run, run[1:]), run[-1]])


def split_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """Query terms split into those for the ordinary index and the runs for the bigram
    table: "iphone15のバッテリー" gives "iphone15" to the first and "のバッテリー" to the
    second."""
    spaced: list[str] = []
    unspaced: list[str] = []
    for term in terms:
        found = runs(term)
        if not found:
            spaced.append(term)
            continue
        unspaced += found
        rest = _patterns()[0].sub(" ", term)
        spaced += [w for w in re.findall(r"\w+", rest) if w.strip("_")]
    return list(dict.fromkeys(spaced)), list(dict.fromkeys(unspaced))


def run_expressions(run: str) -> list[str]:
    """FTS5 expressions for one query run, the whole run first: a one-character run is a
    prefix query, a longer one the phrase of its pairs, followed by each pair alone so that
    a question ("先週何を買いましたか") also finds the words it shares with a memory."""
    if len(run) == 1:
        return [f'"{run}" *']
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    whole = f'"{" ".join(pairs)}"'
    return list(dict.fromkeys([whole, *(f'"{pair}"' for pair in pairs)]))
