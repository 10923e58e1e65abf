"""What the TUI's tree browser and the folders' context.md files read: every entry's place
and name, without bodies.

`maintenance.tree` reads whole rows (bodies included) to print `amber tree`; the browser
refreshes whenever memory changes, and a context.md lists a folder's entries, so they read
only the columns they show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from amber.store.db import UNDER_FOLDER, Database, under_folder
from amber.tree.layout import ARCHIVE


@dataclass(frozen=True)
class OutlineRow:
    id: str
    path: str
    title: str
    kind: str
    problem: str | None = None  # why the file could not be read as an entry (the TUI marks it)


def outline_rows(db: Database) -> list[OutlineRow]:
    rows = db.query("SELECT id, path, title, kind, problem FROM entries ORDER BY path")
    return [OutlineRow(*row) for row in rows]


def outline_page(
    db: Database, after: str, limit: int, folders: tuple[str, ...] = ("",)
) -> list[OutlineRow]:
    """Up to `limit` entries outside the archive whose path sorts after `after`, in path
    order, under one of `folders` ("" is everything): one page of a listing that keeps its
    order while entries come and go (the MCP server's resources/list)."""
    where = ["path > ?", f"NOT ({UNDER_FOLDER})"]
    params: list[object] = [after, under_folder(ARCHIVE)]
    if "" not in folders:
        where.append("(" + " OR ".join([UNDER_FOLDER] * len(folders)) + ")")
        params += [under_folder(folder) for folder in folders]
    sql = f"SELECT id, path, title, kind FROM entries WHERE {' AND '.join(where)}"
    rows = db.query(sql + " ORDER BY path LIMIT ?", (*params, limit))
    return [OutlineRow(*row) for row in rows]


class ListedEntry(NamedTuple):
    """An entry as a folder's context.md lists it (amber/contexts/)."""

    path: str
    title: str
    tags_json: str
    created: str | None
    updated: str | None
    valid_from: str | None

    def tags(self) -> list[str]:
        return json.loads(self.tags_json) if self.tags_json != "[]" else []


def listed_entries(db: Database) -> list[ListedEntry]:
    """Every entry outside the archive (what was superseded is not what a folder holds)."""
    rows = db.query(
        "SELECT path, title, tags, created, updated, valid_from FROM entries "
        f"WHERE NOT ({UNDER_FOLDER}) ORDER BY path",
        (under_folder(ARCHIVE),),
    )
    return [ListedEntry(*row) for row in rows]
