"""Stage one of de-duplication: a perceptual hash of the frame, before OCR (cheap). Stage
two, text nearly the same as the window's event, is Amber's (amber/snapshots.py)."""

from __future__ import annotations

import hashlib

from PIL import Image

HASH_SIZE = 16  # a 256-bit difference hash: small enough to ignore a blinking cursor,
# large enough to notice a new paragraph


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
