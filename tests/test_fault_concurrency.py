"""Fault injection: concurrent writers, a hand editor and `amber watch`, all at once.

Two processes remember 500 entries each through MemoryService while a third rewrites
existing tree files by hand (in-place truncating writes and atomic renames, frontmatter
kept) and `amber watch` keeps the index in step. Afterwards every remembered entry must
be present exactly once, no file may be corrupted, the index must hold the edited text,
and `amber doctor` and SQLite's integrity check must be clean.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import pytest
from helpers.waiting import wait_for, wait_for_check

from amber.home import open_home
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService
from amber.store import entries as entry_rows
from amber.store.db import Database
from amber.tree.entry import parse_entry

pytestmark = [pytest.mark.slow, pytest.mark.integration]

WRITERS = ("a", "b")
PER_WRITER = 500
SEEDED = 20
SHARED_TITLE_EVERY = 10  # every 10th entry shares one title, so file names collide
TOKEN = re.compile(r"memtok[ab]\d{4}q")
SUBPROCESS_TIMEOUT_S = 75
CATCH_UP_TIMEOUT_S = 45
STOP_TIMEOUT_S = 12
POLL_S = 0.1

REMEMBER_SNIPPET = """
import sys
from amber.service import MemoryService

tag, count, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with MemoryService.open(interface="cli") as svc:
    for i in range(count):
        title = "Shared title for the load test" if i % every == 0 else None
        svc.remember(
            f"Concurrent note {i} from writer {tag} with token memtok{tag}{i:04d}q",
            title=title,
            tags=["load", tag],
        )
"""

EDITOR_SNIPPET = """
import json, os, random, sys, time
from pathlib import Path

paths = [Path(p) for p in json.loads(sys.argv[1])]
stop_file, seed = Path(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
words = "apple river stone cloud garden lamp violin north ember quiet paper salt".split()

def new_text(old, token):
    fence = old.index("\\n---\\n") + len("\\n---\\n")  # keep the frontmatter byte for byte
    filler = " ".join(rng.choice(words) for _ in range(rng.randint(0, 400)))
    return old[:fence] + f"# Hand edit\\n\\nEdited by hand: {token}.\\n{filler}\\n"

def write_in_place(path, text):  # like `echo > file`: truncate, then write in two steps
    half = len(text) // 2
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text[:half])
        handle.flush()
        os.fsync(handle.fileno())
        handle.write(text[half:])

def write_truncate_after_open(path, text):  # open r+, then seek, truncate, write
    with open(path, "r+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.truncate()
        handle.flush()
        handle.write(text)

def write_atomic(path, text):  # like many editors: a hidden temp file, then rename
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

writers = (write_in_place, write_atomic, write_truncate_after_open)
rounds, final = 0, False
while not final:
    final = stop_file.exists() and rounds >= 2
    for j, path in enumerate(paths):
        token = f"finaledit{j:02d}q" if final else f"edit{j:02d}r{rounds:04d}q"
        writers[(rounds + j) % len(writers)](path, new_text(path.read_text("utf-8"), token))
        time.sleep(0.002)
    rounds += 1
print(json.dumps({"rounds": rounds}))
"""


class LineReader:
    """Drains a pipe in a thread (so the child never blocks) and keeps every line."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.lines: list[str] = []
        self.queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: IO[str] | None) -> None:
        assert stream is not None
        try:
            for line in stream:
                self.lines.append(line.rstrip("\n"))
                self.queue.put(line)
        except (ValueError, OSError):  # the pipe was closed under us while cleaning up
            pass
        self.queue.put(None)

    def text(self) -> str:
        self._thread.join(timeout=5)
        return "\n".join(self.lines)


