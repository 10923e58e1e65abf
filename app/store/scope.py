"""Scope tokens: folders, kinds and sources written into an indexed full-text column.

Filtering on stored columns makes SQLite read every match's row before ranking; a filter
expressed as tokens in the MATCH lets FTS5 intersect posting lists instead, so a filtered
query costs no more than its rarest part. Tokens are hashed so any folder name, in any
script, becomes one plain token.
"""

from __future__ import annotations

import hashlib

SCOPE_PREFIX = {"path": "p", "kind": "k", "source": "s"}


def token(field: str, value: str) -> str:
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).hexdigest()
    return f"{SCOPE_PREFIX[field]}{digest}"


def entry_scope(path: str, kind: str, source_kinds: str) -> str:
    """Every folder above the file and the file itself, its kind and its provenance kinds."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    tokens = [token("path", p) for p in prefixes] + [token("kind", kind)]
    tokens += [token("source", s) for s in source_kinds.split()]
    return " ".join(tokens)


def event_scope(source: str) -> str:
    return f"{token('kind', 'event')} {token('source', source)}"


def match_clause(paths: tuple[str, ...], kind: str, source: str) -> str:
    """The FTS5 condition for these filters ('' when none), to AND with the query: under
    any of the folders, of the kind, from the source."""
    wanted = []
    if paths:
        folders = " OR ".join(f'scope : "{token("path", p.strip("/"))}"' for p in paths)
        wanted.append(f"({folders})" if len(paths) > 1 else folders)
    if kind:
        wanted.append(f'scope : "{token("kind", kind)}"')
    if source:
        wanted.append(f'scope : "{token("source", source)}"')
    return " AND ".join(wanted)
