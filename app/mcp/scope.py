"""What part of the Context Tree an agent sees and where its writes land.

A coding agent works on one project: it sees `projects/<name>` plus the user's global
preferences (`preferences/`), and everything it remembers goes under `projects/<name>`.
The project comes from `--scope`, else from the git repository around the working
directory (the folder name of its top level). Outside any repository, and with `--global`,
the agent sees and writes the whole tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amber.errors import InvalidInputError
from amber.tree.layout import ARCHIVE, folder_name, normalize_folder

PROJECTS = "projects"
SHARED_DEFAULT = ("preferences",)


class ScopeError(InvalidInputError):
    """A path or an entry outside what this MCP server may read or write."""


@dataclass(frozen=True)
class Scope:
    home: str = ""  # where writes land; "" is the whole tree
    shared: tuple[str, ...] = SHARED_DEFAULT  # also readable (not writable) when scoped

    @property
    def is_global(self) -> bool:
        return not self.home

    @property
    def readable(self) -> tuple[str, ...]:
        """The folders this agent sees ('' = everything)."""
        if self.is_global:
            return ("",)
        return (self.home, *(s for s in self.shared if s != self.home))

    def can_read(self, rel_path: str) -> bool:
        path = rel_path.removeprefix(ARCHIVE + "/")
        return any(_under(path, root) for root in self.readable)

    def can_write(self, rel_path: str) -> bool:
        return self.is_global or _under(rel_path.removeprefix(ARCHIVE + "/"), self.home)

    def read_folder(self, path: str) -> str:
        """A folder the agent asked to look in, normalized; outside the scope is an error."""
        folder = normalize_folder(path)
        if not self.can_read(folder):
            raise ScopeError(
                f"'{path}' is outside this server's scope; read under {self._readable_text()}"
            )
        return folder

    def write_folder(self, path: str | None) -> str | None:
        """Where a new entry goes: the folder given (inside the scope) or the scope itself;
        None lets Amber choose by kind (global scope only)."""
        if not path or not path.strip():
            return self.home or None
        folder = normalize_folder(path)
        if not self.can_write(folder):
            raise ScopeError(f"'{path}' is outside this server's scope; write under {self.home}")
        return folder

    def check_write(self, rel_path: str, handle: str) -> None:
        if not self.can_write(rel_path):
            raise ScopeError(
                f"memory '{handle}' is outside this server's scope; it may only change "
                f"memories under {self.home}"
            )

    def describe(self) -> str:
        if self.is_global:
            return "the whole memory tree (global scope): reads and writes anywhere"
        also = ", ".join(f"{s}/" for s in self.readable[1:])
        extra = f", plus the user's shared {also} (read-only)" if also else ""
        return f"{self.home}/ (reads and writes){extra}"

    def _readable_text(self) -> str:
        return ", ".join(f"{r}/" for r in self.readable)


def _under(path: str, root: str) -> bool:
    return not root or path == root or path.startswith(root + "/")


def resolve_scope(
    scope: str | None = None,
    *,
    global_scope: bool = False,
    cwd: Path | None = None,
    shared: tuple[str, ...] = SHARED_DEFAULT,
) -> Scope:
    """--scope wins, then --global, then the git repository around `cwd`, else global."""
    shared_folders = tuple(normalize_folder(s) for s in shared if s.strip())
    if scope is not None and scope.strip():
        if global_scope:
            raise InvalidInputError("give either --scope or --global, not both")
        home = normalize_folder(scope)
        if not home:
            raise InvalidInputError(f"--scope '{scope}' names no folder; e.g. projects/myapp")
        return Scope(home, shared_folders)
    if global_scope:
        return Scope("", shared_folders)
    project = detect_project(cwd or Path.cwd())
    return Scope(f"{PROJECTS}/{project}" if project else "", shared_folders)


def detect_project(start: Path) -> str | None:
    """The snake_case name of the git repository holding `start` (its top-level folder)."""
    here = start.resolve()
    home = Path.home().resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a directory, or a file in worktrees and submodules
            # A dotfiles repository at the home folder is not a project.
            return None if folder == home or not folder.name else folder_name(folder.name)
    return None
