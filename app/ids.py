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
from collections.abc import Callable
from typing import TypeVar

from amber.errors import InvalidInputError, NotFoundError

PREFIX_MIN = 6
T = TypeVar("T")
_ID_TEXT = re.compile(r"^(?:[0-9A-HJKMNP-TV-Z]{6,26}|file-[0-9a-f]{4,20})$")


def new_id() -> str:
    from ulid import ULID  # imported when first needed: it costs a read-only command 20 ms

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


def ids_with_prefix(handle: str, lookup: Callable[[str], list[str]]) -> list[str]:
    """The ids that start with `handle`, as typed or in upper case (ULIDs are upper case;
    people type either); none for a handle shorter than PREFIX_MIN."""
    if len(handle) < PREFIX_MIN:
        return []
    return lookup(handle) or lookup(handle.upper())


def find_one(
    handle: str,
    load: Callable[[str], T | None],
    lookup: Callable[[str], list[str]],
    what: str,
    listed_by: str,
) -> T:
    """What `handle` names, by its whole id or a unique prefix. `load(id)` reads one,
    `lookup(prefix)` lists ids; `what` names the things ("review items") and `listed_by`
    the command that lists them, for the error messages."""
    handle = handle.strip()
    found = load(handle)
    if found is not None:
        return found
    ids = ids_with_prefix(handle, lookup)
    if len(ids) > 1:
        raise InvalidInputError(f"'{handle}' matches {len(ids)} {what}; give more")
    found = load(ids[0]) if ids else None
    if found is None:
        raise NotFoundError(f"no {what.rstrip('s')} '{handle}'; `{listed_by}` lists them")
    return found
