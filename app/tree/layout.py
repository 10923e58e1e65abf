"""Where entries live: domain/topic folders, slugs, the archive."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from amber.errors import InvalidInputError

ARCHIVE = "_archive"
CONTEXT_FILE = "context.md"
MAX_SLUG = 60
# Folders a vault keeps for its tools, never entries.
IGNORED_DIRS = frozenset({".git", ".obsidian", ".trash", ".amber", "node_modules", ".venv"})
DEFAULT_DOMAIN_BY_KIND = {
    "person": "people",
    "preference": "preferences",
    "project": "projects",
    "decision": "decisions",
    "procedure": "procedures",
    "event": "events",
}
DEFAULT_DOMAIN = "notes"


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """Lowercase and dash-separated; ASCII where the text folds to it ("Café" -> "cafe"),
    else in the text's own script ("عربي" stays), never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    return slug[:max_len].rstrip("-") or "entry"


def folder_name(text: str) -> str:
    """Domain and topic folders are snake_case."""
    return slugify(text).replace("-", "_")


def normalize_folder(path: str) -> str:
    """User-given folder like 'People/Close Friends' -> 'people/close_friends'."""
    parts = [p for p in re.split(r"[\\/]+", path.strip()) if p and p != "."]
    if any(p == ".." for p in parts):
        raise InvalidInputError(f"path '{path}' leaves the tree; use a path inside it")
    if parts and parts[0] == ARCHIVE:
        raise InvalidInputError(f"'{ARCHIVE}' is managed by Amber; choose another folder")
    if nameless := [p for p in parts if not re.search(r"[^\W_]", p)]:
        raise InvalidInputError(
            f"folder '{nameless[0]}' in '{path}' has no letters or digits; name it"
        )
    folders = [folder_name(p) for p in parts]
    if skipped := IGNORED_DIRS.intersection(folders):
        raise InvalidInputError(
            f"Amber skips folders named {', '.join(sorted(skipped))} when it reads the tree; "
            "choose another name"
        )
    return "/".join(folders)


def default_folder(kind: str) -> str:
    return DEFAULT_DOMAIN_BY_KIND.get(kind, DEFAULT_DOMAIN)


def check_relative(rel_path: str) -> str:
    """Reject absolute paths and '..' so nothing is written outside the tree."""
    path = PurePosixPath(rel_path.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise InvalidInputError(f"'{rel_path}' is not a path inside the tree")
    return path.as_posix()


def archive_path(rel_path: str) -> str:
    return rel_path if rel_path.startswith(ARCHIVE + "/") else f"{ARCHIVE}/{rel_path}"


def is_entry_file(rel_path: str) -> bool:
    """The one rule for which tree files are entries: what the scanner, the indexer, the
    watcher and `amber doctor` read as memory. Anything else is passed over unseen."""
    parts = rel_path.split("/")
    hidden = any(p.startswith(".") or p in IGNORED_DIRS for p in parts[:-1])
    markdown = rel_path.endswith(".md") and not hidden and not parts[-1].startswith(".")
    return markdown and not is_context_file(rel_path) and is_utf8_name(rel_path)


def is_context_file(rel_path: str) -> bool:
    """A folder's `context.md` (amber/tree/context.py): a listing of what the folder holds,
    rebuilt from the index. Never an entry: indexed, it would answer every recall that
    one of the titles it lists answers, and say nothing they do not."""
    return rel_path.rsplit("/", 1)[-1] == CONTEXT_FILE


def context_path(folder: str) -> str:
    """Where a folder's context.md is ('' is the tree's root)."""
    return f"{folder}/{CONTEXT_FILE}" if folder else CONTEXT_FILE


def is_utf8_name(rel_path: str) -> bool:
    """Whether a path read from the disk is valid UTF-8. Python hands undecodable bytes
    over as lone surrogates, which the index, the terminal and JSON cannot hold: such a
    file is passed over and reported (`amber doctor`), never a crash."""
    try:
        rel_path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(rel_path: str) -> str:
    """A path as it can be printed: undecodable bytes as \\xNN escapes."""
    return rel_path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
