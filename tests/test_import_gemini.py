"""Gemini CLI sessions, in both shapes (a JSON document, and JSONL with rewrites, rewinds
and `$set`), chat checkpoints, tailing a session as it changes, damaged files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers.importing import read_all

from amber.errors import ImportFormatError
from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.gemini import GeminiSessionImporter
from amber.plugins.importers.gemini_checkpoint import GeminiCheckpointImporter
from amber.plugins.importers.whole_files import gemini_tailer
from amber.service import MemoryService

TMP = Path(__file__).parent / "data" / "agents" / "gemini" / "tmp"
PROJECT = next(TMP.iterdir())
LEGACY = PROJECT / "chats" / "session-2025-10-20T09-14-5e1f2a3b.json"
CURRENT = PROJECT / "chats" / "session-2026-02-11T16-40-7a8b9c0d.jsonl"
CHECKPOINT = PROJECT / "checkpoint-drawer.json"


def test_a_session_document_with_tool_calls() -> None:
    drafts, report = read_all(GeminiSessionImporter(), LEGACY)
    assert [(d.author, d.message_id[:12]) for d in drafts] == [
        ("user", "0c1d2e3f-000"),
        ("tool", "read_file-17"),
        ("assistant", "0c1d2e3f-000"),
        ("user", "0c1d2e3f-000"),
        ("tool", "replace-1760"),
        ("tool", "run_shell_co"),
        ("assistant", "0c1d2e3f-000"),
    ]
    assert {d.conversation for d in drafts} == {"5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"}
    assert {d.title for d in drafts} == {"Why does the bake report show an empty table on Mondays?"}
    assert "today.weekday() + 1" in drafts[1].text
    assert drafts[2].meta == {"model": "gemini-2.5-pro"}
    shell = drafts[5]
    assert shell.meta["is_error"] is True
    assert shell.text.startswith("run_shell_command: pytest tests/test_report.py -q")
    assert "Successfully modified file" in drafts[4].text
    assert report.ignored == {"thoughts": 1, "empty message": 2, "info notice": 1}
    assert report.skipped == []


def test_jsonl_rewrites_rewinds_and_summary() -> None:
    drafts, report = read_all(GeminiSessionImporter(), CURRENT)
    assert [d.text[:30] for d in drafts] == [
        "Add a --dry-run flag to bake-r",
        "I'll add the flag to the argum",
        "replace: /home/ana/src/bakery/",
        "Also print how many loaves the",
        "Done: --dry-run prints the rep",
    ]
    assert "Successfully modified file" in drafts[2].text  # the call's last version
    assert {d.title for d in drafts} == {"Add a dry-run flag to the bake report"}
    assert report.ignored == {"rewound message": 2}


def test_checkpoints_leave_out_the_environment_context() -> None:
    drafts, report = read_all(GeminiCheckpointImporter(), CHECKPOINT)
    assert [d.author for d in drafts] == ["user", "assistant", "assistant", "assistant"]
    assert drafts[2].text.startswith("[tool call] read_file")
    assert {d.title for d in drafts} == {"How warm should the proofing drawer be for rye?"}
    assert report.ignored == {"environment context": 1, "tool response": 1, "empty message": 1}


def test_detection() -> None:
    importers = available_importers(False)
    for path in (LEGACY, CURRENT):
        assert choose_importer(path, importers, None).name == "gemini-cli"
    assert choose_importer(CHECKPOINT, importers, None).name == "gemini-checkpoint"


def test_reimport_adds_nothing(service: MemoryService) -> None:
    for path in (LEGACY, CURRENT, CHECKPOINT):
        importer = choose_importer(path, available_importers(False), None)
        first = import_file(service.db, path, importer, "test")
        again = import_file(service.db, path, importer, "test")
        assert (first.added > 0, again.added) == (True, 0)
    hit = service.recall("weekday monday range empty table")[0]
    assert hit.sources[0].source == "gemini-cli"


def test_a_cut_session_document_stores_nothing_and_says_where(
    service: MemoryService, tmp_path: Path
) -> None:
    cut = tmp_path / "session-cut.json"
    cut.write_text(LEGACY.read_text()[:900])
    with pytest.raises(ImportFormatError, match=r"not valid JSON at line \d+.*nothing was stored"):
        import_file(service.db, cut, GeminiSessionImporter(), "test")
    assert service.db.one("SELECT count(*) FROM events")[0] == 0


def test_a_bad_line_of_a_jsonl_session_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "session-x.jsonl"
    lines = CURRENT.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], "{oops", *lines[2:]]) + "\n")
    drafts, report = read_all(GeminiSessionImporter(), path)
    assert len(drafts) == 5
    assert [where.rsplit(": ", 1)[1] for where, _ in report.skipped] == ["line 3"]


def test_tailing_waits_for_a_running_call_and_sends_each_event_once(tmp_path: Path) -> None:
    chats = tmp_path / "tmp" / "project" / "chats"
    chats.mkdir(parents=True)
    lines = CURRENT.read_text().splitlines(keepends=True)
    path = chats / CURRENT.name
    path.write_text("".join(lines[:3]))  # the call is still running
    tailer = gemini_tailer(tmp_path / "tmp")
    first, state = tailer.poll(None)
    assert [d.author for d in first] == ["user", "assistant"]
    with path.open("a") as handle:
        handle.write("".join(lines[3:]))
    second, state = tailer.poll(state)
    assert [d.author for d in second] == ["tool", "user", "assistant"]
    third, _ = tailer.poll(state)
    assert third == [] and tailer.skipped == []
    json.loads(json.dumps(state))  # a checkpoint the daemon can save


def test_the_daemon_source_follows_gemini_sessions(tmp_path: Path) -> None:
    from amber.plugins.sources.sessions import agent_tailers

    target = tmp_path / "tmp"
    shutil.copytree(TMP, target)
    tailers = agent_tailers({"gemini_dir": str(target)})
    assert set(tailers) == {"claude-code", "codex", "codex-archived", "gemini-cli"}
    drafts, _ = tailers["gemini-cli"].poll(None)
    assert len(drafts) == 12  # both sessions; checkpoints are imported, not tailed
