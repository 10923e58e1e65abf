"""Ids: what names an entry, an event, an operation or a review item.

- Entries, events, distiller operations and review items get a ULID (26 characters,
  Crockford base32, sortable by creation time). An entry keeps its id in its frontmatter,
  so the id survives moves and renames.
- A markdown file without an id of its own (a note written by hand) is named by its path:
  `file-` and 20 hex digits of the path's SHA-1. Amber writes the id into the file the first
  time it changes or moves it, so it keeps that name from then on.
- People may type any unique prefix of an id, at least `PREFIX_MIN` characters, in either
  case.
"""

from __future__ import annotations

import hashlib
import re

from ulid import ULID

PREFIX_MIN = 6
_ID_TEXT = re.compile(r"^(?:[0-9A-HJKMNP-TV-Z]{6,26}|file-[0-9a-f]{4,20})$")


def new_id() -> str:
    return str(ULID())


def path_id(rel_path: str) -> str:
    """The id of a file that holds none in its frontmatter."""
    return "file-" + hashlib.sha1(rel_path.encode("utf-8")).hexdigest()[:20]


def looks_like_id(text: str) -> bool:
    """A ULID or a path id, or a prefix of one long enough to look one up by."""
    return bool(_ID_TEXT.match(text.strip()))


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The range of ids starting with `prefix` (a range, unlike LIKE, can use the index)."""
    return prefix, prefix + "\U0010ffff"
