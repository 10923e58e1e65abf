"""What a person or an agent gives for an entry, made fit to store: one-line titles, tags
and aliases; known kinds; real dates; bodies without control characters or secrets."""

from __future__ import annotations

import re

from amber.clock import now_iso
from amber.errors import InvalidInputError
from amber.redact import redact
from amber.text import one_line, storable
from amber.tree import frontmatter as fm
from amber.tree.entry import KINDS, parse_entry, rewrite

TITLE_MAX = 80


def title_from(body: str) -> str:
    """The first line (without markdown heading marks), cut at a word boundary."""
    first = body.strip().splitlines()[0].lstrip("#").strip()
    if len(first) <= TITLE_MAX:
        return first
    return first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def label(text: str | None) -> str:
    """A title, tag or alias: one line, no control characters, no secret."""
    return redact(one_line(storable(text or ""))).text


def labels(values: list[str] | None) -> list[str]:
    """Tags, aliases or sources: each a label, none empty, none twice, in order."""
    return list(dict.fromkeys(v for v in map(label, values or []) if v))


def body(text: str) -> str:
    """An entry's text: storable, secrets redacted, blank lines at the ends dropped."""
    return redact(storable(text).strip()).text


def new_body(text: str) -> str:
    """The replacement text of an entry: storable and redacted, never empty."""
    cleaned = redact(storable(text)).text
    if not cleaned.strip():
        raise InvalidInputError("the new text is empty; `amber forget` deletes an entry")
    return cleaned


def kind(value: str) -> str:
    if value not in KINDS:
        raise InvalidInputError(f"unknown kind '{value}'; use one of: {', '.join(KINDS)}")
    return value


def date(value: str | None) -> str | None:
    """`valid_from` as a date (2023, 2023-05, 2023-05-08 or a full ISO time)."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text) or fm.is_timestamp(text):
        return text
    raise InvalidInputError(f"'{value}' is not a date; use e.g. 2023, 2023-05 or 2023-05-08")


def edited_file(text: str) -> str:
    """A whole file as an editor saves it: storable, and secrets in the body redacted (the
    frontmatter is left as written)."""
    text = storable(text)
    try:
        doc_body = fm.split(text).body
    except fm.FrontmatterError:  # kept as the user wrote it, searchable as plain text
        return redact(text).text
    cleaned = redact(doc_body).text
    return text if cleaned == doc_body else text[: len(text) - len(doc_body)] + cleaned


def stamped(rel_path: str, text: str) -> str:
    """`updated` set to now, when the text has frontmatter that Amber can update."""
    try:
        has_frontmatter = fm.split(text).frontmatter is not None
    except fm.FrontmatterError:
        return text
    if not has_frontmatter or parse_entry(rel_path, text).problem:
        return text
    return rewrite(text, {"updated": now_iso()})


def changes(
    title: str | None,
    kind_: str | None,
    tags: list[str] | None,
    aliases: list[str] | None,
    valid_from: str | None,
) -> dict[str, object]:
    """The owned fields an update sets (None: left as they are), each checked first."""
    if title is not None and not (title := label(title)):
        raise InvalidInputError("the new title is empty")
    given: dict[str, object | None] = {
        "title": title,
        "kind": None if kind_ is None else kind(kind_),
        "tags": None if tags is None else labels(tags),
        "aliases": None if aliases is None else labels(aliases),
        "valid_from": date(valid_from),
    }
    return {k: v for k, v in given.items() if v is not None}


def with_sources(
    current: list[str], changed: dict[str, object], added: list[str] | None
) -> dict[str, object | None]:
    """`changed`, plus the entry's sources with `added` joined (who changed it)."""
    if added and any(s not in current for s in labels(added)):
        return {**changed, "sources": labels([*current, *added])}
    return dict(changed)
