"""Where a new memory goes: the model's suggested folder, normalized, reusing an existing
domain or topic when one is close enough, so the tree does not sprawl into near-duplicate
folders (`person/` beside `people/`, `work_project/` beside `work_projects/`)."""

from __future__ import annotations

import difflib
import re

from amber.tree import layout

MAX_DEPTH = 2  # domain/topic; deeper suggestions are cut
MATCH_CUTOFF = 0.8
# A few broad domains small models name in many ways: their spellings map to one folder.
SYNONYMS = {
    "person": "people",
    "persons": "people",
    "contacts": "people",
    "friends": "people",
    "family": "people",
    "preference": "preferences",
    "likes": "preferences",
    "project": "projects",
    "work_projects": "projects",
    "event": "events",
    "decision": "decisions",
    "procedure": "procedures",
    "howto": "procedures",
    "note": "notes",
    "misc": "notes",
    "general": "notes",
    "other": "notes",
}


def _parts(suggestion: str) -> list[str]:
    raw = [p for p in re.split(r"[\\/>:|,;]+", suggestion) if p.strip()]
    parts = [layout.folder_name(p) for p in raw]
    return [p for p in parts if p not in ("entry", layout.ARCHIVE, "") and not p.isdigit()]


class FolderIndex:
    """The folders of the tree (outside the archive), for matching suggestions against."""

    def __init__(self, entry_paths: list[str]) -> None:
        self.children: dict[str, set[str]] = {"": set()}
        for path in entry_paths:
            if not path.startswith(layout.ARCHIVE + "/"):
                self.add(path.rsplit("/", 1)[0] if "/" in path else "")

    def add(self, folder: str) -> None:
        parent = ""
        for part in [p for p in folder.split("/") if p]:
            self.children.setdefault(parent, set()).add(part)
            parent = f"{parent}/{part}".strip("/")
            self.children.setdefault(parent, set())

    def place(self, suggestion: str, kind: str) -> str:
        """A folder for a suggestion such as 'People > Close Friends' ('' -> by kind)."""
        parts = _parts(suggestion)[:MAX_DEPTH] or [layout.default_folder(kind)]
        if parts[0] not in self.children[""]:
            parts[0] = SYNONYMS.get(parts[0], parts[0])
        chosen: list[str] = []
        for part in parts:
            parent = "/".join(chosen)
            chosen.append(self._closest(part, self.children.get(parent, set())))
        folder = "/".join(chosen)
        self.add(folder)
        return folder

    @staticmethod
    def _closest(name: str, existing: set[str]) -> str:
        if name in existing:
            return name
        for variant in (name + "s", name.removesuffix("s"), name + "es", name.removesuffix("es")):
            if variant in existing:
                return variant
        close = difflib.get_close_matches(name, sorted(existing), n=1, cutoff=MATCH_CUTOFF)
        return close[0] if close else name
