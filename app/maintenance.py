"""Doctor, stats (size per source, growth per month) and the tree listing: read-only views
over files and index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from amber.config import Config
from amber.indexer import Indexer
from amber.security.keys import describe_key, key_mode
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store.db import Database
from amber.tree.layout import ARCHIVE

Describe = Callable[[str], str]  # a folder's path -> what its context.md says it holds


@dataclass
class DoctorReport:
    drift: dict[str, list[str]] = field(default_factory=dict)  # new/changed/missing -> paths
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it is not an entry
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why it was not indexed
    key: str = ""
    integrity: str = ""
    config: list[str] = field(default_factory=list)  # bad values in config.toml
    unreadable_names: list[str] = field(default_factory=list)  # not UTF-8: passed over

    @property
    def clean(self) -> bool:
        return (
            not any(self.drift.values())
            and not self.problems
            and not self.skipped
            and not self.config
            and not self.unreadable_names
            and (self.integrity == "ok")
        )


def doctor(config: Config, db: Database, indexer: Indexer) -> DoctorReport:
    """Report drift between tree and index without changing anything."""
    report = DoctorReport(key=describe_key(config))
    report.config = config.problems
    report.unreadable_names = indexer.files.unreadable_names()
    report.drift = _drift(indexer)
    rows = db.query("SELECT path, problem FROM entries WHERE problem IS NOT NULL")
    report.problems = dict(rows)
    report.skipped = {p: s.reason for p, s in entry_rows.skipped_files(db).items()}
    row = db.one("PRAGMA quick_check")
    report.integrity = str(row[0]) if row else "unknown"
    return report


def _drift(indexer: Indexer) -> dict[str, list[str]]:
    indexed = entry_rows.indexed_files(indexer.db)
    skipped = entry_rows.skipped_files(indexer.db)
    drift: dict[str, list[str]] = {"new": [], "changed": [], "missing": []}
    for stat in indexer.files.walk():
        known = indexed.pop(stat.rel_path, None)
        if known is None:
            if stat.rel_path not in skipped:
                drift["new"].append(stat.rel_path)
        elif (known.mtime_ns, known.size) != (stat.mtime_ns, stat.size):
            drift["changed"].append(stat.rel_path)
    drift["missing"] = sorted(indexed)
    return drift


def stats(config: Config, db: Database) -> dict[str, object]:
    total, archived, problems = db.one(
        "SELECT count(*), sum(path LIKE '\\_archive/%' ESCAPE '\\'), count(problem) FROM entries"
    ) or (0, 0, 0)
    kinds = dict(db.query("SELECT kind, count(*) FROM entries GROUP BY kind ORDER BY 2 DESC"))
    return {
        "home": str(config.home),
        "tree": str(config.tree_dir),
        "entries": total,
        "archived": archived or 0,
        "entries_with_problems": problems,
        "kinds": kinds,
        "events": event_rows.event_count(db),
        "events_by_source": event_rows.source_counts(db),
        "index_bytes": _size(config.index_path),
        "key_storage": key_mode(config),  # the key file when one is in use
    }


@dataclass
class SourceSize:
    source: str
    events: int
    text_bytes: int
    share: float  # of all the text the index holds (events and entries)
    index_bytes: int  # the index file's size in that share: an estimate


@dataclass
class Storage:
    index_bytes: int
    sources: list[SourceSize]
    months: dict[str, dict[str, int]]  # YYYY-MM -> source -> events stored that month

    def to_json(self) -> dict[str, object]:
        return {
            "index_bytes": self.index_bytes,
            "sources": [vars(s) for s in self.sources],
            "months": self.months,
        }


def storage(config: Config, db: Database) -> Storage:
    """Size per source (events, bytes of text, their share of the index) and how many
    events each month added, by source."""
    sizes = event_rows.source_sizes(db)
    row = db.one("SELECT sum(length(CAST(body AS BLOB))) FROM entries")
    entry_bytes = int(row[0] or 0) if row else 0
    total = sum(size for _source, _count, size in sizes) + entry_bytes
    index_bytes = _size(config.index_path)
    sources = []
    for source, count, size in sizes:
        share = size / total if total else 0.0
        sources.append(SourceSize(source, count, size, round(share, 4), int(index_bytes * share)))
    months: dict[str, dict[str, int]] = {}
    for month, source, count in event_rows.added_per_month(db):
        months.setdefault(month, {})[source] = count
    return Storage(index_bytes, sources, months)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


DESCRIPTION_CHARS = 120


@dataclass
class TreeNode:
    name: str
    path: str
    description: str = ""
    entries: list[dict[str, str]] = field(default_factory=list)
    children: dict[str, TreeNode] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.entries) + sum(c.count for c in self.children.values())

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": self.path,
            "description": self.description,
            "count": self.count,
            "entries": self.entries,
            "children": [c.to_json() for c in self.children.values()],
        }


def tree(
    db: Database, folder: str = "", include_archive: bool = False, describe: Describe | None = None
) -> TreeNode:
    """The entries under `folder` as nested folders; `describe` gives each folder its
    description (its context.md is a file on disk, never an index row)."""
    root = TreeNode(name=folder.rsplit("/", 1)[-1] or "tree", path=folder)
    for row in entry_rows.entry_rows_under(db, folder):
        rel = row.path[len(folder) :].lstrip("/") if folder else row.path
        if rel.startswith(ARCHIVE + "/") and not include_archive:
            continue
        node = _node_for(root, rel.split("/")[:-1])
        node.entries.append({"id": row.id, "title": row.title, "kind": row.kind, "path": row.path})
    if describe is not None:
        for node in _nodes(root):
            node.description = describe(node.path)[:DESCRIPTION_CHARS]
    return root


def _node_for(root: TreeNode, parts: list[str]) -> TreeNode:
    node = root
    for part in parts:
        path = f"{node.path}/{part}".lstrip("/")
        node = node.children.setdefault(part, TreeNode(name=part, path=path))
    return node


def _nodes(node: TreeNode) -> Iterator[TreeNode]:
    yield node
    for child in node.children.values():
        yield from _nodes(child)
