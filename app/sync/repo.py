"""The Context Tree as a git repository: made or adopted, and its local changes committed.

`.gitattributes` keeps every file byte for byte (no line-ending conversion, so the hashes
the entry writer compares stay true) and marks the event segments binary (encrypted:
never diffed, never merged). `.gitignore` leaves out what must not travel: temporary
files of atomic writes, and the conflict copies Syncthing or a cloud folder makes (routed
to review instead, amber/sync/conflicts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from amber.sync.git import Git, GitError
from amber.sync.segments import EVENTS_DIR
from amber.tree import layout
from amber.tree.files import TreeFiles

ATTRIBUTES = (
    "# Written by `amber sync init`: files travel byte for byte; event segments are\n"
    "# encrypted, so git never diffs or merges them.\n"
    "* -text\n"
    f"{EVENTS_DIR}/** binary\n"
)
IGNORED = (
    "# Written by `amber sync init`: what never travels.\n"
    "*.tmp\n"
    "*.sync-conflict-*\n"
    "*conflicted copy*\n"
    ".DS_Store\n"
    ".obsidian/workspace*\n"
)
ATTRIBUTES_FILE = ".gitattributes"
IGNORE_FILE = ".gitignore"


@dataclass
class Staged:
    """What a local commit holds, by kind of change (tree-relative paths)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        parts = (self.added, self.changed, self.removed, self.moved, self.segments, self.other)
        return not any(parts)


def ensure_repository(git: Git, files: TreeFiles, branch: str) -> bool:
    """Make the tree a repository, or adopt the one it is; True when one was made. A tree
    inside another repository is refused: committing would take the user's other files."""
    top = git.run("rev-parse", "--show-toplevel", check=False)
    if top.code == 0:
        if git.root.resolve() != Path(top.out.strip()).resolve():
            raise GitError(
                f"the tree {git.root} is inside the git repository {top.out.strip()}; sync "
                "needs the tree as a repository of its own: move the tree (`[tree] path` in "
                "config.toml) or sync that repository with git yourself"
            )
        made = False
    else:
        git.run("init", "-q", "-b", branch)
        made = True
    _fit_file(files, ATTRIBUTES_FILE, ATTRIBUTES)
    _fit_file(files, IGNORE_FILE, IGNORED)
    return made


def _fit_file(files: TreeFiles, name: str, wanted: str) -> None:
    """Add the lines Amber needs to the file, keeping the user's own lines."""
    current = files.read_bytes(name).decode("utf-8", "replace") if files.exists(name) else ""
    have = set(current.splitlines())
    missing = [line for line in wanted.splitlines() if line not in have]
    if not missing:
        return
    joined = current + ("\n" if current and not current.endswith("\n") else "")
    files.write_text(name, joined + "\n".join(missing) + "\n")


def stage_all(git: Git) -> Staged:
    """`git add -A`, then what is staged against HEAD."""
    git.run("add", "-A")
    head = git.head()
    if head is None:
        return _sorted(Staged(added=git.z_paths("ls-files", "-z")))
    listing = git.z_paths("diff", "--cached", "--name-status", "-z", "-M", head)
    return _sorted(_parse_status(listing))


def _parse_status(items: list[str]) -> Staged:
    staged = Staged()
    i = 0
    while i < len(items):
        status = items[i]
        if status.startswith(("R", "C")):
            staged.moved.append((items[i + 1], items[i + 2]))
            i += 3
            continue
        path = items[i + 1]
        i += 2
        bucket = {"A": staged.added, "D": staged.removed}.get(status[0], staged.changed)
        bucket.append(path)
    return staged


def _sorted(staged: Staged) -> Staged:
    """Segments and files that are not entries apart from the entries."""
    for bucket in (staged.added, staged.changed, staged.removed):
        for path in list(bucket):
            if path.startswith(EVENTS_DIR + "/"):
                bucket.remove(path)
                staged.segments.append(path)
            elif not layout.is_entry_file(path):
                bucket.remove(path)
                staged.other.append(path)
    return staged


def commit_message(device: str, staged: Staged) -> str:
    """`<device>: 2 added, 1 changed, 1 event segment`, then the paths, a few of each."""
    counts = [
        (len(staged.added), "added"),
        (len(staged.changed), "changed"),
        (len(staged.removed), "removed"),
        (len(staged.moved), "moved"),
        (len(staged.other), "other files"),
    ]
    said = [f"{n} {what}" for n, what in counts if n]
    if staged.segments:
        said.append(f"{len(staged.segments)} event segment{'s' * (len(staged.segments) > 1)}")
    lines = [f"{device}: {', '.join(said) or 'no changes'}", ""]
    for label, paths in (("added", staged.added), ("changed", staged.changed)):
        lines += [f"{label}: {p}" for p in paths[:10]]
    lines += [f"removed: {p}" for p in staged.removed[:10]]
    lines += [f"moved: {a} -> {b}" for a, b in staged.moved[:10]]
    return "\n".join(lines).strip() + "\n"


def git_processes_in(tree: Path) -> list[int]:
    """Pids of the git processes working in the tree (their folder is it or inside it);
    processes this user may not inspect are passed over."""
    import psutil

    tree, found = tree.resolve(), []
    for proc in psutil.process_iter(["name", "cwd"]):
        name, cwd = proc.info.get("name") or "", proc.info.get("cwd")
        if not name.startswith("git") or not cwd:
            continue
        folder = Path(cwd)
        if folder == tree or tree in folder.parents:
            found.append(proc.pid)
    return found


def commit(git: Git, message: str) -> None:
    git.run("commit", "-q", "--no-verify", "-m", message)
