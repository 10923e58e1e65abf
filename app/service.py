"""MemoryService: the one API over memory for the CLI, TUI, MCP server and daemon."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3

from amber.ask import AskResult, ask
from amber.config import Config, load_config
from amber.embedding import EmbeddingIndexer, EmbedReport
from amber.errors import AmberError, InvalidInputError, NotFoundError
from amber.events import Event
from amber.home import open_index, tree_files
from amber.indexer import Indexer, ReconcileReport
from amber.models.active import chat_model_for, embedder_for
from amber.models.embedder import Embedder
from amber.models.runtime import NoModelError
from amber.redact import redact
from amber.retrieval.hits import Hit, SourceRef
from amber.retrieval.provenance import entry_sources
from amber.retrieval.recall import Recaller, RecallOptions
from amber.retrieval.vector_channel import VectorChannel
from amber.security.keys import PassphrasePrompt
from amber.store import audit, distill_log
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store import vectors as vector_rows
from amber.store.db import Database
from amber.tree import entry as entry_text
from amber.tree import frontmatter as fm
from amber.tree import layout
from amber.tree.entry import KINDS, Entry, new_id, now_iso, parse_entry, render_new, rewrite
from amber.tree.files import TreeFiles

if TYPE_CHECKING:
    from amber.distill import Distiller

log = logging.getLogger(__name__)
TITLE_MAX = 80
NO_CHAT_MODEL = (
    "no chat model: `amber models pull qwen2.5-1.5b-instruct` (or `amber models add FILE "
    "--role chat`); recall works without one"
)
ID_PREFIX_MIN = 6


@dataclass
class EntryView:
    entry: Entry
    sources: list[SourceRef]
    importance: float = 0.5
    access_count: int = 0
    last_access: str | None = None
    maturity: str = "draft"


class MemoryService:
    def __init__(self, config: Config, db: Database, files: TreeFiles, interface: str) -> None:
        self.config = config
        self.db = db
        self.files = files
        self.interface = interface
        self._requester: dict[str, object] = {}  # see acting_for
        self.indexer = Indexer(db, files, config.max_file_bytes)
        self.recaller = Recaller(db)
        self.embedder = _embedder_or_none(config)
        if self.embedder and vector_rows.settings(db).get("model") == self.embedder.name:
            self.recaller.extra_channels["vector"] = VectorChannel(db, self.embedder)

    @classmethod
    def open(
        cls,
        home: Path | None = None,
        *,
        interface: str = "cli",
        prompt: PassphrasePrompt | None = None,
    ) -> MemoryService:
        config = load_config(home)
        return cls(config, open_index(config, prompt), tree_files(config), interface)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> MemoryService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def remember(
        self,
        text: str,
        *,
        title: str | None = None,
        path: str | None = None,
        kind: str = "note",
        tags: list[str] | None = None,
        aliases: list[str] | None = None,
        sources: list[str] | None = None,
        valid_from: str | None = None,
    ) -> Entry:
        body = redact(entry_text.storable(text).strip()).text
        if not body:
            raise InvalidInputError("nothing to remember: the text is empty")
        _check_kind(kind)
        folder = layout.normalize_folder(path) if path else layout.default_folder(kind)
        stamp = now_iso()
        entry = Entry(
            id=new_id(),
            title=_one_line(title) or derive_title(body),
            kind=kind,
            body=body + "\n",
            tags=_clean(tags),
            aliases=_clean(aliases),
            sources=_clean(sources),
            created=stamp,
            updated=stamp,
            valid_from=_checked_date(valid_from),
        )
        with self.files.lock:
            entry.path = self._free_path(folder, entry.title)
            self._write_entry(entry.path, render_new(entry))
            self._indexed(entry.path, "remember", entry.id)
        return entry

    def update(
        self,
        handle: str,
        *,
        title: str | None = None,
        body: str | None = None,
        kind: str | None = None,
        tags: list[str] | None = None,
        aliases: list[str] | None = None,
        valid_from: str | None = None,
        add_sources: list[str] | None = None,
    ) -> Entry:
        """Change what is given; `add_sources` joins the entry's provenance (who changed it)."""
        if kind is not None:
            _check_kind(kind)
        if title is not None and not (title := _one_line(title)):
            raise InvalidInputError("the new title is empty")
        changes: dict[str, object | None] = {
            "title": title,
            "kind": kind,
            "tags": _cleaned(tags),
            "aliases": _cleaned(aliases),
            "valid_from": _checked_date(valid_from),
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        new_body = None if body is None else redact(entry_text.storable(body)).text
        if new_body is not None and not new_body.strip():
            raise InvalidInputError("the new text is empty; `amber forget` deletes an entry")
        with self.files.lock:
            current = self._resolve(handle)
            if add_sources and any(s not in current.sources for s in _clean(add_sources)):
                changes["sources"] = _clean([*current.sources, *add_sources])
            self._rewrite(current, {**changes, "updated": now_iso()}, new_body)
            fields = sorted([*changes, *(["text"] if new_body is not None else [])])
            self._indexed(current.path, "update", current.id, {"fields": fields})
        return self._read(current.path)

    def move(self, handle: str, destination: str) -> Entry:
        with self.files.lock:
            current = self._resolve(handle)
            target = self._move_target(current, destination)
            if not current.has_own_id:  # keep its identity across the move
                self._rewrite(current, {"id": current.id}, None)
            self.files.move(current.path, target)
            self.indexer.index_file(current.path)
            self._indexed(target, "move", current.id, {"from": current.path, "to": target})
        return self._read(target)

    def check_move(self, handle: str, destination: str) -> str:
        """Where `move` would put the entry; raises what `move` would, and changes nothing."""
        return self._move_target(self._resolve(handle), destination)

    def forget(self, handle: str) -> str:
        """Delete an entry from the tree and the index for good (secure_delete, WAL truncated)."""
        with self.files.lock:
            current = self._resolve(handle)
            self.files.delete(current.path)
            with self.db.write() as conn:
                entry_rows.delete_entry_rows(conn, current.id, current.path)
                entry_rows.forget_lifecycle(conn, current.id)
                self.indexer.release_id(conn, current.id)
                distill_log.purge_entry(conn, current.id, current.path)  # undo copies too
                self._audit(conn, "forget", current.id)
            self.db.checkpoint()
        return current.id

    # -- reading ---------------------------------------------------------------------------

    def recall(self, query: str, options: RecallOptions | None = None) -> list[Hit]:
        hits = self.recaller.recall(query, options)
        self.note_recall_hits(hits)  # lifecycle: what recall returns grows in importance
        return hits

    def ask(
        self,
        question: str,
        options: RecallOptions | None = None,
        on_answer_text: Callable[[str], None] | None = None,
    ) -> AskResult:
        """Answer from memory with the active chat model; raises NoModelError without one."""
        if not question.strip():
            raise InvalidInputError(
                'the question is empty; ask something, e.g. `amber ask "when did Ana move?"`'
            )
        model = chat_model_for(self.config)
        if model is None:
            raise NoModelError(NO_CHAT_MODEL)
        hits = self.recall(question, options or RecallOptions(k=8))
        return ask(question, [(h, self._full_text(h)) for h in hits], model, on_answer_text)

    def _full_text(self, hit: Hit) -> str:
        if hit.type == "event":
            return self.get_event(hit.id).text
        return self._read(hit.path or "").body if hit.path else hit.snippet

    def embed_pending(
        self, progress: Callable[[int, int], None] | None = None, limit: int | None = None
    ) -> EmbedReport | None:
        """Embed new and changed documents with the active embed model (None: no model)."""
        if self.embedder is None:
            return None
        report = EmbeddingIndexer(self.db, self.embedder).sync(progress, limit)
        self.recaller.extra_channels.setdefault("vector", VectorChannel(self.db, self.embedder))
        return report

    def pending_embeddings(self) -> int:
        return vector_rows.pending_count(self.db) if self.embedder else 0

    def get(self, handle: str, within: Callable[[str], bool] | None = None) -> EntryView:
        """An entry by id, path, unique id prefix, or unique title/alias. `within(path)`
        limits the search (e.g. to an agent's scope): entries outside it are not found,
        not named, and never make a handle ambiguous."""
        entry = self._resolve(handle, within)
        life = entry_rows.lifecycle_of(self.db, [entry.id]).get(entry.id, (0.5, 0, None, "draft"))
        return EntryView(entry, entry_sources(self.db, entry.sources), *life)

    def get_event(self, event_id: str) -> Event:
        found = event_rows.events_by_handle(self.db, [event_id])
        if event_id not in found:
            raise NotFoundError(f"no event '{event_id}'; event ids appear in recall results")
        return found[event_id]

    def last_write(self) -> int:
        """The audit log's newest row: it changes whenever any interface writes memory."""
        row = self.db.one("SELECT max(rowid) FROM audit")
        return int(row[0]) if row and row[0] is not None else 0

    def entry_count(self) -> int:
        row = self.db.one("SELECT count(*) FROM entries")
        return int(row[0]) if row else 0

    def audit_log(self, limit: int = 50) -> list[dict[str, object]]:
        return audit.recent(self.db, limit)

    # -- maintenance -----------------------------------------------------------------------

    def reconcile(self) -> ReconcileReport:
        return self.indexer.reconcile(interface="editor")

    def reindex(self) -> ReconcileReport:
        with self.files.lock:
            report = self.indexer.rebuild()
            with self.db.write() as conn:
                self._audit(conn, "reindex", "", {"entries": report.changed})
        return report

    # -- internals -------------------------------------------------------------------------

    def _indexed(
        self, rel_path: str, action: str, entry_id: str, detail: dict | None = None
    ) -> None:
        with self.db.write() as conn:  # one commit: the index row and its audit record
            self.indexer.index_in(conn, rel_path, None)
            self._audit(conn, action, entry_id, detail)

    def _read(self, rel_path: str) -> Entry:
        data = self.files.read_bytes(rel_path)
        return parse_entry(rel_path, data.decode("utf-8", errors="replace"))

    def _rewrite(self, entry: Entry, updates: dict[str, object | None], body: str | None) -> None:
        if entry.problem:
            raise InvalidInputError(
                f"'{entry.path}' cannot be updated by Amber ({entry.problem}); fix it by hand"
            )
        try:
            text = self.files.read_bytes(entry.path).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(
                f"'{entry.path}' cannot be updated by Amber (it is not valid UTF-8); fix it by hand"
            ) from None
        if not entry.has_own_id:
            updates = {"id": entry.id, **updates}
        self._write_entry(entry.path, rewrite(text, updates, body))

    def _write_entry(self, rel_path: str, text: str) -> None:
        """Write an entry file, refusing one the index would skip as too large."""
        size = len(text.encode("utf-8"))
        limit = self.config.max_file_bytes
        if size > limit:
            raise InvalidInputError(
                f"this entry would be {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB that "
                "Amber indexes ([tree] max_file_bytes in config.toml); split it or import it "
                "as a conversation"
            )
        self.files.write_text(rel_path, text)

    def _resolve(self, handle: str, within: Callable[[str], bool] | None = None) -> Entry:
        """An entry by id, path, unique id prefix, or unique title/alias (see `get`)."""
        handle = handle.strip()
        row = entry_rows.entry_row(self.db, handle) or self._row_by_path(handle)
        if row is not None and within and not within(row[1]):
            row = None
        if row is None:
            row = self._row_by_prefix_or_name(handle, within)
        return self._read(row[1])

    def _row_by_path(self, handle: str) -> tuple | None:
        rel = handle.removeprefix(str(self.config.tree_dir) + "/").strip("/")
        for candidate in (rel, rel + ".md"):
            row = entry_rows.entry_row_by_path(self.db, candidate)
            if row:
                return row
        return None

    def _row_by_prefix_or_name(
        self, handle: str, within: Callable[[str], bool] | None = None
    ) -> tuple:
        ids: list[str] = []
        if len(handle) >= ID_PREFIX_MIN:  # ULIDs are upper case; people type either
            ids = entry_rows.ids_with_prefix(self.db, handle) or entry_rows.ids_with_prefix(
                self.db, handle.upper()
            )
        if not ids:
            ids = [i for group in entry_rows.ids_by_name(self.db, [handle]).values() for i in group]
        rows = [row for row in (entry_rows.entry_row(self.db, i) for i in ids) if row]
        if within:
            rows = [row for row in rows if within(row[1])]
        if len(rows) > 1:
            found = ", ".join(row[0] for row in rows)
            raise InvalidInputError(f"'{handle}' matches {len(rows)} entries: {found}")
        row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"no entry '{handle}'; try `amber recall {handle}`")
        return row

    def _free_path(self, folder: str, title: str) -> str:
        slug = layout.slugify(title)
        prefix = f"{folder}/" if folder else ""
        candidate = f"{prefix}{slug}.md"
        n = 2
        while self.files.exists(candidate):
            candidate, n = f"{prefix}{slug}-{n}.md", n + 1
        return candidate

    def _move_target(self, entry: Entry, destination: str) -> str:
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
                "file name); give a name such as notes/passport.md"
            )
        if self.files.exists(target):
            raise InvalidInputError(f"'{target}' already exists; choose another destination")
        return target

    # -- browsing and whole-file editing (the TUI) -------------------------------------------
    # Imports are local so that this block stays self-contained in a file many people edit.

    def outline(self) -> list:
        """Every entry's id, path, title and kind (no bodies), ordered by path."""
        from amber.store.outline import outline_rows

        return outline_rows(self.db)

    def recent_events(self, source: str = "", limit: int = 200) -> list[Event]:
        """Events newest first (by when they happened), optionally from one source kind."""
        from amber.store.timeline import recent_events

        return recent_events(self.db, source, limit)

    def event_source_counts(self) -> dict[str, int]:
        return event_rows.source_counts(self.db)

    def memory_version(self) -> tuple[int, int]:
        """Changes whenever any process writes memory (audited writes or new events)."""
        from amber.store.timeline import memory_version

        return memory_version(self.db)

    def entry_text(self, handle: str) -> tuple[Entry, str]:
        """An entry and its file's whole text (frontmatter included), as an editor sees it."""
        entry = self._resolve(handle)
        return entry, self.files.read_bytes(entry.path).decode("utf-8", errors="replace")

    def save_entry_text(self, handle: str, text: str, *, expected: str | None = None) -> Entry:
        """Replace an entry's whole file as an editor saving it would: atomic write, reindex
        and audit together; secrets in the body are redacted. `expected` is the text the
        caller started from: if the file changed on disk since, nothing is written."""
        if not text.strip():
            raise InvalidInputError("the entry would be empty; to delete it use forget instead")
        with self.files.lock:
            current = self._resolve(handle)
            on_disk = self.files.read_bytes(current.path).decode("utf-8", errors="replace")
            if expected is not None and on_disk != expected:
                raise InvalidInputError(
                    f"'{current.path}' changed on disk since you opened it; reload it, "
                    "or save again to overwrite"
                )
            new_text = self._redacted_body(entry_text.storable(text))
            if new_text != on_disk:
                self._write_entry(current.path, self._stamped(current.path, new_text))
            self._indexed(current.path, "edit", current.id)
        return self._read(current.path)

    @staticmethod
    def _stamped(rel_path: str, text: str) -> str:
        """`updated` set to now, when the text has frontmatter that Amber can update."""
        try:
            has_frontmatter = fm.split(text).frontmatter is not None
        except fm.FrontmatterError:
            return text
        if not has_frontmatter or parse_entry(rel_path, text).problem:
            return text
        return rewrite(text, {"updated": now_iso()})

    @staticmethod
    def _redacted_body(text: str) -> str:
        """The text with secrets in its body redacted; the frontmatter is left as written."""
        try:
            body = fm.split(text).body
        except fm.FrontmatterError:  # kept as the user wrote it, searchable as plain text
            body = text
        cleaned = redact(body).text
        return text if cleaned == body else text[: len(text) - len(body)] + cleaned

    # -- agents (the MCP server) -------------------------------------------------------------
    # Imports are local so that this block stays self-contained in a file many people edit.

    def recently_changed(
        self, folder: str = "", limit: int = 10, since: str = ""
    ) -> list[tuple[str, EntryView]]:
        """(when, entry) for entries under `folder` (archive excluded), most recently changed
        first: by the later of their `updated` field and their file's mtime (an editor's save
        changes only the file). `since` is an ISO time; entries changed before it are left
        out."""
        from amber.store.recency import recently_changed

        changed = recently_changed(self.db, folder, limit, since)
        return [(stamp, self.get(entry_id)) for entry_id, stamp in changed]

    @contextmanager
    def acting_for(self, requester: dict[str, object]) -> Iterator[None]:
        """Name who asked for the writes made inside (e.g. the agent of an MCP handshake)
        in their audit records, in the same transaction as the write. Callers that share a
        service between threads must take turns around this block."""
        previous, self._requester = self._requester, {**self._requester, **requester}
        try:
            yield
        finally:
            self._requester = previous

    def _audit(
        self,
        conn: sqlcipher3.Connection,
        action: str,
        target: str,
        detail: dict[str, object] | None = None,
    ) -> None:
        audit.record(conn, self.interface, action, target, {**self._requester, **(detail or {})})

    # -- distiller and lifecycle (issue 5) ---------------------------------------------------
    # Imports are local so that this block stays self-contained in a file many people edit.

    def distiller(self, use_model: bool = True) -> Distiller:
        """The distiller over this memory, with the active chat model (None: zero-LLM)."""
        from amber.distill import Distiller

        return Distiller(self, chat_model_for(self.config) if use_model else None)

    def note_recall_hits(self, hits: list[Hit]) -> None:
        """Count the best entry hits as accesses (written at most every few seconds)."""
        from amber.lifecycle import HitTracker

        tracker = self.__dict__.setdefault("_hit_tracker", HitTracker())
        tracker.note(self.db, [h.id for h in hits if h.type == "entry"])

    def flush_lifecycle(self) -> None:
        """Write recall hits not written yet (long-running processes call it on shutdown)."""
        tracker = self.__dict__.get("_hit_tracker")
        if tracker is not None:
            tracker.flush(self.db)


