"""The files a git merge left conflicted, resolved so that no side's text is lost.

- an entry both sides changed: `merge.merge_entry` (three-way text, Amber's fields field
  by field); where the text conflicts, mine stays and theirs goes to review;
- an entry both sides created at one path (two ids): both kept, theirs under a free name;
- changed on one side, removed on the other: the changed text stays, unless the entry was
  forgotten (a tombstone holds its id): forgetting wins, as the person asked;
- a folder's context.md: this device's (it is rebuilt from the index anyway);
- two claims to distil, and two page maps (amber/sync/distilling.py): the later claim,
  and the map its device wrote, the same on every device;
- any other file: mine stays, and theirs is kept beside it as `<name>.theirs-<device>`.
"""

from __future__ import annotations

from collections.abc import Callable

from amber.sync import distilling
from amber.sync.conflicts import Conflict
from amber.sync.git import Git
from amber.sync.merge import merge_entry
from amber.tree import layout
from amber.tree.entry import parse_entry
from amber.tree.files import TreeFiles

Forgotten = Callable[[str], bool]  # entry id -> whether a tombstone holds it


def conflicted(git: Git) -> list[str]:
    return sorted(set(git.z_paths("diff", "--name-only", "--diff-filter=U", "-z")))


def resolve_all(git: Git, files: TreeFiles, origin: str, forgotten: Forgotten) -> list[Conflict]:
    """Resolve and stage every conflicted path; the conflicts a person must decide."""
    kept: list[Conflict] = []
    for path in conflicted(git):
        base, ours, theirs = (_text(git.show(f":{n}:{path}")) for n in (1, 2, 3))
        result = _resolve_one(git, files, path, (base, ours, theirs), origin, forgotten)
        if result is not None:
            kept.append(result)
    return kept


def _resolve_one(
    git: Git,
    files: TreeFiles,
    path: str,
    sides: tuple[str | None, str | None, str | None],
    origin: str,
    forgotten: Forgotten,
) -> Conflict | None:
    base, ours, theirs = sides
    if ours is None or theirs is None:
        survivor = ours if ours is not None else theirs
        assert survivor is not None
        if layout.is_entry_file(path) and forgotten(parse_entry(path, survivor).id):
            git.run("rm", "-q", "--cached", "--ignore-unmatch", "--", path)
            files.delete(path)
            return None
        return _keep(git, files, path, survivor)
    if layout.is_context_file(path):
        return _keep(git, files, path, ours)
    if path == distilling.ROLE_FILE:
        role = distilling.settle(distilling.parse_role(ours), distilling.parse_role(theirs))
        return _keep(git, files, path, role.text() if role else ours)
    if path == distilling.PAGES_FILE:
        role = distilling.read_role(files.root)
        return _keep(git, files, path, distilling.settle_pages(role, ours, theirs))
    if not layout.is_entry_file(path):
        _keep(git, files, f"{path}.theirs-{origin}", theirs)
        return _keep(git, files, path, ours)
    if base is None and _two_entries(path, ours, theirs):
        _keep(git, files, _free_beside(files, path, origin), theirs)
        return _keep(git, files, path, ours)
    merged = merge_entry(git, path, base, ours, theirs)
    _keep(git, files, path, merged.text)
    return None if merged.clean else Conflict(path, merged.text, theirs, origin)


def _two_entries(path: str, ours: str, theirs: str) -> bool:
    mine, other = parse_entry(path, ours), parse_entry(path, theirs)
    return mine.has_own_id and other.has_own_id and mine.id != other.id


def _free_beside(files: TreeFiles, path: str, origin: str) -> str:
    stem = path.removesuffix(".md")
    candidate, n = f"{stem}-{origin}.md", 2
    while files.exists(candidate):
        candidate, n = f"{stem}-{origin}-{n}.md", n + 1
    return candidate


def _keep(git: Git, files: TreeFiles, path: str, text: str) -> None:
    files.write_bytes(path, text.encode("utf-8", "surrogateescape"))
    git.run("add", "--", path)


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "surrogateescape")
