"""The files source end to end (watched folder -> events -> `amber recall`), changed chunks
only, excludes, restarts, vanished folders, PDFs; plus its chunking and rules."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers.daemon import daemon_with
from helpers.waiting import wait_for

from amber.daemon.daemon import Daemon
from amber.daemon.paths import DaemonPaths
from amber.daemon.settings import set_capture_value
from amber.daemon.statusfile import read_status
from amber.plugins.sources.files import FileSource
from amber.plugins.sources.files.chunking import chunk_markdown, chunk_text
from amber.plugins.sources.files.readers import Unreadable, read_document
from amber.plugins.sources.files.rules import FileRules
from amber.service import MemoryService

NOTES = """# Trip to Lisbon

We visited the azulejo museum and ate pasteis de nata.

## Budget

The hotel cost 420 euros for three nights.

## People

Marta recommended the tram 28 route.
"""


def file_events(home: Path) -> list[tuple[str, str, str]]:
    with MemoryService.open(home, interface="test") as svc:
        rows = svc.db.query(
            "SELECT uri, title, text FROM events WHERE source = 'file' ORDER BY rowid"
        )
    return [tuple(r) for r in rows]


def watch(home: Path, *folders: Path, **extra: object) -> None:
    set_capture_value(home, "files", "folders", [str(f) for f in folders])
    for key, value in {"quiet_s": 0.2, "cap_s": 1.0, **extra}.items():
        set_capture_value(home, "files", key, value)


def captured(daemon: Daemon) -> int:
    return daemon.stats["files"].captured


@pytest.mark.integration
def test_file_to_event_to_recall_and_only_changed_chunks(
    home: Path, tmp_path: Path, amber_cli
) -> None:
    notes = tmp_path / "notes"
    (notes / "node_modules" / "lib").mkdir(parents=True)
    (notes / ".git").mkdir()
    (notes / "trip.md").write_text(NOTES)
    (notes / ".env.local").write_text("DB_PASSWORD=hunter2-ocelot\n")
    (notes / "id_ed25519").write_text("ocelot private key material\n")
    (notes / "vault.kdbx").write_bytes(b"ocelot kdbx")
    (notes / "server.pem").write_text("ocelot certificate\n")
    (notes / "node_modules" / "lib" / "README.md").write_text("ocelot dependency docs\n")
    (notes / ".git" / "config").write_text("[remote] ocelot\n")
    (notes / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (notes / "blob.txt").write_bytes(b"ocelot\x00\x01\x02binary")
    watch(home, notes)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(lambda: captured(daemon) == 3, "3 captured chunks")
        found = amber_cli("recall", "azulejo museum", "--source", "file", "--json")
        hit = json.loads(found.stdout)[0]
        assert "azulejo" in hit["snippet"]
        assert hit["trust"] == "untrusted"
        assert hit["sources"][0]["uri"] == str(notes / "trip.md")

        text = (notes / "trip.md").read_text().replace("420 euros", "515 euros")
        (notes / "trip.md").write_text(text)
        wait_for(lambda: captured(daemon) == 4, "4 captured chunks")
        (notes / "todo.txt").write_text("Renew the passport before the Lisbon trip.\n")
        wait_for(lambda: captured(daemon) == 5, "5 captured chunks")
        assert daemon.stats["files"].errors == 0
    events = file_events(home)
    assert [e[1] for e in events[3:]] == ["trip.md › Trip to Lisbon › Budget", "todo.txt"]
    assert "515 euros" in events[3][2]
    assert "Marta" not in events[3][2]
    assert not any("ocelot" in e[2] or "hunter2" in e[2] for e in events)


def test_restart_reads_only_what_changed_while_stopped(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES)
    (notes / "b.md").write_text("# Plants\n\nWater the fig tree on Sundays.\n")
    watch(home, notes)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(lambda: captured(daemon) == 4, "4 captured chunks")
    (notes / "b.md").write_text("# Plants\n\nWater the fig tree on Saturdays.\n")
    (notes / "c.md").write_text("# Car\n\nThe winter tyres are in the garage.\n")
    with daemon_with(home, FileSource()) as daemon:
        wait_for(lambda: captured(daemon) == 2, "2 captured chunks")
        wait_for(lambda: daemon.stats["files"].detail.endswith("watched"), "the watch to start")
        assert daemon.stats["files"].skipped == 0  # a.md was not even read again
    titles = [e[1] for e in file_events(home)]
    assert titles.count("a.md › Trip to Lisbon") == 1
    assert "c.md › Car" in titles
    assert len(titles) == 6


def test_vanished_folder_is_reported_and_others_go_on(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "keep.md").write_text("# Keep\n\nThe spare key is with the neighbour.\n")
    watch(home, first, second, check_folders_s=0.5)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(lambda: captured(daemon) == 1, "1 captured chunk")
        shutil.rmtree(second)
        wait_for(lambda: daemon.stats["files"].errors == 1, "the missing folder error")
        stats = daemon.stats["files"]
        assert "watched folder missing" in stats.last_error
        assert "missing:" in stats.detail
        (first / "new.md").write_text("# New\n\nThe bike lock code changed.\n")
        wait_for(lambda: captured(daemon) == 2, "2 captured chunks")
        second.mkdir()
        (second / "back.md").write_text("# Back\n\nThe folder came back.\n")
        wait_for(lambda: captured(daemon) == 3, "3 captured chunks")
        assert daemon.stats["files"].errors == 1


def test_pdf_text_is_captured_by_page(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "manual.pdf").write_bytes(make_pdf(["Boiler reset: hold the red button", "Page two"]))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    watch(home, docs)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(
            lambda: captured(daemon) == 2 and daemon.stats["files"].skipped == 1,
            "2 pages captured and the broken PDF skipped",
        )
    events = file_events(home)
    assert [e[1] for e in events] == ["manual.pdf › page 1", "manual.pdf › page 2"]
    assert "hold the red button" in events[0][2]


def test_too_large_files_are_skipped(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "huge.log").write_text("x" * 5000)
    (notes / "small.txt").write_text("Small enough to capture.")
    watch(home, notes, max_file_bytes=1000)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(
            lambda: captured(daemon) == 1 and daemon.stats["files"].skipped == 1,
            "the small file captured and the huge one skipped",
        )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_an_error_not_a_stop(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    secret = notes / "locked.md"
    secret.write_text("# Locked\n\nno access\n")
    secret.chmod(0)
    (notes / "open.md").write_text("# Open\n\nreadable\n")
    watch(home, notes)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(
            lambda: captured(daemon) == 1 and daemon.stats["files"].errors == 1,
            "the open file captured and the locked one counted as an error",
        )
        assert "cannot read" in daemon.stats["files"].last_error


@pytest.mark.integration
def test_pause_and_resume_from_the_cli(home: Path, tmp_path: Path, amber_cli) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    watch(home, notes)
    with daemon_with(home, FileSource()) as daemon:
        wait_for(lambda: daemon.stats["files"].state == "running", "the source to run")
        assert amber_cli("sources", "pause", "files").returncode == 0
        wait_for(lambda: daemon.stats["files"].state == "paused", "the source to pause")
        (notes / "while-paused.md").write_text("# Paused\n\nWritten during the pause.\n")
        shown = DaemonPaths(home)
        wait_for(
            lambda: read_status(shown).sources["files"]["state"] == "paused",
            "the status file to show the pause",
        )
        listed = json.loads(amber_cli("sources", "list", "--json").stdout)
        files = next(s for s in listed["sources"] if s["name"] == "files")
        assert files["paused"]
        assert files["daemon"]["state"] == "paused"
        assert captured(daemon) == 0
        assert amber_cli("sources", "resume", "files").returncode == 0
        # the start-up scan finds what was missed
        wait_for(lambda: captured(daemon) == 1, "1 captured chunk")


# -- chunking and rules -------------------------------------------------------------------


def test_an_edit_changes_only_nearby_chunks() -> None:
    paragraphs = [f"Paragraph {i} about topic {i * 7 % 11} with some words." for i in range(80)]
    before = chunk_text("\n\n".join(paragraphs), max_chars=600)
    paragraphs[40] = "Paragraph 40 was rewritten completely by the user today."
    after = chunk_text("\n\n".join(paragraphs), max_chars=600)
    changed = {c.hash for c in after} - {c.hash for c in before}
    assert len(before) > 6
    assert 1 <= len(changed) <= 2


def test_markdown_chunks_follow_headings_outside_code() -> None:
    text = "# A\n\nintro\n\n```sh\n# not a heading\n```\n\n## B\n\nbee\n\n# C\n"
    chunks = chunk_markdown(text, max_chars=2000)
    assert [c.heading for c in chunks] == ["A", "A › B"]  # a bare heading is no chunk
    assert "# not a heading" in chunks[0].text
    assert (chunks[1].first_line, chunks[1].last_line) == (
        9,
        11,
    )


def test_default_excludes_and_globs(tmp_path: Path) -> None:
    rules = FileRules(include=["*.md", "*.txt"], exclude=["drafts/*"], never=[tmp_path / "home"])
    wanted = {
        "notes.md": True,
        "a/b/c.txt": True,
        "script.py": False,
        ".env": False,
        ".env.production": False,
        "keys/id_rsa": False,
        "x.pem": False,
        "pw.kdbx": False,
        "node_modules/pkg/readme.md": False,
        ".git/HEAD": False,
        "drafts/wip.md": False,
    }
    for rel, expected in wanted.items():
        assert rules.file_wanted(rel, tmp_path / rel) is expected, rel
    assert not rules.dir_wanted("x", tmp_path / "home")
    assert not rules.file_wanted("home/a.md", tmp_path / "home" / "a.md")


def test_binary_and_undecodable_files_are_not_text(tmp_path: Path) -> None:
    for name, data in {"a.bin": b"abc\x00def", "b.txt": bytes(range(128, 256)) * 20}.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(Unreadable):
            read_document(tmp_path / name, len(data), 10_000, 10_000)


def make_pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one line of Helvetica text per page (xref offsets computed)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    font = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        stream = f"BT /F1 18 Tf 72 700 Td ({text}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
            f"{4 + 2 * i} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
