"""What one write to the tree consists of, decided before anything is written.

A `WritePlan` lists every file it creates, replaces or removes, with the content each file
must hold now for the plan to still be right (`expected`): the writer checks that under
the tree lock, just before it writes, so an edit made meanwhile by an editor or another
process is never overwritten unseen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

from amber.ids import new_id


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Final = _Any()  # `expected`: whatever the file holds (a removal that must happen anyway)
ABSENT: Final = None  # `expected`: the file must not exist yet


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class FileWrite:
    """One file: its new bytes, or None to remove it."""

    path: str
    data: bytes | None
    entry_id: str
    expected: str | _Any | None = ANY  # sha256 of what must be there now, ABSENT or ANY

    @property
    def after_hash(self) -> str | None:
        return None if self.data is None else sha256(self.data)


@dataclass(frozen=True)
class FileMove:
    """A file renamed as it is: the same bytes and modification time, in one rename."""

    source: str
    target: str
    entry_id: str
    expected: str  # sha256 the source must hold

    @property
    def paths(self) -> tuple[str, str]:
        return self.source, self.target


@dataclass
class WritePlan:
    """One unit: its files are written, indexed and audited together, or not at all."""

    action: str  # what the audit log calls it: remember, update, move, forget, edit, ...
    entry_id: str
    title: str = ""
    path: str = ""  # the entry's file this plan is about (for a move: where it goes)
    files: list[FileWrite] = field(default_factory=list)
    moves: list[FileMove] = field(default_factory=list)
    audit: dict[str, object] = field(default_factory=dict)
    forget: bool = False  # the entry is gone for good: lifecycle and undo copies go too
    interface: str = ""  # who writes, for the audit log, when not the writer's own interface
    id: str = field(default_factory=new_id)

    def add(self, write: FileWrite) -> WritePlan:
        self.files.append(write)
        return self

    @property
    def paths(self) -> list[str]:
        """Every path the plan touches, each once."""
        moved = [path for move in self.moves for path in move.paths]
        return list(dict.fromkeys([*(w.path for w in self.files), *moved]))
