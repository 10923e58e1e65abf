"""The dense channel: binary-quantized prefilter in memory, exact cosine rescoring in SQL.

sqlite-vec's brute-force kNN grows with k and with the collection (about 30 ms for k=10
over 200k chunks here, several times that for the candidate pools fusion needs). Binary codes
(48 bytes for 384 dims) of every chunk fit in a few MB, so a numpy XOR-popcount over all of
them takes milliseconds; the best candidates are then rescored exactly by sqlite-vec.
"""

from __future__ import annotations

import threading
from typing import Any

from amber.models.embedder import Embedder, pack
from amber.store import search
from amber.store import vectors as vector_rows
from amber.store.db import Database

RESCORE_FACTOR = 8  # candidates rescored per requested result
MIN_RESCORE = 200


class VectorChannel:
    """A recall channel: callable(query, filter, pool) -> (search key, cosine similarity),
    best first. `similarities` scores other documents against the same query, for the
    relevance floor (amber.retrieval.relevance)."""

    def __init__(self, db: Database, embedder: Embedder) -> None:
        self.db = db
        self.embedder = embedder
        self._lock = threading.Lock()
        self._state: tuple[int, str] = (0, "")
        self._ids: Any = None  # numpy int64 array of chunk ids
        self._codes: Any = None  # numpy uint64 matrix, one row of packed bits per chunk
        self._last: tuple[str, bytes] = ("", b"")  # recall asks twice about the same query

    def __call__(self, query: str, flt: search.SearchFilter, pool: int) -> list[tuple[int, float]]:
        if not query.strip():
            return []
        vector = self._query_vector(query)
        candidates = self._prefilter(vector, max(MIN_RESCORE, pool * RESCORE_FACTOR))
        best: dict[int, float] = {}
        for key, distance in vector_rows.rescore(self.db, candidates, vector):
            if key not in best or distance < best[key]:
                best[key] = distance
        ranked = _admitted(self.db, sorted(best, key=best.__getitem__), flt, pool)
        return [(key, 1.0 - best[key]) for key in ranked]

    def similarities(self, query: str, keys: list[int]) -> dict[int, float]:
        """Cosine similarity of the query to each document's closest chunk; documents
        without vectors (not embedded yet) are left out."""
        if not query.strip() or not keys:
            return {}
        rows = vector_rows.closest_chunks(self.db, keys, self._query_vector(query))
        return {key: 1.0 - distance for key, distance in rows}

    def compared(self) -> int:
        """How many chunks a query is compared with: the more there are, the closer the
        nearest one is by chance alone (amber.retrieval.relevance.standout_margin)."""
        return 0 if self._ids is None else len(self._ids)

    def _query_vector(self, query: str) -> bytes:
        with self._lock:
            if self._last[0] == query:
                return self._last[1]
        vector = pack(self.embedder.embed_query(query))
        with self._lock:
            self._last = (query, vector)
        return vector

    def _prefilter(self, vector: bytes, count: int) -> list[int]:
        import numpy as np

        self._refresh()
        if self._codes is None or not len(self._ids):
            return []
        query_bits = np.frombuffer(_binary(self.db, vector), dtype=self._codes.dtype)
        counts = np.bitwise_count(self._codes ^ query_bits)
        # Column by column: numpy's sum along a short last axis is several times slower.
        distances = counts[:, 0].astype(np.uint16)
        for column in range(1, counts.shape[1]):
            distances += counts[:, column]
        if len(distances) > count:
            top = np.argpartition(distances, count)[:count]
        else:
            top = np.arange(len(distances))
        return [int(i) for i in self._ids[top]]

    def _refresh(self) -> None:
        """Load new codes, or all of them again after a delete (the generation changed)."""
        import numpy as np

        with self._lock:
            top, generation = vector_rows.cache_state(self.db)
            if (top, generation) == self._state:
                return
            since = self._state[0] if generation == self._state[1] else 0
            rows = vector_rows.codes_after(self.db, since)
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            # 64-bit words make the popcount 8x cheaper; any dims divisible by 64 qualify.
            word = np.uint64 if rows and len(rows[0][1]) % 8 == 0 else np.uint8
            codes = np.frombuffer(b"".join(r[1] for r in rows), dtype=word)
            codes = codes.reshape(len(rows), -1) if len(rows) else None
            if since and self._codes is not None and codes is not None:
                ids = np.concatenate([self._ids, ids])
                codes = np.vstack([self._codes, codes])
            elif since:
                ids = self._ids
                codes = self._codes
            self._ids = ids
            self._codes = codes
            self._state = (top, generation)


def _admitted(db: Database, ranked: list[int], flt: search.SearchFilter, pool: int) -> list[int]:
    """The best `pool` keys that pass the filter, checked a slice at a time from the top:
    the filter reads each document's row, which costs more than ranking them."""
    admitted: list[int] = []
    for start in range(0, len(ranked), pool * 2):
        chunk = ranked[start : start + pool * 2]
        allowed = search.keys_matching(db, chunk, flt)
        admitted += [key for key in chunk if key in allowed]
        if len(admitted) >= pool:
            break
    return admitted[:pool]


def _binary(db: Database, vector: bytes) -> bytes:
    row = db.one("SELECT vec_quantize_binary(?)", (vector,))
    return bytes(row[0]) if row else b""
