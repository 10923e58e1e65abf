"""What one folder's context.md says (amber/tree/context.py writes it out): its line, its
topics, its counts and dates, its folders, and its entries latest first, capped so that
an agent reads a folder in a glance however large it grows."""

from __future__ import annotations

from amber.contexts import describe
from amber.contexts.folders import Folder
from amber.store.outline import ListedEntry
from amber.tree.context import Listed, Listing, Subfolder

ENTRIES_SHOWN = 50
FOLDERS_SHOWN = 50


def listing(folder: Folder) -> Listing:
    children = sorted(folder.folders.values(), key=lambda f: f.name)
    latest = _latest_first(folder.entries)
    shown = latest[:ENTRIES_SHOWN]
    return Listing(
        folder=folder.path,
        description=describe.description(folder),
        topics=describe.topics(folder) if describe.shows_topics(folder) else [],
        total=folder.total,
        here=len(folder.entries),
        span=(folder.first, folder.last) if folder.first else None,
        folders=[_subfolder(f) for f in children[:FOLDERS_SHOWN]],
        entries=[Listed(e.path.rsplit("/", 1)[-1], e.title) for e in shown],
        more_folders=max(0, len(children) - FOLDERS_SHOWN),
        more_entries=len(latest) - len(shown),
    )


def _subfolder(folder: Folder) -> Subfolder:
    return Subfolder(folder.name, folder.total, describe.description(folder))


def _latest_first(entries: list[ListedEntry]) -> list[ListedEntry]:
    """Most recently updated first; equal times in path order, so the same tree always
    gives the same file."""
    by_path = sorted(entries, key=lambda e: e.path)
    return sorted(by_path, key=lambda e: e.updated or e.created or "", reverse=True)
