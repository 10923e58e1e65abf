"""Prompt histories (Claude Code's and Codex's history.jsonl), Codex's archived sessions,
and the start time of older Codex logs: every prompt once, none twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers.importing import read_all

from amber.importing import available_importers, choose_importer, import_file
from amber.ingest import ingest
from amber.plugins.importers.codex import CodexImporter
from amber.plugins.importers.prompt_history import (
    IN_TRANSCRIPT,
    ClaudeHistoryImporter,
    CodexHistoryImporter,
)
from amber.plugins.importers.tail import codex_archive_tailer
from amber.service import MemoryService

AGENTS = Path(__file__).parent / "data" / "agents"
CLAUDE_HISTORY = AGENTS / "claude" / "history.jsonl"
CODEX_HOME = AGENTS / "codex"
CODEX_HISTORY = CODEX_HOME / "history.jsonl"
LEGACY = next((Path(__file__).parent / "data" / "exports" / "codex").rglob("rollout-2025-04*"))
GONE = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def test_claude_history_keeps_prompts_whose_transcript_is_gone() -> None:
    drafts, report = read_all(ClaudeHistoryImporter(), CLAUDE_HISTORY)
    assert [(d.conversation, d.text) for d in drafts] == [
        ("prompt-history", "why does the sourdough starter smell of acetone?"),
        (GONE, "Move the oven schedule into config/oven.toml"),
        (GONE, "Use this table for the proofing times: rye 45 min\nwheat 60 min\nspelt 50 min"),
        (GONE, "/model"),
    ]
    assert report.ignored == {IN_TRANSCRIPT: 2}  # stored from projects/.../<session>.jsonl
    assert report.skipped == []
    first = drafts[1]
    assert (first.source, first.author) == ("claude-code", "user")
    assert first.timestamp is not None
    assert first.timestamp.isoformat() == "2025-11-24T16:00:00+00:00"
    assert first.meta == {"prompt_history": True, "cwd": "/home/ana/src/bakery"}


def test_codex_history_and_both_id_names() -> None:
    drafts, report = read_all(CodexHistoryImporter(), CODEX_HISTORY)
    assert [d.text for d in drafts] == [
        "Which oven tray sizes do we support?",
        "Rename tray_state to tray_status everywhere",
    ]
    assert {d.source for d in drafts} == {"codex"}
    assert report.ignored == {IN_TRANSCRIPT: 2}  # one archived, one live session log


def test_detection_tells_histories_from_transcripts() -> None:
    importers = available_importers(False)
    assert choose_importer(CLAUDE_HISTORY, importers, None).name == "claude-code-history"
    assert choose_importer(CODEX_HISTORY, importers, None).name == "codex-history"
    archived = next((CODEX_HOME / "archived_sessions").glob("*.jsonl"))
    assert choose_importer(archived, importers, None).name == "codex"


def test_reimport_adds_nothing(service: MemoryService) -> None:
    for path, importer in (
        (CLAUDE_HISTORY, ClaudeHistoryImporter()),
        (CODEX_HISTORY, CodexHistoryImporter()),
    ):
        first = import_file(service.db, path, importer, "test")
        again = import_file(service.db, path, importer, "test")
        assert first.added == first.read > 0
        assert again.added == 0
    hit = service.recall("oven tray sizes")[0]
    assert hit.sources[0].source == "codex"


def test_a_broken_history_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    good = {"display": "keep me", "pastedContents": {}, "timestamp": 1, "project": "/p"}
    path.write_text(
        json.dumps(good) + "\n{not json\n" + json.dumps({**good, "display": ""}) + "\n"
        '{"display": "cut'
    )
    drafts, report = read_all(ClaudeHistoryImporter(), path)
    assert [d.text for d in drafts] == ["keep me"]
    assert [why for _, why in report.skipped] == [
        "not valid JSON at character 2 (Expecting property name enclosed in double quotes)",
        "a history line without the prompt's text; it was left out",
        "the last line is cut off (still being written, or the file was truncated)",
    ]


def test_legacy_codex_events_get_the_start_time() -> None:
    drafts, _ = read_all(CodexImporter(), LEGACY)
    assert [d.timestamp and d.timestamp.isoformat() for d in drafts] == [
        "2025-04-18T14:21:09.337000+00:00"
    ] * 3


def test_legacy_codex_ids_do_not_change(service: MemoryService) -> None:
    drafts, _ = read_all(CodexImporter(), LEGACY)
    assert drafts[0].message_id.startswith("m-")  # a hash of the line, not of the new time
    assert import_file(service.db, LEGACY, CodexImporter(), "test").added == 3
    assert import_file(service.db, LEGACY, CodexImporter(), "test").added == 0


def test_archived_sessions_are_tailed_and_a_moved_session_adds_nothing(
    service: MemoryService, tmp_path: Path
) -> None:
    archive = tmp_path / "archived_sessions"
    archive.mkdir()
    live = next((CODEX_HOME / "sessions").rglob("*.jsonl"))
    import_file(service.db, live, CodexImporter(), "test")
    shutil.copy(live, archive / live.name)  # Codex archived the thread
    for original in (CODEX_HOME / "archived_sessions").glob("*.jsonl"):
        shutil.copy(original, archive / original.name)
    drafts, _ = codex_archive_tailer(archive).poll(None)
    assert len(drafts) == 4
    with service.db.write() as conn:
        stored = ingest(conn, drafts)
    assert stored.added == 2  # the moved session was known; the other one is new
    texts = {d.text for d in drafts}
    assert "Why is the croissant lamination test slow?" in texts


def test_cli_imports_sessions_archive_and_history(
    home: Path, amber_cli: object, tmp_path: Path
) -> None:
    codex_home = tmp_path / "codex"
    shutil.copytree(CODEX_HOME, codex_home)
    env = {"CODEX_HOME": str(codex_home)}
    result = amber_cli("import", "codex", "--json", env_extra=env)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 6  # 2 + 2 messages from the logs, 2 prompts of a gone session
    assert {f["format"] for f in report["files"]} == {"codex", "codex-history"}
    again = amber_cli("import", "codex", "--json", env_extra=env)  # type: ignore[operator]
    assert json.loads(again.stdout)["added"] == 0


def test_import_formats_lists_every_format(amber_cli: object) -> None:
    result = amber_cli("import", "formats", "--json")  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    names = {row["name"] for row in json.loads(result.stdout)}
    new = {"claude-code-history", "codex-history", "gemini-cli", "gemini-checkpoint"}
    assert new | {"aider", "aider-input", "specstory"} <= names
    shown = amber_cli("import", "formats")  # type: ignore[operator]
    assert f"{len(names)} formats" in shown.stdout
    assert "Gemini CLI sessions" in shown.stdout
