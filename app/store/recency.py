"""Which entries changed most recently, without reading their bodies."""

from __future__ import annotations

from amber.store.db import UNDER_FOLDER, Database, under_folder

# The later of the `updated` field and the file's mtime: an editor's save changes only the file.
_CHANGED = (
    "max(coalesce(updated, created, ''), "
    "strftime('%Y-%m-%dT%H:%M:%SZ', mtime_ns / 1000000000, 'unixepoch'))"
)


def recently_changed(
    db: Database, folder: str, limit: int, since: str = ""
) -> list[tuple[str, str]]:
    """(entry id, when it changed) under `folder` ('' = everywhere), archive excluded, newest
    first; `since` (ISO) leaves out what changed before it."""
    where = ["path NOT LIKE '\\_archive/%' ESCAPE '\\'", f"{_CHANGED} >= ?"]
    params: list[object] = [since]
    if folder:
        where.append(UNDER_FOLDER)
        params.append(under_folder(folder))
    rows = db.query(
        f"SELECT id, {_CHANGED} AS changed FROM entries WHERE {' AND '.join(where)} "
        "ORDER BY changed DESC, mtime_ns DESC, rowid DESC LIMIT ?",
        [*params, limit],
    )
    return [(row[0], row[1]) for row in rows]
