"""Plans for every kind of change to the tree, built from what the files hold now.

Each function reads what it needs through the writer, decides the new bytes of every file
involved and records the hash each file had (see `FileWrite.expected`), but writes
nothing: `EntryWriter.commit` does, under the same tree lock.
"""

from __future__ import annotations

from amber.clock import now_iso
from amber.errors import ConflictError, InvalidInputError
from amber.tree import layout
from amber.tree.entry import Entry, render_new, rewrite
from amber.writing.plan import ABSENT, ANY, FileMove, FileWrite, WritePlan, sha256
from amber.writing.writer import EntryWriter


def new_entry(writer: EntryWriter, entry: Entry, folder: str, action: str) -> WritePlan:
    """A new file in `folder`, named from the entry's title; `entry.path` is set."""
    entry.path = writer.free_path(folder, entry.title)
    plan = WritePlan(action, entry.id, entry.title, entry.path)
    return plan.add(FileWrite(entry.path, render_new(entry).encode("utf-8"), entry.id, ABSENT))


def rewritten(
    writer: EntryWriter,
    entry: Entry,
    updates: dict[str, object | None],
    body: str | None,
    action: str,
    *,
    stamp: bool = True,
) -> WritePlan:
    """New values for Amber-owned fields (and the body, when given); `updated` is stamped
    unless `stamp` is False. A file without an id of its own gets the one it is known by,
    so it keeps it."""
    _check_rewritable(entry)
    data = writer.files.read_bytes(entry.path)
    text = decoded(entry.path, data)
    if not entry.has_own_id:
        updates = {"id": entry.id, **updates}
    if stamp:
        updates = {**updates, "updated": now_iso()}
    new_text = rewrite(text, updates, body)
    plan = WritePlan(action, entry.id, entry.title, entry.path)
    return plan.add(FileWrite(entry.path, new_text.encode("utf-8"), entry.id, sha256(data)))


def replaced_text(writer: EntryWriter, entry: Entry, text: str, expected: str | None) -> WritePlan:
    """The whole file replaced, as an editor saves it. `expected` is the text the editor
    started from: if the file holds something else now, the commit is refused."""
    data = writer.files.read_bytes(entry.path)
    if expected is not None and data.decode("utf-8", errors="replace") != expected:
        raise_changed(entry.path)
    plan = WritePlan("edit", entry.id, entry.title, entry.path)
    return plan.add(FileWrite(entry.path, text.encode("utf-8"), entry.id, sha256(data)))


def moved(writer: EntryWriter, entry: Entry, target: str) -> WritePlan:
    """The file renamed as it is. A file without an id of its own must get one first
    (`rewritten` with no changes), or the move would change its id."""
    if not entry.has_own_id:
        raise ValueError(f"{entry.path} holds no id: write it in before moving the file")
    data = writer.files.read_bytes(entry.path)
    audit = {"from": entry.path, "to": target}
    plan = WritePlan("move", entry.id, entry.title, target, audit=audit)
    plan.moves.append(FileMove(entry.path, target, entry.id, sha256(data)))
    return plan


def move_target(writer: EntryWriter, entry: Entry, destination: str) -> str:
    """Where a move to `destination` (a folder, or a path ending in .md) puts the entry;
    raises when that is not a place for an entry or is taken."""
    dest = destination.strip()
    if dest.startswith(("/", "\\", "~")):
        raise InvalidInputError(
            f"'{dest}' is not a path inside the tree; use a folder such as people/work"
        )
    if dest.endswith(".md"):
        folder, _, name = dest.rpartition("/")
        target = f"{layout.normalize_folder(folder)}/{name}".lstrip("/")
    else:
        target = f"{layout.normalize_folder(dest)}/{entry.path.rsplit('/', 1)[-1]}"
    target = layout.check_relative(target.lstrip("/"))
    if not layout.is_entry_file(target):
        raise InvalidInputError(
            f"'{target}' would be skipped when Amber reads the tree (a hidden or empty "
            "file name, or a folder's context.md); give a name such as notes/passport.md"
        )
    if writer.files.exists(target):
        raise InvalidInputError(f"'{target}' already exists; choose another destination")
    return target


def removed(writer: EntryWriter, entry: Entry, action: str) -> WritePlan:
    """The file deleted as it is now (an edit made meanwhile refuses the commit); unlike
    `forgotten`, what was kept for undo stays, so the removal can be undone."""
    data = writer.files.read_bytes(entry.path)
    plan = WritePlan(action, entry.id, entry.title, entry.path)
    return plan.add(FileWrite(entry.path, None, entry.id, sha256(data)))


def forgotten(entry: Entry) -> WritePlan:
    """The file and everything derived from it, gone for good."""
    plan = WritePlan("forget", entry.id, entry.title, "", forget=True)
    return plan.add(FileWrite(entry.path, None, entry.id, ANY))


def archived(
    writer: EntryWriter, entry: Entry, updates: dict[str, object | None] | None = None
) -> WritePlan:
    """The file moved under `_archive/` at the same relative path (with `updates` to its
    owned fields, e.g. `superseded_by`), the original removed."""
    data = writer.files.read_bytes(entry.path)
    text = decoded(entry.path, data)
    new_data = rewrite(text, updates).encode("utf-8") if updates else data
    target = writer.free_archive_path(entry.path)
    plan = WritePlan("archive", entry.id, entry.title, target, audit={"archived_to": target})
    plan.add(FileWrite(entry.path, None, entry.id, sha256(data)))
    return plan.add(FileWrite(target, new_data, entry.id, ABSENT))


def decoded(rel_path: str, data: bytes) -> str:
    """A file's text, for a plan that rewrites it; a file that is not UTF-8 is refused
    rather than rewritten with its undecodable bytes lost."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"'{rel_path}' is not valid UTF-8, so Amber will not rewrite it; fix it by hand"
        ) from exc


def raise_changed(rel_path: str) -> None:
    raise ConflictError(
        f"'{rel_path}' changed on disk since you opened it; reload it, or save again to overwrite",
        rel_path,
    )


def _check_rewritable(entry: Entry) -> None:
    if entry.problem:
        raise InvalidInputError(
            f"'{entry.path}' cannot be updated by Amber ({entry.problem}); fix it by hand"
        )
