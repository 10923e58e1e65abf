"""Event segment files: how captured events and tombstones travel, encrypted.

A segment is written once and never changed (`.amber/events/<device>/<ulid>.seg`; a new
batch is a new file, so two devices never edit the same one and git never merges them):

    AMBERSEG1\\n | nonce (12 bytes) | AES-256-GCM(zlib(JSON lines))

The key is derived from the memory key (`derive_key(key, "sync-events")`), the nonce is
random per segment, and the segment's own name is authenticated with it (associated
data), so a segment renamed, cut, altered or made with another key is refused whole on
read: nothing of it is applied. Each line is one record: `{"t": "event", ...}` with the
fields of an event, or `{"t": "forget", "kind": "event"|"entry", "key": ...}`.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from amber.errors import AmberError

MAGIC = b"AMBERSEG1\n"
NONCE_BYTES = 12
EVENTS_DIR = ".amber/events"
SUFFIX = ".seg"
KEY_PURPOSE = "sync-events"


class SegmentError(AmberError):
    """A segment that cannot be read: altered, cut, or made with another key."""

    exit_code = 3


def seal(key: bytes, name: str, records: list[dict[str, object]]) -> bytes:
    """The bytes of a segment named `name` (its path under the tree) holding `records`."""
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, zlib.compress(lines.encode("utf-8"), 6), _aad(name))
    return MAGIC + nonce + sealed


def open_segment(key: bytes, name: str, data: bytes) -> list[dict[str, object]]:
    """The records of a segment, after its integrity is checked (else SegmentError)."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + NONCE_BYTES + 16:
        raise SegmentError(f"{name} is not an Amber event segment (or was cut short)")
    nonce = data[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        plain = AESGCM(key).decrypt(nonce, data[len(MAGIC) + NONCE_BYTES :], _aad(name))
    except InvalidTag:
        raise SegmentError(
            f"{name} does not decrypt: it was altered, or written with another memory key "
            "(every device must share one key: `amber key export` / `amber key import`)"
        ) from None
    text = zlib.decompress(plain).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def _aad(name: str) -> bytes:
    return MAGIC + name.encode("utf-8")


def segment_name(device: str, ulid: str) -> str:
    return f"{EVENTS_DIR}/{device}/{ulid}{SUFFIX}"


def list_segments(tree: Path) -> list[str]:
    """Every segment in the tree (tree-relative names), oldest first within each device;
    ULIDs sort by time, so names sorted by their file name are in writing order."""
    root = tree / EVENTS_DIR
    if not root.is_dir():
        return []
    found = [p for p in root.glob(f"*/*{SUFFIX}") if p.is_file()]
    found.sort(key=lambda p: (p.name, p.parent.name))
    return [p.relative_to(tree).as_posix() for p in found]
