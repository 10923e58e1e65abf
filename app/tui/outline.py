"""The tree browser's model: folders with entry counts, built from the index's outline rows.

Built in one pass over rows ordered by path (about 10 ms for 10k entries); the Tree widget
then shows one folder's children at a time, so expanding a folder costs its size only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from amber.store.outline import OutlineRow
from amber.tree.layout import ARCHIVE

DESCRIPTION_CHARS = 80


@dataclass
class Folder:
    name: str
    path: str
    description: str = ""  # first line of the folder's context.md
    folders: dict[str, Folder] = field(default_factory=dict)
    entries: list[OutlineRow] = field(default_factory=list)
    count: int = 0  # entries here and below, set by `build_outline`

    def sorted_folders(self) -> list[Folder]:
        # The archive goes last: it holds what was superseded, rarely what one looks for.
        return sorted(self.folders.values(), key=lambda f: (f.name == ARCHIVE, f.name))

    def sorted_entries(self) -> list[OutlineRow]:
        return sorted(self.entries, key=lambda e: e.title.casefold())


def build_outline(rows: list[OutlineRow], describe: Callable[[str], str] | None = None) -> Folder:
    """The folders of these rows; `describe` gives a folder's description (what its
    context.md says; that file is on disk, never an index row)."""
    root = Folder(name="tree", path="")
    for row in rows:
        _folder_for(root, row.path.split("/")[:-1]).entries.append(row)
    _count(root)
    if describe is not None:
        _describe(root, describe)
    return root


def find_folder(root: Folder, path: str) -> Folder | None:
    folder: Folder | None = root
    for part in [p for p in path.split("/") if p]:
        folder = folder.folders.get(part) if folder else None
    return folder


def _folder_for(root: Folder, parts: list[str]) -> Folder:
    folder = root
    for part in parts:
        child = folder.folders.get(part)
        if child is None:
            path = f"{folder.path}/{part}".lstrip("/")
            child = folder.folders[part] = Folder(name=part, path=path)
        folder = child
    return folder


def _count(folder: Folder) -> int:
    folder.count = len(folder.entries) + sum(_count(f) for f in folder.folders.values())
    return folder.count


def _describe(folder: Folder, describe: Callable[[str], str]) -> None:
    for child in folder.folders.values():
        child.description = describe(child.path)[:DESCRIPTION_CHARS]
        _describe(child, describe)
