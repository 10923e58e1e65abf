"""What the TUI's tree browser reads: every entry's place and name, without bodies.

`maintenance.tree` reads whole rows (bodies included) to print `amber tree`; the browser
refreshes whenever memory changes, so it reads only the columns it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from amber.store.db import Database

DESCRIPTION_CHARS = 300  # enough for a context.md's first line


@dataclass(frozen=True)
class OutlineRow:
    id: str
    path: str
    title: str
    kind: str
    description: str  # the start of a context.md body; '' for entries


def outline_rows(db: Database) -> list[OutlineRow]:
    rows = db.query(
        "SELECT id, path, title, kind, "
        f"CASE WHEN kind = 'context' THEN substr(body, 1, {DESCRIPTION_CHARS}) ELSE '' END "
        "FROM entries ORDER BY path"
    )
    return [OutlineRow(*row) for row in rows]
