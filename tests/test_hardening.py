"""Odd files, full disks, links and modes: each failure a hostile tester found, reproduced
and held off (one line, nothing lost, nothing written where it must not be)."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
import sqlcipher3
from helpers.cli import amber

from amber.errors import TreeWriteError
from amber.events import EventDraft
from amber.ingest import cut_to
from amber.service import MemoryService

# -- file names that are not UTF-8, and other odd names ---------------------------------------

ODD_NAMES = [
    b"x-\xff.md",  # not UTF-8
    b"caf\xe9.md",  # Latin-1
    ("n" * 240 + ".md").encode(),  # near the file system's limit
    b"tab\there.md",
    b"new\nline.md",
    "\u202eevil.md".encode(),  # a bidi override in the name
    b"Case.md",
    b"case.md",
    "cafe\u0301.md".encode(),  # decomposed accent beside the composed one below
    "caf\u00e9.md".encode(),
]


def test_odd_file_names_break_no_command(home: Path) -> None:
    """One file named with bytes that are not UTF-8 made recall, remember, reindex, tree,
    stats and doctor --fix crash with a 73-line traceback."""
    tree = home / "tree"
    tree.mkdir(exist_ok=True)
    for name in ODD_NAMES:
        with open(os.path.join(os.fsencode(tree), name), "wb") as handle:
            handle.write(b"# odd\n\nodd file body\n")
    commands = [["recall", "odd"], ["remember", "still fine"], ["reindex"], ["tree"], ["stats"]]
    for args in [*commands, ["doctor", "--fix"], ["recall", "odd", "--json"]]:
        code, _out, err = amber(*args)
        assert code in (0, 1), f"{args}: {err}"
        assert "Traceback" not in err
    code, out, _err = amber("doctor")
    assert "x-\\xff.md" in out
    assert "not valid UTF-8" in out


# -- a limit on one message --------------------------------------------------------------------


def test_a_huge_message_is_kept_cut_with_a_note() -> None:
    text = "start " + "x" * 2_000_000 + " end"
    cut = cut_to(EventDraft("conversation", text, message_id="m1"), 262_144)
    assert len(cut.text.encode()) < 270_000
    assert cut.text.startswith("start ")
    assert cut.text.endswith(" end")
    assert "bytes left out" in cut.text
    assert cut.meta["cut"]["bytes"] == len(text.encode())


def test_a_jsonl_file_with_a_huge_first_message_is_recognized(
    service: MemoryService, tmp_path: Path
) -> None:
    """Without --format such a file was refused as 'not a conversation format'."""
    export = tmp_path / "big.jsonl"
    lines = [
        {"conversation": "c1", "id": "m1", "speaker": "Ana", "text": "word " * 400_000},
        {"conversation": "c1", "id": "m2", "speaker": "Ben", "text": "a short reply"},
    ]
    export.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    code, _out, err = amber("import", "conversation", str(export))
    assert code == 0, err
    longest = service.db.one("SELECT max(length(text)) FROM events")[0]
    assert longest < 300_000


# -- errors the system gives -------------------------------------------------------------------


def test_forget_on_a_read_only_file_system_is_one_line(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = service.remember("Kept on a read-only disk", path="notes")

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "unlink", read_only)
    code, _out, err = amber("forget", entry.id, "--yes")
    assert code == 1
    assert err.strip().startswith("amber: ")
    assert "read-only" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.undo()
    assert service.get(entry.id).entry.body.startswith("Kept on a read-only disk")


class _UnreadableIndex:
    """A connection whose disk fails on the first read, the way a full or failing disk does."""

    def __init__(self, conn: object) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: object) -> object:
        if sql.startswith("SELECT count(*) FROM sqlite_master"):
            raise sqlcipher3.OperationalError("disk I/O error")
        return self.conn.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)


def test_a_disk_error_at_open_is_not_called_a_wrong_passphrase(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "wrong key or passphrase" for a full disk: a user would retype it forever."""
    real_connect = sqlcipher3.connect
    monkeypatch.setattr(
        sqlcipher3, "connect", lambda *a, **k: _UnreadableIndex(real_connect(*a, **k))
    )
    code, _out, err = amber("recall", "anything")
    assert code == 1
    assert "disk I/O error" in err
    assert "passphrase" not in err


