"""MemoryService: the one API over memory that the CLI, the TUI, the MCP server and the
daemon use.

A thin facade: each method hands its job to the module that does it, so every interface
gets the same behaviour.

- writing an entry: `amber.writing` (plans, then `EntryWriter.commit`: files, index and
  audit as one unit);
- finding memories: `amber.retrieval` (recall), `amber.reads` (by id, path, title; listings);
- importing files as events: `amber.importing` (through `amber.ingest`);
- the distiller, review and undo: `amber.distill`, given the parts it needs;
- keeping files and index in step, doctor, stats: `amber.indexer`, `amber.maintenance`;
- each folder's context.md: `amber.contexts`.

It is built from an opened home (`amber.home.open_home`), which it closes when closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from amber import compaction, contexts, lifecycle, maintenance
from amber.ask import ANSWER_SECONDS, AskResult, ask
from amber.clock import now_iso
from amber.config import Config
from amber.embedding import EmbeddingIndexer, EmbedReport
from amber.errors import AmberError, ConflictError, InvalidInputError
from amber.events import Event
from amber.home import Home, adopt_key, open_home
from amber.ids import new_id
from amber.indexer import Indexer, ReconcileReport
from amber.models.active import chat_model_for, embedder_for
from amber.models.embedder import Embedder
from amber.models.runtime import NoModelError
from amber.reads import EntryView, Reader, Within
from amber.retrieval.hits import Hit
from amber.retrieval.recall import Recaller, RecallOptions
from amber.retrieval.vector_channel import VectorChannel
from amber.security.keys import PassphrasePrompt, derive_key, obtain_passphrase
from amber.store import audit, capture, outline, recency, timeline
from amber.store import entries as entry_rows
from amber.store import events as event_rows
from amber.store import vectors as vector_rows
from amber.tree import layout
from amber.tree.context import read_description
from amber.tree.entry import Entry
from amber.writing import fields, plans
from amber.writing.writer import EntryWriter

if TYPE_CHECKING:
    from amber.distill import Distiller
    from amber.distill.parts import DistillParts
    from amber.distill.review import ReviewQueue
    from amber.forgetting import ForgetPlan, ForgetReport
    from amber.importing import ImportResult
    from amber.pluginspec import Importer
    from amber.retention import PrunePlan
    from amber.store.forget import Selection
    from amber.sync import Syncer, SyncReport, SyncState, SyncStatus
    from amber.sync.compact import CompactReport
    from amber.sync.purge import PurgeReport

log = logging.getLogger(__name__)
NO_CHAT_MODEL = (
    "no chat model: `amber models pull qwen2.5-1.5b-instruct` (or `amber models add FILE "
    "--role chat`); recall works without one"
)
UPDATE_TRIES = 3  # an update re-reads and re-plans when an editor saved meanwhile


class MemoryService:
    def __init__(self, home: Home, interface: str) -> None:
        self.home = home
        self.config = home.config
        self.db = home.db
        self.files = home.files
        self.interface = interface
        self.indexer = Indexer(home.db, home.files, home.config.max_file_bytes)
        self.writer = EntryWriter(home.db, home.files, self.indexer, interface)
        self.reader = Reader(home.db, home.files)
        self.recaller = Recaller(home.db)
        self._hits = lifecycle.HitTracker()
        self.embedder = self._active_embedder()

    def reload_config(self, config: Config) -> None:
        """A running process (the daemon, on SIGHUP) takes an edited config.toml."""
        self.home.config = self.config = config
        self.indexer.max_file_bytes = config.max_file_bytes

    @classmethod
    def open(
        cls,
        home: Path | None = None,
        *,
        interface: str = "cli",
        prompt: PassphrasePrompt | None = None,
    ) -> MemoryService:
        return cls(open_home(home, prompt=prompt), interface)

    def close(self) -> None:
        self.home.close()

    def __enter__(self) -> MemoryService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing entries -----------------------------------------------------------------------

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
        body = fields.body(text)
        if not body:
            raise InvalidInputError("nothing to remember: the text is empty")
        folder = layout.normalize_folder(path) if path else layout.default_folder(kind)
        stamp = now_iso()
        entry = Entry(
            id=new_id(),
            title=fields.label(title) or fields.title_from(body),
            kind=fields.kind(kind),
            body=body + "\n",
            tags=fields.labels(tags),
            aliases=fields.labels(aliases),
            sources=fields.labels(sources),
            created=stamp,
            updated=stamp,
            valid_from=fields.date(valid_from),
        )
        with self.writer.locked():
            self.writer.commit(plans.new_entry(self.writer, entry, folder, "remember"))
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
        """Change what is given; `add_sources` joins the entry's provenance (who changed it).
        An editor saving the same file meanwhile is not overwritten: the change is applied
        again on top of what it saved."""
        changes = fields.changes(title, kind, tags, aliases, valid_from)
        new_body = None if body is None else fields.new_body(body)
        tries = UPDATE_TRIES
        with self.writer.locked():
            while True:
                try:
                    return self._update_once(handle, changes, new_body, add_sources)
                except ConflictError:
                    tries -= 1
                    if not tries:
                        raise

    def _update_once(
        self,
        handle: str,
        changes: dict[str, object],
        body: str | None,
        add_sources: list[str] | None,
    ) -> Entry:
        current = self.reader.entry(handle)
        updates = fields.with_sources(current.sources, changes, add_sources)
        plan = plans.rewritten(self.writer, current, updates, body, "update")
        plan.audit = {"fields": sorted([*updates, *(["text"] if body is not None else [])])}
        self.writer.commit(plan)
        return self.reader.read(current.path)

    def move(self, handle: str, destination: str) -> Entry:
        """Rename the entry's file; its id stays the same (a file that had none gets it
        written in first)."""
        with self.writer.locked():
            current = self.reader.entry(handle)
            target = plans.move_target(self.writer, current, destination)
            if not current.has_own_id:
                self.writer.commit(
                    plans.rewritten(self.writer, current, {}, None, "identify", stamp=False)
                )
                current = self.reader.read(current.path)
            self.writer.commit(plans.moved(self.writer, current, target))
        return self.reader.read(target)

    def check_move(self, handle: str, destination: str) -> str:
        """Where `move` would put the entry; raises what `move` would, and changes nothing."""
        return plans.move_target(self.writer, self.reader.entry(handle), destination)

    def forget(self, handle: str) -> str:
        """Delete an entry from the tree and the index for good (secure_delete, WAL truncated);
        its folder's context.md no longer names it."""
        with self.writer.locked():
            current = self.reader.entry(handle)
            self.writer.commit(plans.forgotten(current))
            contexts.refresh(self.writer, contexts.folders_of([current.path]), create=False)
        return current.id

    def forget_plan(self, selection: Selection) -> ForgetPlan:
        """What forgetting these events would delete and change; changes nothing."""
        from amber.forgetting import Forgetting

        return Forgetting(self.distill_parts(), self.config.screens_dir).plan(selection)

    def forget_events(self, plan: ForgetPlan) -> ForgetReport:
        """Forget the events of a plan for good, with what was distilled from them."""
        from amber.forgetting import Forgetting

        report = Forgetting(self.distill_parts(), self.config.screens_dir).apply(plan)
        changed = [*report.entries, *report.rewritten, *report.removed]
        contexts.refresh(self.writer, contexts.folders_of(changed), create=False)
        return report

    def prune_plan(self, source: str, before: datetime) -> PrunePlan:
        """What pruning `source`'s events from before `before` would remove and keep (what
        the tree cites, what the distiller has not read); changes nothing."""
        from amber import retention

        return retention.plan(self.db, source, before)

    def prune(self, plan: PrunePlan, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Remove a prune plan's events through the forgetting path; returns how many."""
        from amber import retention
        from amber.forgetting import Forgetting

        forgetting = Forgetting(self.distill_parts(), self.config.screens_dir)
        return retention.apply(forgetting, plan, should_stop)

    def save_entry_text(self, handle: str, text: str, *, expected: str | None = None) -> Entry:
        """Replace an entry's whole file as an editor saving it would (secrets in the body
        redacted, `updated` stamped). `expected` is the text the caller started from: if the
        file changed on disk since, nothing is written."""
        if not text.strip():
            raise InvalidInputError("the entry would be empty; to delete it use forget instead")
        with self.writer.locked():
            current, on_disk = self.reader.text(handle)
            new_text = fields.edited_file(text)
            if new_text != on_disk:
                new_text = fields.stamped(current.path, new_text)
            plan = plans.replaced_text(self.writer, current, new_text, expected)
            self.writer.commit(plan)
        return self.reader.read(current.path)

    def index_file(self, rel_path: str) -> str:
        """Bring the index in line with a file an editor changed (`amber edit`, the TUI's
        external editor); returns added/updated/removed/unchanged/skipped."""
        return self.indexer.index_file(rel_path, interface=self.interface)

    def file_path(self, entry: Entry) -> Path:
        """Where an entry's file is, for an editor to open."""
        return self.files.abspath(entry.path)

    @contextmanager
    def acting_for(self, requester: dict[str, object]) -> Iterator[None]:
        """Name who asked for the writes made inside (e.g. the agent of an MCP handshake)
        in their audit records, in the same transaction as the write."""
        with self.writer.acting_for(requester):
            yield

    # -- reading -------------------------------------------------------------------------------

    def get(self, handle: str, within: Within | None = None) -> EntryView:
        """An entry by id, path, unique id prefix, or unique title/alias (see `Reader`)."""
        return self.reader.view(handle, within)

    def get_event(self, event_id: str) -> Event:
        return self.reader.event(event_id)

    def entry_text(self, handle: str) -> tuple[Entry, str]:
        """An entry and its file's whole text (frontmatter included), as an editor sees it."""
        return self.reader.text(handle)

    def outline(self) -> list[outline.OutlineRow]:
        """Every entry's id, path, title and kind (no bodies), ordered by path."""
        return outline.outline_rows(self.db)

    def outline_page(
        self, after: str = "", limit: int = 100, folders: tuple[str, ...] = ("",)
    ) -> list[outline.OutlineRow]:
        """A page of the outline outside the archive: paths after `after`, under `folders`."""
        return outline.outline_page(self.db, after, limit, folders)

    def tree(self, folder: str = "", include_archive: bool = False) -> maintenance.TreeNode:
        return maintenance.tree(self.db, folder, include_archive, self.folder_description)

    def folder_description(self, folder: str) -> str:
        """What a folder's context.md says it holds ('' without one)."""
        return read_description(self.files, folder)

    def refresh_contexts(self, folder: str = "") -> contexts.ContextReport:
        """Write the context.md of `folder`, of every folder below it and above it ('': of
        every folder), from the index; a person's context.md is kept and reported."""
        return contexts.refresh(self.writer, below=layout.normalize_folder(folder or ""))

    def recent_events(self, source: str = "", limit: int = 200) -> list[Event]:
        """Events newest first (by when they happened), optionally from one source kind."""
        return timeline.recent_events(self.db, source, limit)

    def event_source_counts(self) -> dict[str, int]:
        return event_rows.source_counts(self.db)

    def event_meta(self, event_id: str) -> dict | None:
        return capture.event_meta(self.db, event_id)

    def recently_changed(
        self, folder: str = "", limit: int = 10, since: str = ""
    ) -> list[tuple[str, EntryView]]:
        """(when, entry) for entries under `folder` (archive excluded), most recently changed
        first, by the later of their `updated` field and their file's mtime. `since` is an
        ISO time; entries changed before it are left out."""
        changed = recency.recently_changed(self.db, folder, limit, since)
        return [(stamp, self.get(entry_id)) for entry_id, stamp in changed]

    def memory_version(self) -> tuple[int, int]:
        """Changes whenever any process writes memory (audited writes or new events)."""
        return timeline.memory_version(self.db)

    def last_write(self) -> int:
        """The audit log's newest record: it moves whenever any interface writes memory."""
        return audit.last_rowid(self.db)

    def entry_count(self) -> int:
        return entry_rows.entry_count(self.db)

    def audit_log(self, limit: int = 50) -> list[dict[str, object]]:
        return audit.recent(self.db, limit)

    def derived_key(self, purpose: str) -> bytes:
        """A key for `purpose` derived from the index key (a source's encrypted files)."""
        return derive_key(self.home.key, purpose)

    # -- recall --------------------------------------------------------------------------------

    def recall(
        self, query: str, options: RecallOptions | None = None, *, count_access: bool = True
    ) -> list[Hit]:
        """Ranked hits. `count_access`: the best entry hits count as accesses (lifecycle);
        a search typed letter by letter passes False and counts what is opened instead."""
        hits = self.recaller.recall(query, options)
        if count_access:
            self.note_accessed([h.id for h in hits if h.type == "entry"])
        return hits

    def note_accessed(self, entry_ids: list[str]) -> None:
        """Entries used: their importance grows (written in one transaction, at most every
        few seconds; see `lifecycle.HitTracker`)."""
        self._hits.note(self.db, entry_ids)

    def flush_lifecycle(self) -> None:
        """Write accesses not written yet (long-running processes call it on shutdown)."""
        self._hits.flush(self.db)

    def ask(
        self,
        question: str,
        options: RecallOptions | None = None,
        on_answer_text: Callable[[str], None] | None = None,
        seconds: float = ANSWER_SECONDS,
    ) -> AskResult:
        """Answer from memory with the active chat model; raises NoModelError without one.
        `seconds` bounds the model's time (amber.ask)."""
        if not question.strip():
            raise InvalidInputError(
                'the question is empty; ask something, e.g. `amber ask "when did Ana move?"`'
            )
        model = chat_model_for(self.config)
        if model is None:
            raise NoModelError(NO_CHAT_MODEL)
        hits = self.recall(question, options or RecallOptions(k=8))
        evidence = [(h, self._full_text(h)) for h in hits]
        return ask(question, evidence, model, on_answer_text, seconds)

    def _full_text(self, hit: Hit) -> str:
        if hit.type == "event":
            return self.get_event(hit.id).text
        return self.reader.read(hit.path).body if hit.path else hit.snippet

    def embed_pending(
        self,
        progress: Callable[[int, int], None] | None = None,
        limit: int | None = None,
        events: bool = True,
    ) -> EmbedReport | None:
        """Embed new and changed documents with the active embed model (None: no model);
        entries only when `events` is False."""
        if self.embedder is None:
            return None
        report = EmbeddingIndexer(self.db, self.embedder).sync(progress, limit, events)
        self.recaller.extra_channels.setdefault("vector", VectorChannel(self.db, self.embedder))
        return report

    def pending_embeddings(self, events: bool = True) -> int:
        return vector_rows.pending_count(self.db, events) if self.embedder else 0

    def _active_embedder(self) -> Embedder | None:
        """The active embed model, its vector channel joining recall; a broken model registry
        costs vectors, not memory: recall and remember go on lexically, with a warning."""
        try:
            embedder = embedder_for(self.config)
        except AmberError as exc:
            log.warning("amber: working without vectors: %s", exc)
            return None
        if embedder and vector_rows.settings(self.db).get("model") == embedder.name:
            self.recaller.extra_channels["vector"] = VectorChannel(self.db, embedder)
        return embedder

    # -- keeping files and index in step, maintenance --------------------------------------------

    def reconcile(self) -> ReconcileReport:
        return self.indexer.reconcile(interface="editor")

    def watched_file_changed(self, rel_path: str) -> str:
        """A file a tree watcher saw change (an editor, git): reindexed, audited as such."""
        return self.indexer.index_file(rel_path, interface="editor")

    def reindex(self) -> ReconcileReport:
        with self.writer.locked():
            report = self.indexer.rebuild()
            with self.db.write() as conn:
                audit.record(conn, self.interface, "reindex", "", {"entries": report.changed})
        return report

    def doctor(self) -> maintenance.DoctorReport:
        return maintenance.doctor(self.config, self.db, self.indexer)

    def stats(self) -> dict[str, object]:
        return maintenance.stats(self.config, self.db)

    def storage(self) -> maintenance.Storage:
        """Size per source and growth per month (`amber stats`)."""
        return maintenance.storage(self.config, self.db)

    def compact(self, should_stop: Callable[[], bool] = lambda: False) -> compaction.Report:
        """Merge the full-text index's segments and give free pages back to the disk
        (amber/compaction.py): the daemon calls it while idle."""
        return compaction.compact(self.db, should_stop)

    def stale_entries(self, min_idle_days: int, below: float) -> list[lifecycle.StaleEntry]:
        lifecycle.refresh(self.db)
        return lifecycle.stale(self.db, min_idle_days=min_idle_days, below=below)

    def archive(self, stale: list[lifecycle.StaleEntry]) -> list[str]:
        """Move these entries to `_archive/` (undoable operations); returns their op ids."""
        from amber.distill.archive import archive_entries

        return archive_entries(self.distill_parts(), stale)

    # -- events, the distiller ------------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        importer: Importer,
        on_commit: Callable[[int], None] | None = None,
        *,
        chosen: bool = False,
    ) -> ImportResult:
        """Store an export file's messages as events (see `amber.importing`)."""
        from amber.importing import import_file

        limit = self.config.max_event_bytes
        return import_file(
            self.db, path, importer, self.interface, on_commit, chosen=chosen, max_event_bytes=limit
        )

    def distill_parts(self) -> DistillParts:
        from amber.distill.parts import DistillParts
        from amber.sync.distilling import elsewhere

        return DistillParts(self.db, self.writer, elsewhere(self.config))

    def review_queue(self) -> ReviewQueue:
        """What the distiller proposed for entries a person wrote: accept, edit, reject."""
        from amber.distill.review import ReviewQueue

        return ReviewQueue(self.distill_parts())

    def distiller(self, use_model: bool = True) -> Distiller:
        """The distiller over this memory, with the active chat model (None: zero-LLM)."""
        from amber.distill import Distiller

        model = chat_model_for(self.config) if use_model else None
        return Distiller(self.distill_parts(), model)

    # -- sync between devices (amber.sync) --------------------------------------------------------

    def sync_init(
        self,
        remote: str | None = None,
        device: str | None = None,
        prompt: PassphrasePrompt | None = None,
    ) -> SyncState:
        """Make the tree a git repository (or adopt it), with `remote` to sync through. A
        remote made with a passphrase: the same passphrase with its salt makes this home's
        key the remote's (the index re-encrypted); any other key is refused."""
        from amber.sync.keyshare import OtherKeyError, key_for_passphrase

        try:
            return self._syncer().init(remote, device)
        except OtherKeyError as exc:
            if not exc.kdf:
                raise
            key = key_for_passphrase(exc, obtain_passphrase(prompt, confirm=False))
            adopt_key(self.home, key, exc.kdf)
            return self._syncer().init(remote, device)

    def export_key(self, passphrase: str) -> str:
        """The memory key sealed with `passphrase`, for `amber key import` on a new device."""
        from amber.sync.keyshare import seal_key

        return seal_key(self.home.key, passphrase)

    def sync(self) -> SyncReport:
        """Commit, fetch, merge, push; events travel as encrypted segments."""
        return self._syncer().sync()

    def sync_status(self) -> SyncStatus:
        return self._syncer().status()

    def sync_compact(self) -> CompactReport:
        """Merge this device's event segments into a few large ones."""
        return self._syncer().compact()

    def sync_purge(self, entry_id: str) -> PurgeReport:
        """Rewrite the synced tree's git history without a forgotten entry."""
        return self._syncer().purge_history(entry_id)

    def sync_distiller(self, take: bool = False) -> str:
        """The device that distils this synced memory; `take`: this one, from now on."""
        syncer = self._syncer()
        if take:
            syncer.take_distiller()
        return syncer.distiller()

    def _syncer(self) -> Syncer:
        from amber.sync import Syncer

        return Syncer(self.config, self.writer, self.home.key)