def derive_title(body: str) -> str:
    """First line (without markdown heading marks), cut at a word boundary."""
    first = body.strip().splitlines()[0].lstrip("#").strip()
    if len(first) <= TITLE_MAX:
        return first
    return first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InvalidInputError(f"unknown kind '{kind}'; use one of: {', '.join(KINDS)}")


def _clean(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(v for v in map(_one_line, values or []) if v))


def _embedder_or_none(config: Config) -> Embedder | None:
    """The active embed model; a broken model registry costs vectors, not memory: recall
    and remember go on lexically, with a warning naming the problem."""
    try:
        return embedder_for(config)
    except AmberError as exc:
        log.warning("amber: working without vectors: %s", exc)
        return None


def _checked_date(value: str | None) -> str | None:
    """`valid_from` as a date (2023, 2023-05, 2023-05-08 or a full ISO time)."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}", value.strip()) or fm.is_timestamp(value.strip()):
        return value.strip()
    raise InvalidInputError(f"'{value}' is not a date; use e.g. 2023, 2023-05 or 2023-05-08")


def _cleaned(values: list[str] | None) -> list[str] | None:
    return None if values is None else _clean(values)


def _one_line(text: str | None) -> str:
    """A title, tag or alias: one line, no control characters, no secret."""
    return redact(" ".join(entry_text.storable(text or "").split())).text
