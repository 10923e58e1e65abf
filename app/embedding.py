"""Keeping vectors in step with entries and events, incrementally by content hash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from amber.models.embedder import Embedder, pack
from amber.retrieval.chunking import embedding_pieces
from amber.store import vectors as vector_rows
from amber.store.db import Database

BATCH_DOCS = 64
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class EmbedReport:
    model: str
    dims: int
    embedded: int = 0
    chunks: int = 0
    reset: bool = False  # True when a model switch dropped the old vectors


class EmbeddingIndexer:
    def __init__(self, db: Database, embedder: Embedder) -> None:
        self.db = db
        self.embedder = embedder

    def ensure_model(self) -> bool:
        """Start a new vector space when the model or the recipe changed; True if old vectors
        were dropped."""
        current = vector_rows.settings(self.db)
        wanted = (self.embedder.name, str(self.embedder.dims), vector_rows.RECIPE)
        if (current.get("model"), current.get("dims"), current.get("recipe")) == wanted:
            return False
        with self.db.write() as conn:
            vector_rows.reset(conn, self.embedder.name, self.embedder.dims)
        return "model" in current

    def sync(
        self, progress: Progress | None = None, limit: int | None = None, events: bool = True
    ) -> EmbedReport:
        """Embed every document whose content has no vector yet (entries only when `events`
        is False); resumable at any point."""
        report = EmbedReport(self.embedder.name, self.embedder.dims, reset=self.ensure_model())
        total = vector_rows.pending_count(self.db, events)
        if limit is not None:
            total = min(total, limit)
        while report.embedded < total:
            wanted = min(BATCH_DOCS, total - report.embedded)
            batch = vector_rows.pending(self.db, wanted, events)
            if not batch:
                break
            report.chunks += self._embed_batch(batch)
            report.embedded += len(batch)
            if progress:
                progress(report.embedded, total)
        return report

    def _embed_batch(self, docs: list[vector_rows.PendingDoc]) -> int:
        pieces = [embedding_pieces(doc.text) or [doc.text[:200] or " "] for doc in docs]
        flat = [p for chunks in pieces for p in chunks]
        vectors = [pack(v) for v in self.embedder.embed_documents(flat)]
        with self.db.write() as conn:
            start = 0
            for doc, chunks in zip(docs, pieces, strict=True):
                vector_rows.store_doc(conn, doc, vectors[start : start + len(chunks)])
                start += len(chunks)
        return len(flat)
