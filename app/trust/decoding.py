"""Text hidden in an encoding a model can read: base64 (standard or URL-safe), hex, runs
of escaped bytes, rot13. A run counts only when it decodes to something that reads like
text, which random bytes (an image, a hash, a key) almost never do; rot13 is read where the
text holds an override's words in rot13, or names rot13.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from itertools import islice

# Runs that may decode to text: base64 (standard or URL-safe), hex, and \x or % escapes.
_ENCODED_RUN = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
_ESCAPED_RUN = re.compile(r"(?:\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}){8,}")
_HEX = re.compile(r"(?:0x)?((?:[0-9a-fA-F]{2})+)")
_MAX_RUN = 16_384  # decode no more than this of one run: an image is not an order
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
# rot13 is read when the text holds the rot13 form of an override's words (then all of it),
# or names rot13 (then what follows the name: a note about rot13 need not be read twice).
_ROT13_WORDS = ("vtaber", "qvfertneq", "vafgehpgvba", "cebzcg", "flfgrz")
_ROT13_NAME = re.compile(r"rot[ -]?13")
_ROT13_REACH = 500
_ROT13_NAMES = 3  # a text that names rot13 a thousand times gets the first three read


def _as_text(data: bytes) -> str | None:
    """The bytes as text when they read like text (random bytes almost never do)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() for c in text)
    printable = sum(c.isprintable() or c in "\n\t" for c in text)
    return text if printable >= 0.95 * len(text) and letters >= 0.5 * len(text) else None


def _decode_run(run: str) -> str | None:
    run = run[:_MAX_RUN]
    hexed = _HEX.fullmatch(run)
    try:
        if hexed and len(hexed.group(1)) >= 16:
            return _as_text(bytes.fromhex(hexed.group(1)))
        padded = run + "=" * (-len(run) % 4)
        altchars = b"-_" if ("-" in run or "_" in run) else None
        return _as_text(base64.b64decode(padded, altchars=altchars))
    except (binascii.Error, ValueError):
        return None


def _unescape(run: str) -> str | None:
    digits = run.replace("\\x", "").replace("\\X", "").replace("%", "")
    return _as_text(bytes.fromhex(digits))


def decoded_parts(plain: str, lower: str) -> Iterator[str]:
    """Text hidden in an encoding a model can read: base64, hex, escapes, rot13."""
    for run in _ENCODED_RUN.findall(plain):
        decoded = _decode_run(run)
        if decoded:
            yield decoded
    if "\\x" in lower or "%" in plain:
        yield from filter(None, map(_unescape, _ESCAPED_RUN.findall(plain)))
    if any(word in lower for word in _ROT13_WORDS):
        yield plain.translate(_ROT13)
    elif "rot" in lower:
        for name in islice(_ROT13_NAME.finditer(lower), _ROT13_NAMES):
            yield plain[name.end() : name.end() + _ROT13_REACH].translate(_ROT13)
