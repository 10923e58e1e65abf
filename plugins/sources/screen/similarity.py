"""Two-stage de-duplication: a perceptual hash of the frame (before OCR, cheap), then the
similarity of the OCR text with the previous capture of the same window (after OCR)."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from itertools import pairwise

from PIL import Image

HASH_SIZE = 16  # a 256-bit difference hash: small enough to ignore a blinking cursor,
# large enough to notice a new paragraph
WINDOWS_REMEMBERED = 64


def frame_hash(image: Image.Image) -> int:
    return frame_signature(image)[0]


def frame_signature(image: Image.Image) -> tuple[int, bytes]:
    """(perceptual hash, exact digest) of a frame. The dHash asks whether each pixel of a
    tiny grey copy is brighter than its right neighbour; the exact digest, of a reduced
    grey copy, tells a frame that did not change at all from one that changed a little."""
    factor = max(1, min(image.width // (4 * HASH_SIZE), image.height // (4 * HASH_SIZE)))
    if factor > 1:  # a cheap box reduction first halves the cost on a large screen
        image = image.reduce(factor)
    grey = image.convert("L")
    exact = hashlib.blake2b(grey.tobytes(), digest_size=16).digest()
    return _dhash(grey), exact


def _dhash(grey: Image.Image) -> int:
    small = grey.resize((HASH_SIZE + 1, HASH_SIZE), Image.Resampling.BOX)
    pixels = small.tobytes()
    bits = 0
    for row in range(HASH_SIZE):
        base = row * (HASH_SIZE + 1)
        for col in range(HASH_SIZE):
            bits = (bits << 1) | (pixels[base + col] > pixels[base + col + 1])
    return bits


def hash_distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def shingles(text: str) -> frozenset[str]:
    """Word pairs: a misread word spoils two of them, a reflowed line none, and a moved
    paragraph only the pairs at its edges."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in pairwise(words))


def text_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class LastText:
    """The last captured text per window (bounded), for the second dedup stage."""

    def __init__(self, limit: int = WINDOWS_REMEMBERED) -> None:
        self.limit = limit
        self._texts: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()  # the OCR worker reads, the writer (on commit) writes

    def similar(self, window_key: str, text: str, threshold: float) -> tuple[bool, float]:
        current = shingles(text)
        with self._lock:
            previous = self._texts.get(window_key)
        score = text_similarity(previous, current) if previous is not None else 0.0
        return score >= threshold, score

    def remember(self, window_key: str, text: str) -> None:
        with self._lock:
            self._texts[window_key] = shingles(text)
            self._texts.move_to_end(window_key)
            while len(self._texts) > self.limit:
                self._texts.popitem(last=False)
