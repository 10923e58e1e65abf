"""A folder's `context.md`: what the folder holds, in a few lines an agent reads at the
start of a session and a person reads in any editor.

It is not an entry (amber/tree/layout.py `is_context_file`). Amber writes it from the index
(amber/contexts/) and ends it with a signature line holding a hash of what it wrote: a
file whose text no longer matches its signature, or that has none, is a person's, and
Amber leaves it alone. The signature lives in the file itself, so a tree copied, synced or
restored from git keeps telling Amber's files from a person's without the index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from amber.tree.files import TreeFiles
from amber.tree.layout import context_path

Owner = Literal["absent", "amber", "person"]
HASH_CHARS = 16
SIGNATURE = (
    "<!-- amber:context {digest} · Amber refreshes this file; once you edit it, "
    "Amber leaves it to you -->\n"
)
_SIGNED = re.compile(r"^<!-- amber:context ([0-9a-f]{16}) [^\n]*-->\n?\Z", re.MULTILINE)
HEAD_BYTES = 4096  # a description is near the top; a huge hand-written file is not read
ROOT_HEADING = "Context Tree"
# Link targets are relative file names; these characters would end or break the link.
_LINK_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in "% ()<>#"})
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]"})


@dataclass(frozen=True)
class Subfolder:
    name: str
    total: int  # entries in it and below
    description: str


@dataclass(frozen=True)
class Listed:
    file: str  # its file name in the folder
    title: str


@dataclass(frozen=True)
class Listing:
    """Everything a context.md says, decided by amber/contexts/listing.py."""

    folder: str  # '' for the tree's root
    description: str
    topics: list[str]
    total: int  # entries here and below
    here: int  # entries in the folder itself
    span: tuple[str, str] | None  # the first and last date of those entries
    folders: list[Subfolder] = field(default_factory=list)
    entries: list[Listed] = field(default_factory=list)  # latest first, as many as shown
    more_folders: int = 0
    more_entries: int = 0


def render(listing: Listing) -> str:
    """The whole file, signed."""
    heading = f"{listing.folder}/" if listing.folder else ROOT_HEADING
    lines = [f"# {heading}", "", listing.description]
    if listing.topics:
        lines.append(f"Topics: {', '.join(listing.topics)}.")
    lines.append(_counts(listing))
    if listing.folders:
        lines += ["", "## Folders", *map(_folder_line, listing.folders)]
        lines += _more(listing.more_folders, "folder", "folders")
    if listing.entries:
        lines += ["", "## Entries, latest first", *map(_entry_line, listing.entries)]
        lines += _more(listing.more_entries, "entry", "entries")
    return sign("\n".join(lines) + "\n")


def sign(body: str) -> str:
    head = body + "\n"
    return head + SIGNATURE.format(digest=_digest(head))


def owner(text: str | None) -> Owner:
    """Who a context.md belongs to now: nobody yet, Amber (exactly what it wrote), or a
    person (edited, or written by hand)."""
    if text is None:
        return "absent"
    signed = _SIGNED.search(text)
    if signed and _digest(text[: signed.start()]) == signed.group(1):
        return "amber"
    return "person"


def description(text: str, folder: str) -> str:
    """The line that says what a folder holds: the first line of text that is not a
    comment, frontmatter or the folder's own name (the heading Amber writes), so a
    hand-written `# People I know` is read the same way."""
    name = folder.rsplit("/", 1)[-1]
    names = {n.casefold() for n in (name, f"{name}/", folder, f"{folder}/", ROOT_HEADING)}
    for line in _without_frontmatter(text.splitlines()):
        words = line.strip().lstrip("#").strip()
        if words and not words.startswith("<!--") and words.casefold() not in names:
            return words
    return ""


def read_description(files: TreeFiles, folder: str) -> str:
    """The description of a folder from its context.md on disk ('' when it has none)."""
    path = files.abspath(context_path(folder))
    try:
        if path.is_symlink():  # the tree is read without following links
            return ""
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return ""
    return description(head.decode("utf-8", errors="replace"), folder)


def _without_frontmatter(lines: list[str]) -> list[str]:
    if not lines or lines[0].strip() != "---":
        return lines
    for n, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return lines[n + 1 :]
    return lines


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def _counts(listing: Listing) -> str:
    said = _plural(listing.total, "entry", "entries")
    folders = _plural(len(listing.folders) + listing.more_folders, "folder", "folders")
    if listing.here and listing.here < listing.total:
        said += f" ({listing.here} here, {listing.total - listing.here} in {folders})"
    elif not listing.here:
        said += f" in {folders}"
    if listing.span:
        first, last = listing.span
        said += f", {first}" if first == last else f", {first} to {last}"
    return said + "."


def _folder_line(folder: Subfolder) -> str:
    link = f"[{_text(folder.name)}/]({link_target(folder.name)}/context.md)"
    return f"- {link} {_plural(folder.total, 'entry', 'entries')}: {folder.description}"


def _entry_line(entry: Listed) -> str:
    return f"- [{_text(entry.title)}]({link_target(entry.file)})"


def _more(count: int, one: str, many: str) -> list[str]:
    return [f"- and {_plural(count, one, many).replace(' ', ' more ', 1)}"] if count else []


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def link_target(name: str) -> str:
    """A file name as a link target in a context.md (also what a history purge looks for)."""
    return name.translate(_LINK_ESCAPES)


def _text(title: str) -> str:
    return " ".join(title.split()).translate(_TEXT_ESCAPES)
