"""Opening the SQLCipher database with sqlite-vec loaded.

Writes use explicit `BEGIN IMMEDIATE` transactions on an autocommit connection: a deferred
transaction that later upgrades to a write lock can fail with SQLITE_BUSY without waiting,
which breaks concurrent writers; IMMEDIATE takes the lock up front and honours busy_timeout.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from amber.errors import AmberError, NotInitializedError, WrongKeyError

BUSY_TIMEOUT_MS = 15_000
IN_CHUNK = 500  # values per `IN (...)` list: well under SQLite's limit on parameters
Row = tuple[Any, ...]


def marks(values: Sized) -> str:
    """`?,?,?`: the placeholders of an `IN (...)` list of these values."""
    return ",".join("?" * len(values))


class DatabaseError(AmberError):
    """The index could not be opened or written."""


class IndexBusyError(AmberError, sqlcipher3.OperationalError):
    """Another process held the index's write lock for longer than we wait. Still an
    OperationalError, so the daemon's writer retries it like any other busy moment."""


class IndexFullError(AmberError, sqlcipher3.OperationalError):
    """The disk (or the file system's quota) is full: the transaction was rolled back."""


class Database:
    """One connection, safe to share between the threads of one process."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[sqlcipher3.Connection]:
        """A write transaction; commits on success, rolls back on any error."""
        with self._lock:
            _begin(self.conn, self.path)
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                # SQLite may have rolled back already (a full disk does): keep the real error.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if _disk_full(exc):
                    raise IndexFullError(
                        f"the disk holding {self.path} is full; nothing of this change was "
                        "stored, free some space and try again"
                    ) from exc
                raise

    def query(self, sql: str, params: tuple | list = ()) -> list[Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def query_in(
        self, sql: str, values: Sequence[Any], before: Sequence[Any] = (), after: Sequence[Any] = ()
    ) -> list[Row]:
        """Rows of `sql` in which each `IN (%s)` stands for `values`, read IN_CHUNK values
        at a time (no query at all for no values); `before`/`after` are the parameters
        around them."""
        rows: list[Row] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = list(values[start : start + IN_CHUNK])
            params = [*before, *chunk * sql.count("%s"), *after]
            rows += self.query(sql.replace("%s", marks(chunk)), params)
        return rows

    def one(self, sql: str, params: tuple | list = ()) -> Row | None:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def checkpoint(self) -> None:
        """Fold the WAL into the database and truncate it, so deleted rows leave no copies."""
        with self._lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self, *, incremental: bool) -> None:
        """Rewrite the whole file without its free pages (no transaction may be open, and
        this process writes nothing meanwhile); `incremental`: from then on free pages can
        be given back a few at a time (`PRAGMA incremental_vacuum`)."""
        with self._lock:
            if incremental:
                self.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            self.conn.execute("VACUUM")

    def rekey(self, key: bytes) -> None:
        """Encrypt the index with another key (a device joining a synced memory); out of
        WAL mode, since a rekey rewrites every page of the main file."""
        with self._lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("PRAGMA journal_mode = DELETE")
            self.conn.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
            self.conn.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def _disk_full(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, sqlcipher3.OperationalError) and "is full" in text


def _begin(conn: sqlcipher3.Connection, path: Path) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise IndexBusyError(
            f"another Amber process has been writing {path.name} for over "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again in a moment"
        ) from exc


def open_database(path: Path, key: bytes, *, create: bool = False) -> Database:
    """Open (or create) the encrypted index; a wrong key fails before anything is written."""
    if not create and not path.exists():
        raise NotInitializedError(f"no index at {path}; run `amber init` first")
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # SQLCipher logs failed HMAC checks to stderr; the WrongKeyError says it in one line.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        _check_key(conn, path)
        if create and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            # A new index gives pruned pages back a few at a time (amber/compaction.py);
            # only an empty file can take this without a whole VACUUM.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    return Database(conn, path)


def _check_key(conn: sqlcipher3.Connection, path: Path) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        # SQLCipher says "file is not a database" when the first page fails its HMAC: a
        # wrong key. Anything else (a full disk, an I/O error) must not blame the key.
        if "not a database" not in str(exc):
            raise DatabaseError(f"cannot open {path}: {exc}") from exc
        raise WrongKeyError(
            f"cannot decrypt {path}: wrong key or passphrase (or not an Amber index)"
        ) from exc


PAGE_CACHE_KIB = 64 * 1024


def _configure(conn: sqlcipher3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives power loss, not only a killed process; commits are batched.
    conn.execute("PRAGMA synchronous = FULL")
    # Freed pages are zeroed so that forgotten memories do not linger in the file.
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    # SQLCipher decrypts every page it reads; decrypted pages stay in this cache. The 2 MiB
    # default held too little of a 10k-entry index, and recall spent half its time
    # decrypting the same pages again (p50 5.4 -> 3.1 ms at 10k). Filled only as read.
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    conn.enable_load_extension(True)
    try:
        conn.load_extension(_sqlite_vec_path())
    finally:
        conn.enable_load_extension(False)


def _sqlite_vec_path() -> str:
    """The extension file inside the sqlite-vec package, found without importing the package
    (its __init__ imports numpy: a fifth of the CLI's start-up time)."""
    spec = importlib.util.find_spec("sqlite_vec")
    if spec is None or spec.origin is None:
        raise DatabaseError("sqlite-vec is not installed; run scripts/setup.sh")
    return str(Path(spec.origin).parent / "vec0")


UNDER_FOLDER = "path LIKE ? ESCAPE '\\'"  # with under_folder(folder) as its parameter


def under_folder(folder: str) -> str:
    """The LIKE pattern for paths below `folder`, its '_' and '%' taken literally (folder
    names are snake_case: unescaped, 'web_shop' would also match 'webXshop')."""
    escaped = folder.rstrip("/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"