def test_a_move_across_file_systems_copies(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = service.remember("Moved to another disk", path="here")
    data = service.files.abspath(entry.path).read_bytes()
    real_replace = os.replace

    def cross_device(src: object, dst: object) -> None:
        if str(src).endswith(".md") and ".tmp" not in str(src):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", cross_device)
    moved = service.move(entry.id, "there")
    assert service.files.abspath(moved.path).read_bytes() == data
    assert not service.files.abspath(entry.path).exists()


def test_an_import_on_a_full_disk_is_one_line(
    service: MemoryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlcipher3

    from amber import ingest

    def full(*_args: object, **_kwargs: object) -> object:
        raise sqlcipher3.OperationalError("database or disk is full")

    monkeypatch.setattr(ingest.event_rows, "insert_events", full)
    export = tmp_path / "chat.json"
    export.write_text(json.dumps({"id": "c", "messages": [{"id": "m", "text": "hello"}]}))
    code, _out, err = amber("import", "conversation", str(export))
    assert code == 1
    assert "disk" in err
    assert "is full" in err
    assert "Traceback" not in err


# -- links in the tree -------------------------------------------------------------------------


def test_nothing_is_written_through_a_linked_folder(service: MemoryService, tmp_path: Path) -> None:
    """An agent's write into a folder that links out of the tree (or of its scope) landed
    there: the scope was checked on the path's text, not on where it leads."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (service.config.tree_dir / "projects" / "app").mkdir(parents=True)
    (service.config.tree_dir / "projects" / "app" / "link").symlink_to(outside)
    with pytest.raises(TreeWriteError, match="linked folder"):
        service.remember("Escape attempt", path="projects/app/link")
    assert not list(outside.iterdir())


# -- modes, passphrases, what a terminal shows ---------------------------------------------------


def test_everything_amber_creates_is_private(tmp_path: Path, amber_cli) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "private-home"
    env = {"AMBER_HOME": str(home)}
    assert amber_cli("init", "--passphrase", env_extra=env).returncode == 0
    assert amber_cli("remember", "A private note", "--path", "a/b", env_extra=env).returncode == 0
    loose = [
        f"{path.relative_to(home)} {stat.filemode(path.stat().st_mode)}"
        for path in [home, *home.rglob("*")]
        if path.stat().st_mode & 0o077
    ]
    assert not loose


def test_an_older_loose_home_is_tightened(home: Path) -> None:
    os.chmod(home / "config.toml", 0o644)
    os.chmod(home / "index.db", 0o644)
    with MemoryService.open(home):
        pass
    assert stat.S_IMODE((home / "config.toml").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "index.db").stat().st_mode) == 0o600


def test_a_short_passphrase_is_refused(tmp_path: Path, amber_cli) -> None:  # type: ignore[no-untyped-def]
    env = {"AMBER_HOME": str(tmp_path / "h"), "AMBER_PASSPHRASE": "abc"}
    result = amber_cli("init", "--passphrase", env_extra=env)
    assert result.returncode == 2
    assert "at least 8" in result.stderr
    assert not (tmp_path / "h").exists()


def test_bidi_overrides_and_escapes_are_not_printed_raw(service: MemoryService) -> None:
    service.remember("Invoice \u202egnp.exe\u202c total \x1b[31mdue", title="Invoice \u202eX")
    for args in (["recall", "invoice"], ["show", "Invoice \u202eX"], ["tree"]):
        code, out, err = amber(*args)
        assert code == 0, err
        assert "\u202e" not in out
        assert "\x1b[31m" not in out
    code, out, _err = amber("recall", "invoice", "--json")
    assert "\u202e" not in out
    assert json.loads(out)[0]["title"] == "Invoice \u202eX"  # the data itself is intact


# -- a hand edit while an agent updates the same file --------------------------------------------
# 2 of 300 lines appended by hand were lost while update_memory rewrote the file: it read,
# rewrote and replaced it with no check in between. Each moment an edit can fall into is
# reproduced here; scripts/bench_concurrent_edits.py measures the whole under load.


def test_an_edit_during_the_write_is_kept(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved while the new file is being flushed: caught just before the rename."""
    entry = service.remember("Log of the week", title="Weekly log")
    path = service.files.abspath(entry.path)
    real_fsync = os.fsync
    edits: list[str] = []

    def editor_saves_during_fsync(fd: int) -> None:
        real_fsync(fd)
        if not edits:
            edits.append("hand line\n")
            with path.open("a", encoding="utf-8") as handle:
                handle.write(edits[0])

    monkeypatch.setattr(os, "fsync", editor_saves_during_fsync)
    updated = service.update(entry.id, tags=["week"])
    assert updated.tags == ["week"]
    assert path.read_text().endswith("hand line\n")


def test_an_edit_into_the_replaced_file_is_put_back(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor that had the file open writes to it after the rename: its text would
    live on only in the old, unlinked file; it is put back and the update applied again."""
    entry = service.remember("Log of the week", title="Weekly log")
    path = service.files.abspath(entry.path)
    real_replace = os.replace
    held: list[object] = []

    def editor_writes_into_the_old_file(src: object, dst: object) -> None:
        if not held and str(dst) == str(path):
            held.append(path.open("a", encoding="utf-8"))  # opened before the rename
            real_replace(src, dst)  # type: ignore[arg-type]
            held[0].write("late hand line\n")  # type: ignore[attr-defined]
            held[0].close()  # type: ignore[attr-defined]
            return
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", editor_writes_into_the_old_file)
    updated = service.update(entry.id, tags=["week"])
    assert updated.tags == ["week"]
    assert "late hand line" in path.read_text()
