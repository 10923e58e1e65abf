"""Merging one entry that two devices changed: never losing either side's text.

The body, and the frontmatter lines that are the person's own, go through git's three-way
merge (`git merge-file`). The fields Amber owns are merged field by field: lists (tags,
aliases, sources, supersedes, superseded_by) are the union of both sides, `updated` the
later, `created` the earlier; title, kind and valid_from take the side that changed
them. Where the text itself conflicts, this device's version stays in the file (with the
merged fields) and the other side's whole file is returned for review.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from amber.clock import parse_iso
from amber.sync.git import Git, GitError
from amber.tree import frontmatter as fm
from amber.tree.entry import OWNED_FIELDS, Entry, parse_entry

LIST_FIELDS = ("tags", "aliases", "sources", "supersedes", "superseded_by")
CHOSEN_FIELDS = ("title", "kind", "valid_from")


@dataclass(frozen=True)
class Merged:
    text: str
    clean: bool  # False: the other side's text conflicts; `text` holds this device's


def merge_entry(git: Git, path: str, base: str | None, ours: str, theirs: str) -> Merged:
    try:
        return _merge_parts(git, path, base, ours, theirs)
    except fm.FrontmatterError:  # a frontmatter that does not parse: merged as plain text
        text, clean = merge_text(git, base or "", ours, theirs)
        return Merged(text if clean else ours, clean)


def _merge_parts(git: Git, path: str, base: str | None, ours: str, theirs: str) -> Merged:
    """Frontmatter and body merged apart (see the module docstring)."""
    base_doc = fm.split(base) if base is not None else None
    our_doc, their_doc = fm.split(ours), fm.split(theirs)
    if our_doc.frontmatter is None:
        text, clean = merge_text(git, base or "", ours, theirs)
        return Merged(text if clean else ours, clean)
    aligned = [_aligned(d.frontmatter or "" if d else "", our_doc) for d in (base_doc, their_doc)]
    head, head_clean = merge_text(git, aligned[0], our_doc.frontmatter, aligned[1])
    base_body = base_doc.body if base_doc else ""
    body, body_clean = merge_text(git, base_body, our_doc.body, their_doc.body)
    if not head_clean:
        head = our_doc.frontmatter
    if not body_clean:
        body = our_doc.body
    updates, fields_clean = owned_fields(path, base, ours, theirs)
    new_head = fm.set_fields(head, updates, our_doc.newline)
    clean = head_clean and body_clean and fields_clean
    return Merged(fm.join(new_head, body, our_doc.newline), clean)


def _aligned(head: str, ours: fm.Document) -> str:
    """A frontmatter with Amber's fields as this device's file has them: they are merged
    field by field (`owned_fields`), so git compares only the person's own keys."""
    mine = fm.parse(ours.frontmatter or "")
    owned = {k: mine.get(k) for k in OWNED_FIELDS}
    return fm.set_fields(head, owned, ours.newline) if head else head


def owned_fields(
    path: str, base: str | None, ours: str, theirs: str
) -> tuple[dict[str, object | None], bool]:
    """The merged values of Amber's fields, and False when both sides chose differently.
    A field neither side has stays absent."""
    mine, other = parse_entry(path, ours), parse_entry(path, theirs)
    old = parse_entry(path, base) if base is not None else None
    present = _present(ours) | _present(theirs)
    values: dict[str, object | None] = {}
    for name in LIST_FIELDS:
        values[name] = list(dict.fromkeys([*getattr(mine, name), *getattr(other, name)]))
    values["updated"] = _later(mine.updated, other.updated)
    values["created"] = _earlier(mine.created, other.created)
    clean = True
    for name in CHOSEN_FIELDS:
        values[name], agreed = _chosen(name, old, mine, other)
        clean = clean and agreed
    return {k: v for k, v in values.items() if k in present}, clean


def _present(text: str) -> set[str]:
    try:
        doc = fm.split(text)
        return set(fm.parse(doc.frontmatter)) if doc.frontmatter else set()
    except fm.FrontmatterError:
        return set()


def _chosen(name: str, old: Entry | None, mine: Entry, other: Entry) -> tuple[object, bool]:
    ours, theirs = getattr(mine, name), getattr(other, name)
    before = getattr(old, name) if old else None
    if ours == theirs or theirs == before:
        return ours, True
    if ours == before:
        return theirs, True
    return ours, False


def _later(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    return a if (parse_iso(a) or 0) >= (parse_iso(b) or 0) else b  # type: ignore[operator]


def _earlier(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    return b if (parse_iso(a) or 0) > (parse_iso(b) or 0) else a  # type: ignore[operator]


def merge_text(git: Git, base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Three-way merge of texts with `git merge-file`: (result, True) when clean."""
    if ours == theirs or theirs == base:
        return ours, True
    if ours == base:
        return theirs, True
    with tempfile.TemporaryDirectory(prefix="amber-merge-") as folder:
        names = []
        for label, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            target = Path(folder) / label
            target.write_bytes(text.encode("utf-8", "surrogateescape"))
            names.append(str(target))
        result = git.run_bytes("merge-file", "-p", "-q", *names, check=False)
    if result.code < 0 or result.code > 127:
        raise GitError(f"git merge-file failed: {result.err.strip()}")
    return result.out.decode("utf-8", "replace"), result.code == 0
