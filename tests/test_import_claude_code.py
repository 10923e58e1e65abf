"""Claude Code transcripts: messages with their uuids, tool calls paired with results,
large output cut to a preview plus a hash, noise left out, broken lines skipped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers.importing import read_all

from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.toolcalls import PREVIEW_HEAD, PREVIEW_TAIL
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "exports" / "claude-code"
PROJECT = DATA / "-home-ana-src-bakery"
SESSION = "2f9c1e4a-7b3d-4c8e-9f1a-6d5e4c3b2a19"
TRANSCRIPT = PROJECT / f"{SESSION}.jsonl"
BROKEN = DATA / "broken" / "aa11bb22-cc33-4d44-8e55-ff6677889900.jsonl"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_messages_keep_uuid_session_role_time_and_model() -> None:
    drafts, report = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    authors = [d.author for d in drafts]
    assert authors == [
        "user",
        "assistant",
        "tool",
        "tool",
        "assistant",
        "tool",
        "user",
        "summary",
        "user",
        "tool",
        "assistant",
    ]
    first = drafts[0]
    assert (first.source, first.conversation) == ("claude-code", SESSION)
    assert first.message_id == "e1a2b3c4-0001-4d5e-8f9a-0b1c2d3e4f5a"
    assert first.timestamp is not None
    assert first.timestamp.isoformat() == ("2025-10-14T08:01:02.345000+00:00")
    assert first.title == "The oven timer test fails on CI about once a day. Find out why."
    assert drafts[1].meta == {
        "model": "claude-sonnet-4-5-20250929",
        "cwd": "/home/ana/src/bakery",
        "git_branch": "fix/oven-timer",
    }
    assert report.skipped == []
    assert report.finished


def test_a_tool_call_and_its_result_are_one_event() -> None:
    drafts, _ = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    bash = next(d for d in drafts if d.message_id == "toolu_01Q8xW3eR5tY7uI9oP1aS2dF")
    assert bash.text.startswith(
        "Bash: pytest tests/test_timer.py -x -q -p no:randomly --count 50\n"
        "description: Run the timer test 50 times\n--- result (error) ---\n..........F"
    )
    assert "oven timer fired 2 times" in bash.text
    assert bash.meta["is_error"] is True
    assert bash.meta["tool"] == "Bash"
    assert bash.meta["result_record"] == "e1a2b3c4-0005-4d5e-8f9a-0b1c2d3e4f5a"
    assert bash.timestamp is not None
    assert bash.timestamp.isoformat().startswith("2025-10-14T08:01:08")
    assert (bash.author, bash.trust) == ("tool", "untrusted")


def test_large_tool_output_is_a_preview_with_the_hash_of_the_whole() -> None:
    full = next(
        block["content"]
        for record in _records(TRANSCRIPT)
        if record["type"] == "user" and isinstance(record["message"]["content"], list)
        for block in record["message"]["content"]
        if block.get("tool_use_id") == "toolu_01Lk2Jh4Gf6Ds8Aq0Wz3Xc5V"
    )
    drafts, _ = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    read = next(d for d in drafts if d.message_id == "toolu_01Lk2Jh4Gf6Ds8Aq0Wz3Xc5V")
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()
    assert read.meta["output_sha256"] == digest
    assert read.meta["output_chars"] == len(full)
    assert full[:PREVIEW_HEAD] in read.text
    assert read.text.endswith(full[-PREVIEW_TAIL:])
    assert f"sha256 {digest}" in read.text
    assert len(read.text) < PREVIEW_HEAD + PREVIEW_TAIL + 300 < len(full)


def test_noise_is_left_out_and_commands_read_as_typed() -> None:
    drafts, report = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    texts = [d.text for d in drafts]
    assert "/cost" in texts
    joined = "\n".join(texts)
    for noise in (
        "Caveat:",
        "Total cost",
        "Request interrupted",
        "No response requested",
        "NTP step back makes",
    ):
        assert (noise in joined) is (noise == "NTP step back makes"), noise
    assert report.ignored == {
        "summary record": 1,
        "file-history-snapshot record": 1,
        "thinking": 1,
        "meta or synthetic message": 2,
        "command output or interrupt notice": 2,
        "system record": 1,
    }


def test_compact_summary_is_kept_as_a_summary() -> None:
    drafts, _ = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    summary = next(d for d in drafts if d.author == "summary")
    assert "time.monotonic() and a fired flag" in summary.text


def test_a_resumed_session_does_not_duplicate_copied_records(service: MemoryService) -> None:
    first = import_file(service.db, TRANSCRIPT, ClaudeCodeImporter(), "test")
    resumed = PROJECT / "7c3b2a19-0e8d-4f6c-9b5a-4e3d2c1b0a98.jsonl"
    second = import_file(service.db, resumed, ClaudeCodeImporter(), "test")
    assert (first.added, second.added, second.duplicates) == (11, 1, 1)


def test_broken_lines_are_skipped_with_reasons_and_the_rest_is_kept() -> None:
    drafts, report = read_all(ClaudeCodeImporter(), BROKEN)
    assert [d.message_id for d in drafts] == ["b0000001", "b0000003", "b0000004"]
    assert drafts[1].text == "Caf\ufffd order for MARKER"
    reasons = [(where.rsplit(": ", 1)[1], why) for where, why in report.skipped]
    assert reasons == [
        ("line 2", "the line stops before its JSON ends (a write was cut short)"),
        ("line 3", "expected a JSON object, got a list"),
        ("line 4", "unknown record type 'agent-telemetry-v9' (a newer Claude Code?)"),
        ("line 5", "invalid UTF-8 bytes, kept as U+FFFD"),
        ("line 6", "unknown content block 'image_gen_v3'; that block was left out"),
        ("line 7", "the last line is cut off (still being written, or the file was truncated)"),
    ]


def test_secrets_never_reach_the_store(service: MemoryService) -> None:
    result = import_file(service.db, TRANSCRIPT, ClaudeCodeImporter(), "test")
    assert result.redacted == 2
    assert service.db.one("SELECT count(*) FROM events WHERE text LIKE '%ghp_%'")[0] == 0
    push = service.db.one(
        "SELECT text FROM events WHERE message_id = 'toolu_01Gh5Jk7Lz9Xc1Vb3Nm5Qw7E'"
    )[0]
    assert "https://x-access-token:[REDACTED:github_token]@github.com/ana/bakery.git" in push


def test_detection() -> None:
    importers = available_importers(False)
    for path in (TRANSCRIPT, BROKEN):
        assert choose_importer(path, importers, None).name == "claude-code"
    codex = next((DATA.parent / "codex").rglob("*.jsonl"))
    assert not ClaudeCodeImporter().detect(codex)


def test_cli_imports_a_folder_and_recall_finds_it(home: Path, amber_cli: object) -> None:
    result = amber_cli("import", "claude-code", str(DATA), "--json")  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 15  # the empty transcript is passed over
    assert report["failed"] == []
    again = amber_cli("import", "claude-code", str(DATA), "--json")  # type: ignore[operator]
    assert json.loads(again.stdout)["added"] == 0
    found = amber_cli("recall", "oven timer monotonic", "--json")  # type: ignore[operator]
    hits = json.loads(found.stdout)
    assert hits
    assert hits[0]["sources"][0]["source"] == "claude-code"


def test_cli_on_a_missing_folder_is_one_line(home: Path, amber_cli: object, tmp_path: Path) -> None:
    result = amber_cli("import", "claude-code", str(tmp_path / "nope"))  # type: ignore[operator]
    assert result.returncode == 2
    assert result.stderr.strip().endswith("give the folder that holds the Claude Code transcripts")
    assert len(result.stderr.strip().splitlines()) == 1
