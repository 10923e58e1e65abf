"""SQL for compacting the index (amber/compaction.py): its pages, the full-text tables'
segment merges, and free pages given back to the disk."""

from __future__ import annotations

from dataclasses import dataclass

from amber.store.db import Database
from amber.store.fulltext import UNSPACED

FULLTEXT_TABLES = ("search", UNSPACED)
INCREMENTAL = 2  # PRAGMA auto_vacuum's value for INCREMENTAL


@dataclass(frozen=True)
class Pages:
    page_size: int
    total: int
    free: int
    auto_vacuum: int

    @property
    def free_share(self) -> float:
        return self.free / self.total if self.total else 0.0


def pages(db: Database) -> Pages:
    def pragma(name: str) -> int:
        row = db.one(f"PRAGMA {name}")
        return int(row[0]) if row else 0

    names = ("page_size", "page_count", "freelist_count", "auto_vacuum")
    return Pages(*(pragma(name) for name in names))


def merge_step(db: Database, table: str, pages: int) -> bool:
    """Merge up to about `pages` pages of a full-text table's segments (all of them, like
    'optimize', once repeated until it answers False); True: it found work to do."""
    with db.write() as conn:
        before = conn.total_changes
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('merge', ?)", (-pages,))
        # FTS5 says "nothing left to merge" by a change count below 2 (its merge command)
        return conn.total_changes - before >= 2


def give_back(db: Database, pages: int) -> None:
    """Return up to `pages` free pages to the file system (auto_vacuum = INCREMENTAL)."""
    with db.write() as conn:
        conn.execute(f"PRAGMA incremental_vacuum({int(pages)})").fetchall()


def vacuum(db: Database, *, incremental: bool) -> None:
    db.vacuum(incremental=incremental)