def popen(stack: ExitStack, args: list[str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    stack.callback(_reap, proc)
    return proc


def _reap(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_snapshot(tree: Path) -> dict[str, bytes]:
    return {
        p.relative_to(tree).as_posix(): p.read_bytes()
        for p in tree.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(tree).parts)
    }


def index_lags(db: Database, tree: Path) -> str | None:
    """None when every entry file is indexed with its current content and stat."""
    indexed = entry_rows.indexed_files(db)
    on_disk = tree_snapshot(tree)
    if set(indexed) != set(on_disk):
        extra = set(indexed) - set(on_disk)
        missing = set(on_disk) - set(indexed)
        return f"{len(missing)} files not indexed, {len(extra)} stale rows"
    for rel, data in on_disk.items():
        row = indexed[rel]
        st = (tree / rel).stat()
        if row.content_hash != sha256(data) or (row.mtime_ns, row.size) != (
            st.st_mtime_ns,
            st.st_size,
        ):
            return f"{rel} is indexed with old content or stat"
    return None


def seed_entries(service: MemoryService) -> list[Path]:
    entries = [
        service.remember(f"Seeded note {j} for hand editing, token seedtok{j:02d}q", path="journal")
        for j in range(SEEDED)
    ]
    return [service.files.abspath(e.path) for e in entries]


def frontmatter_of(text: str) -> str:
    return text[: text.index("\n---\n") + len("\n---\n")]


@pytest.fixture
def db(home: Path) -> Iterator[Database]:
    database = open_home(home).db
    yield database
    database.close()


def test_concurrent_writers_editor_and_watcher(
    home: Path, service: MemoryService, db: Database, amber_cli: Callable, tmp_path: Path
) -> None:
    tree = service.config.tree_dir
    seeded = seed_entries(service)
    seeded_ids = [parse_entry("x.md", p.read_text("utf-8")).id for p in seeded]
    original_fm = {p: frontmatter_of(p.read_text("utf-8")) for p in seeded}
    stop_file = tmp_path / "stop-editing"
    started = time.monotonic()

    with ExitStack() as stack:
        watcher = popen(stack, [sys.executable, "-m", "amber.cli", "watch"])
        watch_err = LineReader(watcher.stderr)
        probe = tree / "probe.md"
        probe.write_text("# Probe\n\nThe watcher is up: probetok1q\n", encoding="utf-8")
        wait_for(
            lambda: entry_rows.entry_row_by_path(db, "probe.md"),
            "the watcher to index a probe file",
            timeout=30,
            poll=POLL_S,
        )
        assert watcher.poll() is None, watch_err.text()

        py = [sys.executable, "-c"]
        writers = [
            popen(stack, [*py, REMEMBER_SNIPPET, tag, str(PER_WRITER), str(SHARED_TITLE_EVERY)])
            for tag in WRITERS
        ]
        paths = json.dumps([str(p) for p in seeded])
        editor = popen(stack, [*py, EDITOR_SNIPPET, paths, str(stop_file), "20240501"])

        for proc in writers:
            out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT_S)
            assert proc.returncode == 0, f"a remember process failed:\n{err}"
            assert "Traceback" not in err
        assert editor.poll() is None, "the editor must still be editing when the writers end"
        stop_file.touch()
        out, err = editor.communicate(timeout=SUBPROCESS_TIMEOUT_S)
        assert editor.returncode == 0, f"the editor failed:\n{err}"
        rounds = json.loads(out)["rounds"]
        assert rounds >= 3

        wait_for_check(
            lambda: index_lags(db, tree), "the watcher to catch up", CATCH_UP_TIMEOUT_S, POLL_S
        )
        assert watcher.poll() is None, watch_err.text()

        stop_at = time.monotonic()
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=STOP_TIMEOUT_S)
        stopped_in = time.monotonic() - stop_at
        log = watch_err.text()
        assert watcher.returncode == 0, f"watch exited {watcher.returncode}:\n{log}"
        assert stopped_in < 6, f"watch took {stopped_in:.1f}s to stop after SIGTERM"
        assert "Traceback" not in log
        assert not [line for line in log.splitlines() if line.startswith("error")], log

    elapsed = time.monotonic() - started
    print(f"{rounds} edit rounds; watch stopped in {stopped_in:.1f}s; {elapsed:.1f}s in all")

    files = tree_snapshot(tree)
    assert_remembered_entries(service, files)
    assert_edits_indexed(service, db, seeded, seeded_ids, original_fm, rounds)
    assert not [p for p in tree.rglob("*") if p.is_file() and p.name.startswith(".")], (
        "temporary files were left in the tree"
    )

    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["clean"] is True
    assert not any(report["drift"].values())
    assert not report["problems"]
    assert not report["skipped"]
    assert db.one("PRAGMA integrity_check") == ("ok",)


def assert_remembered_entries(service: MemoryService, files: dict[str, bytes]) -> None:
    """Exactly 1000 entries, one file each, every file intact and indexed as written."""
    token_paths: dict[str, list[str]] = {}
    ids: set[str] = set()
    for rel, data in files.items():
        text = data.decode("utf-8")  # a torn write would not be valid UTF-8 or YAML
        found = sorted(set(TOKEN.findall(text)))  # in the title and the body
        if not found:
            continue
        assert len(found) == 1, f"{rel} holds {found}"
        token_paths.setdefault(found[0], []).append(rel)
        entry = parse_entry(rel, text)
        assert entry.problem is None, f"{rel}: {entry.problem}"
        assert entry.has_own_id, f"{rel}: {entry.problem}"
        assert entry.kind == "note"
        assert entry.created
        assert entry.tags[0] == "load"
        assert entry.body.strip().endswith(found[0])
        ids.add(entry.id)
        row = entry_rows.entry_row_by_path(service.db, rel)
        assert row is not None, rel
        assert row.id == entry.id, rel
        assert found[0] in row.body, rel

    expected = {f"memtok{tag}{i:04d}q" for tag in WRITERS for i in range(PER_WRITER)}
    assert set(token_paths) == expected, f"missing: {sorted(expected - set(token_paths))[:10]}"
    assert all(len(paths) == 1 for paths in token_paths.values()), "an entry was written twice"
    assert len(ids) == len(expected), "two entries share an id"
    total = service.db.one("SELECT count(*) FROM entries")
    assert total == (len(expected) + SEEDED + 1,)  # + the probe file

    options = RecallOptions(k=5, types=("entry",))
    for token, (rel,) in sorted(token_paths.items()):
        hits = service.recall(token, options)
        assert [h.path for h in hits] == [rel], f"recall {token}: {[h.path for h in hits]}"


def assert_edits_indexed(
    service: MemoryService,
    db: Database,
    seeded: list[Path],
    seeded_ids: list[str],
    original_fm: dict[Path, str],
    rounds: int,
) -> None:
    options = RecallOptions(k=5, types=("entry",))
    for j, (path, entry_id) in enumerate(zip(seeded, seeded_ids, strict=True)):
        text = path.read_text("utf-8")
        assert text.startswith(original_fm[path]), f"{path.name}: frontmatter changed"
        entry = parse_entry(service.files.rel(path), text)
        assert entry.problem is None
        assert entry.id == entry_id
        row = entry_rows.entry_row(db, entry_id)
        assert row is not None, f"{path.name} lost from the index"
        assert row.body == entry.body, f"{path.name}: the index holds another body"
        final = f"finaledit{j:02d}q"
        assert [h.id for h in service.recall(final, options)] == [entry_id], final
        for old in (f"edit{j:02d}r0000q", f"edit{j:02d}r{rounds - 2:04d}q"):  # edited away
            assert service.recall(old, options) == [], f"{old} is still indexed"
