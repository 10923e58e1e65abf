"""The index is encrypted at rest, and a wrong key changes nothing on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from amber.config import load_config
from amber.errors import KeyUnavailableError, WrongKeyError
from amber.home import init_home, open_home
from amber.security import keys
from amber.service import MemoryService
from amber.store.migrations import MIGRATIONS, migrate

SECRET_WORD = "zanzibarquokkaplatypus"


def _fingerprint(home: Path) -> dict[str, tuple[int, str]]:
    return {
        str(p.relative_to(home)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def test_text_is_not_in_plaintext_in_db_or_wal(home: Path) -> None:
    service = MemoryService.open(home, interface="test")
    service.remember(f"The vault code word is {SECRET_WORD}", title=f"{SECRET_WORD} note")
    # Checked while the connection is open, so the WAL still holds the fresh pages.
    wal = home / "index.db-wal"
    assert wal.exists()
    assert wal.stat().st_size > 0
    for path in (home / "index.db", wal):
        assert SECRET_WORD.encode() not in path.read_bytes(), path
    service.close()
    assert SECRET_WORD.encode() not in (home / "index.db").read_bytes()


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with MemoryService.open(home) as service:
        service.remember("something to keep")
    before = _fingerprint(home)
    monkeypatch.setenv("AMBER_PASSPHRASE", "not the passphrase")
    with pytest.raises(WrongKeyError, match="wrong key or passphrase"):
        MemoryService.open(home)
    assert _fingerprint(home) == before


def test_missing_passphrase_is_a_clear_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMBER_PASSPHRASE")
    with pytest.raises(KeyUnavailableError, match="AMBER_PASSPHRASE"):
        MemoryService.open(home)


def test_init_is_idempotent_and_keeps_data(home: Path) -> None:
    with MemoryService.open(home) as service:
        entry = service.remember("keep me across init")
    before = _fingerprint(home / "tree")
    result = init_home(home)
    assert not result.created
    assert _fingerprint(home / "tree") == before
    with MemoryService.open(home) as service:
        assert service.get(entry.id).entry.body.strip() == "keep me across init"


def test_keyring_mode_stores_a_random_key(
    amber_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real keyring library with a file backend (the OS backends need a desktop session)."""
    pytest.importorskip("keyrings.alt", reason="keyrings.alt provides a headless keyring backend")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("AMBER_PASSPHRASE")
    keyring_core = pytest.importorskip("keyring.core")
    keyring_core.init_backend()  # keyring picks its backend once per process; pick again
    try:
        _check_keyring_round_trip(amber_env)
    finally:
        monkeypatch.undo()
        keyring_core.init_backend()


def _check_keyring_round_trip(amber_env: Path) -> None:
    result = init_home(amber_env)
    assert result.key_storage == "keyring"
    config = load_config(amber_env)
    key = keys.load_keyring_key(config)
    assert len(key) == 32
    assert not config.keyfile_path.exists()
    with MemoryService.open(amber_env) as service:
        service.remember("stored with a keyring key")
    keys.delete_keyring_key(config)
    with pytest.raises(KeyUnavailableError, match="no key for this Amber home"):
        MemoryService.open(amber_env)


def test_every_migration_applies_to_an_empty_db_and_is_recorded(home: Path) -> None:
    config = load_config(home)
    db = open_home(config.home).db
    names = {row[0] for row in db.query("SELECT name FROM schema_migrations")}
    assert names == {m.__name__ for m in MIGRATIONS}
    assert migrate(db) == []  # nothing pending: a second run is a no-op
    tables = {row[0] for row in db.query("SELECT name FROM sqlite_master")}
    assert {"events", "entries", "search", "audit", "lifecycle"} <= tables
    assert db.one("SELECT vec_version()")[0].startswith("v")  # sqlite-vec is loaded
    db.close()


def test_the_context_migration_rebuilds_the_full_text_index(home: Path, tmp_path: Path) -> None:
    """A home from before m0008: its full-text rows had no context column."""
    from amber.importing import available_importers, import_file

    service = MemoryService.open(home)
    service.remember("Ferns want water on Sundays", title="Ferns")
    talk = tmp_path / "talk.json"
    talk.write_text(
        '{"id": "t", "messages": [{"id": "q", "speaker": "Ana", "text": "Which city, Bo?"},'
        ' {"id": "a", "speaker": "Bo", "text": "Lisbon, in May."}]}'
    )
    import_file(service.db, talk, available_importers(False)["generic"], "test")
    with service.db.write() as conn:
        conn.execute("DROP TABLE search")
        conn.execute(
            "CREATE VIRTUAL TABLE search USING fts5(title, body, scope, path UNINDEXED,"
            " kind UNINDEXED, source UNINDEXED, ts UNINDEXED)"
        )
        conn.execute("DELETE FROM schema_migrations WHERE name = 'm0008_search_context'")
    assert migrate(service.db) == ["m0008_search_context"]
    rows = service.db.one("SELECT count(*) FROM search")[0]
    assert rows == 3
    assert service.recall("ferns")[0].title == "Ferns"
    answer = service.db.one("SELECT context FROM search WHERE body = 'Lisbon, in May.'")[0]
    assert answer == "Which city, Bo?"
    service.close()
