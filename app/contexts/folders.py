"""The folders of the tree as a context.md sees them: the entries in each, and for each
folder everything below it counted once (entries, the dates they span, the tags they
share), built in one pass over the index's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from amber.store.outline import ListedEntry


@dataclass
class Folder:
    path: str  # '' for the tree's root
    entries: list[ListedEntry] = field(default_factory=list)  # in this folder itself
    folders: dict[str, Folder] = field(default_factory=dict)
    total: int = 0  # entries here and below
    first: str = ""  # the earliest and latest date of those entries
    last: str = ""
    tags: Counter[str] = field(default_factory=Counter)  # each entry's tags counted once
    # A tag's best place in an entry's list: pages list their strongest keyword first
    # (amber/distill/digest.py), so among tags as common, the one listed first says more.
    tag_places: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def add(self, tags: list[str], day: str) -> None:
        """Count an entry here or below, with its tags (each once) and its date."""
        self.total += 1
        for place, tag in enumerate(tags):
            self.tags[tag] += 1
            self.tag_places[tag] = min(place, self.tag_places.get(tag, place))
        if day and (not self.first or day < self.first):
            self.first = day
        if day > self.last:
            self.last = day

    def below(self) -> Iterator[ListedEntry]:
        """Every entry here and in the folders below."""
        yield from self.entries
        for child in self.folders.values():
            yield from child.below()


def entry_date(entry: ListedEntry) -> str:
    """The day an entry is about: when it became true, else when it was written (a date
    that a later rewrite does not move)."""
    return (entry.valid_from or entry.created or entry.updated or "")[:10]


def build(rows: list[ListedEntry]) -> Folder:
    root = Folder("")
    for row in rows:
        tags, day = list(dict.fromkeys(row.tags())), entry_date(row)
        folder = root
        root.add(tags, day)
        for part in row.path.split("/")[:-1]:
            child = folder.folders.get(part)
            if child is None:
                child = folder.folders[part] = Folder(f"{folder.path}/{part}".lstrip("/"))
            folder = child
            folder.add(tags, day)
        folder.entries.append(row)
    return root


def find(root: Folder, path: str) -> Folder | None:
    folder: Folder | None = root
    for part in [p for p in path.split("/") if p]:
        folder = folder.folders.get(part) if folder else None
    return folder


def every_folder(root: Folder) -> Iterator[Folder]:
    yield root
    for child in root.folders.values():
        yield from every_folder(child)
