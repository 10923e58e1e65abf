"""`amber forget --purge-history`: a forgotten entry's text out of every commit.

Forgetting removes an entry from the tree on every device, but git keeps each earlier
version. A purge rewrites this repository's history (`git filter-branch`, which every git
has) so that no commit holds the entry:

- its file, at every path it ever had (the commits whose diff adds or removes its
  `id:` line name them), removed from every commit;
- the lines naming it removed from the folder's `context.md` of every commit, and from
  every commit message (Amber's name the files they add);
- commits left empty dropped; the backup refs, the reflogs and the unreachable objects
  dropped too (`git gc --prune=now`), so no object here holds it any more.

Remote-tracking refs are rewritten with the branches, so nothing points at the old
commits. The remote still holds them: it must be force-pushed, and every other clone must
drop its old history (re-clone, or reset to the rewritten branch), or its next push
brings them back. `amber sync` refuses to push or merge until the remote holds the new
history (amber/sync/engine.py).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from amber.errors import ConflictError, NotFoundError
from amber.sync.git import Git
from amber.tree import layout
from amber.tree.context import link_target

SQUELCH = {"FILTER_BRANCH_SQUELCH_WARNING": "1"}  # no 10 s pause for a warning nobody reads


@dataclass
class PurgeReport:
    entry_id: str
    paths: list[str] = field(default_factory=list)  # every path the entry had in history
    commits_before: int = 0
    commits_after: int = 0
    remote: str = ""  # the remote's name ("" for none)
    branch: str = "main"
    tree: str = ""  # the repository's folder

    def remote_steps(self) -> list[str]:
        """What the person must do next, plainly."""
        tree = self.tree
        if not self.remote:
            return ["no remote: nothing else holds the old history"]
        return [
            f"the remote '{self.remote}' still holds the old history: force-push the new one "
            f"with `git -C {shlex.quote(tree)} push --force {self.remote} {self.branch}` "
            "(`amber sync` refuses to run until then)",
            "every other device must drop its old history, or its next sync pushes it back: "
            f"move its tree aside and `amber sync init REMOTE` again, or run `git fetch "
            f"{self.remote} && git reset --hard {self.remote}/{self.branch}` in its tree "
            "(edits made there since its last sync are lost), then `git reflog expire "
            "--expire=now --all && git gc --prune=now` there",
            "copies of the repository elsewhere (backups, hosting forks) keep it until they "
            "are deleted",
        ]


def paths_holding(git: Git, entry_id: str) -> list[str]:
    """Every path at which some commit held the entry (its id line added or removed)."""
    found = git.z_paths(
        "log", "--all", "--format=", "--name-only", "--no-renames", "-z", "-S", f"id: {entry_id}"
    )
    return sorted({p for p in found if p.endswith(".md")})


def purge(git: Git, entry_id: str) -> PurgeReport:
    """Rewrite every branch and remote-tracking ref without the entry (the caller holds
    the sync and tree locks, and has committed the forgetting)."""
    report = PurgeReport(entry_id, paths_holding(git, entry_id))
    if not report.paths:
        raise NotFoundError(
            f"no commit holds an entry with id {entry_id}: nothing to purge (give the id of a "
            "forgotten entry: `amber log` or `git log` shows it)"
        )
    here = [p for p in report.paths if git.show(f"HEAD:{p}") is not None]
    if here:
        raise ConflictError(
            f"{', '.join(here)} is still in the tree (the entry, or another one at its path "
            "now); forget the entry first: a purge would take the file from every commit"
        )
    report.commits_before = _count(git)
    _rewrite(git, report.paths)
    _drop_old_objects(git)
    report.commits_after = _count(git)
    return report


def _rewrite(git: Git, paths: list[str]) -> None:
    quoted = " ".join(shlex.quote(p) for p in paths)
    contexts = _context_lines(paths)
    index_filter = f"git rm -q -r --cached --ignore-unmatch -- {quoted}"
    for context, needles in contexts.items():
        patterns = " ".join(f"-e {shlex.quote(n)}" for n in needles)
        c = shlex.quote(context)
        index_filter += (
            f"; if git cat-file -e :{c} 2>/dev/null; then "
            f"sha=$(git cat-file blob :{c} | grep -v -F {patterns} | git hash-object -w --stdin)"
            f" && git update-index --cacheinfo 100644,$sha,{c}; fi"
        )
    message_patterns = " ".join(f"-e {shlex.quote(p)}" for p in paths)
    git.run(
        "filter-branch",
        "-f",
        "--prune-empty",
        "--index-filter",
        index_filter,
        "--msg-filter",
        f"grep -v -F {message_patterns} || true",
        "--",
        "--branches",
        "--remotes",
        "--tags",
        env=SQUELCH,
    )


def _context_lines(paths: list[str]) -> dict[str, list[str]]:
    """Per folder's context.md, the link targets of the purged files in it."""
    found: dict[str, list[str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        found.setdefault(layout.context_path(folder), []).append(f"]({link_target(name)})")
    return found


def _drop_old_objects(git: Git) -> None:
    backups = git.lines("for-each-ref", "--format=%(refname)", "refs/original/")
    for ref in backups:
        git.run("update-ref", "-d", ref)
    git.run("reflog", "expire", "--expire=now", "--all")
    git.run("gc", "-q", "--prune=now")


def _count(git: Git) -> int:
    result = git.run("rev-list", "--count", "--all", check=False)
    return int(result.out.strip() or 0) if result.code == 0 else 0
