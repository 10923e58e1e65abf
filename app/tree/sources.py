"""Provenance references as entries write them in `sources:`."""

from __future__ import annotations

import re

_KIND = re.compile(r"^([a-z][a-z0-9_]*):(?!//)")


def source_kind(ref: str) -> str:
    """`conversation:abc#m1` -> conversation; a URL -> web; anything else is a file path."""
    if "://" in ref:
        return "web"
    match = _KIND.match(ref)
    return match.group(1) if match else "file"
