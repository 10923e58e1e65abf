"""The entry: one markdown file with YAML frontmatter (README.md, "Files you can edit")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from amber.ids import path_id
from amber.tree import frontmatter as fm

KINDS = ("fact", "preference", "event", "decision", "procedure", "person", "project", "note")
OWNED_FIELDS = (
    "id",
    "title",
    "kind",
    "tags",
    "aliases",
    "created",
    "updated",
    "valid_from",
    "supersedes",
    "superseded_by",
    "sources",
)
_LIST_FIELDS = ("tags", "aliases", "sources", "supersedes", "superseded_by")
# A footnote that cites messages: `[^3]: conversation:trip#m2, 01J...` (the distiller's
# pages cite this way, amber/distill/pages.py); its refs are the entry's sources too.
_CITATION = re.compile(r"^\[\^[\w-]+\]:\s*(.+?)\s*$", re.MULTILINE)
# An event's ref (`source:where#message`, amber/events.py) or id; a web address is not one.
_CITED_REF = re.compile(r"^[\w.-]+:(?!//)\S*#\S+$|^[0-9A-HJKMNP-TV-Z]{26}$")
_WIKILINK = re.compile(r"\[\[([^\]|#\n]+)(?:#[^\]|\n]*)?(?:\|[^\]\n]*)?\]\]")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass
class Entry:
    id: str
    title: str
    kind: str = "note"
    body: str = ""
    path: str = ""  # relative to the tree root, POSIX separators
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    created: str | None = None
    updated: str | None = None
    valid_from: str | None = None
    problem: str | None = None  # why the file could not be read as an entry, if it could not
    has_own_id: bool = True  # False: id derived from the path, not stored in the file

    @property
    def links(self) -> list[str]:
        return sorted({m.group(1).strip() for m in _WIKILINK.finditer(self.body)})

    @property
    def cited(self) -> list[str]:
        """The events its footnotes cite, in order."""
        refs: dict[str, None] = {}
        for match in _CITATION.finditer(self.body):
            parts = [p.strip() for p in match.group(1).split(",")]
            if parts and all(_CITED_REF.match(p) for p in parts):
                refs.update(dict.fromkeys(parts))
        return list(refs)

    @property
    def provenance(self) -> list[str]:
        """Every event it names: its `sources` and what its footnotes cite."""
        return list(dict.fromkeys([*self.sources, *self.cited]))

    @property
    def archived(self) -> bool:
        return self.path.startswith("_archive/")

    def owned_values(self) -> dict[str, object | None]:
        values: dict[str, object | None] = {}
        for name in OWNED_FIELDS:
            value = getattr(self, name)
            empty = value in (None, "", []) and name not in ("tags",)
            values[name] = None if empty else value
        return values


def parse_entry(rel_path: str, text: str) -> Entry:
    """Read an entry; never raises: a broken file becomes an entry with `problem` set."""
    try:
        doc = fm.split(text)
        meta = fm.parse(doc.frontmatter) if doc.frontmatter is not None else {}
    except fm.FrontmatterError as exc:
        return _plain_entry(rel_path, text, str(exc))
    return _entry_from(rel_path, meta, doc.body)


def _entry_from(rel_path: str, meta: dict[str, object], body: str) -> Entry:
    own_id = _text(meta.get("id"))
    return Entry(
        id=own_id or path_id(rel_path),
        title=_text(meta.get("title")) or _title_from(rel_path, body),
        kind=_text(meta.get("kind")) or "note",
        body=body,
        path=rel_path,
        created=_text(meta.get("created")) or None,
        updated=_text(meta.get("updated")) or None,
        valid_from=_text(meta.get("valid_from")) or None,
        has_own_id=bool(own_id),
        **{name: _list(meta.get(name)) for name in _LIST_FIELDS},
    )


def _plain_entry(rel_path: str, text: str, problem: str) -> Entry:
    return Entry(
        id=path_id(rel_path),
        title=_title_from(rel_path, text),
        body=text,
        path=rel_path,
        problem=problem,
        has_own_id=False,
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _title_from(rel_path: str, body: str) -> str:
    match = _HEADING.search(body[:4000])
    if match:
        return match.group(1).strip()
    stem = rel_path.rsplit("/", 1)[-1].removesuffix(".md")
    return stem.replace("-", " ").replace("_", " ").strip() or stem


def render_new(entry: Entry) -> str:
    """The text of a new file Amber creates."""
    lines = [f"{k}: {fm.render_value(v)}" for k, v in entry.owned_values().items() if v is not None]
    body = entry.body if entry.body.endswith("\n") else entry.body + "\n"
    return fm.join("\n".join(lines), body)


def rewrite(text: str, updates: dict[str, object | None], body: str | None = None) -> str:
    """Apply changes to Amber-owned fields (and optionally the body) of an existing file."""
    doc = fm.split(text)
    unknown = set(updates) - set(OWNED_FIELDS)
    if unknown:
        raise ValueError(f"not Amber-owned fields: {sorted(unknown)}")
    new_fm = fm.set_fields(doc.frontmatter or "", updates, doc.newline)
    new_body = doc.body if body is None else body.replace("\n", doc.newline)
    return fm.join(new_fm, new_body, doc.newline)
