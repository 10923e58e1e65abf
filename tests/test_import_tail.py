"""Tailing transcripts that are still being written: each line read once, checkpoints that
survive a restart, half-written lines, truncation, rotation, rewrites and deleted files."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

from helpers.files import append

from amber.events import EventDraft
from amber.ingest import ingest
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.tail import (
    claude_code_tailer,
    codex_tailer,
    shell_tailer,
)
from amber.service import MemoryService
from amber.store.events import insert_events

DATA = Path(__file__).parent / "data" / "exports"
TRANSCRIPT = next((DATA / "claude-code" / "-home-ana-src-bakery").glob("2f9c*.jsonl"))
SESSION = "11111111-2222-4333-8444-555555555555"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _line(uuid: str, text: str, kind: str = "user", content: object = None) -> str:
    message = {"role": kind, "content": content if content is not None else text}
    record = {
        "type": kind,
        "sessionId": SESSION,
        "uuid": uuid,
        "message": message,
        "timestamp": "2025-10-20T10:00:00.000Z",
        "cwd": "/w",
    }
    return json.dumps(record) + "\n"


def _call(uuid: str, call_id: str, command: str) -> str:
    block = {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": command}}
    return _line(uuid, "", "assistant", [block])


def _result(uuid: str, call_id: str, output: str) -> str:
    return _line(
        uuid, "", "user", [{"type": "tool_result", "tool_use_id": call_id, "content": output}]
    )


def _roundtrip(state: dict) -> dict:
    return json.loads(json.dumps(state))  # what the daemon keeps is plain JSON


def _ids(drafts: list[EventDraft]) -> list[str]:
    return [d.message_id for d in drafts]


def test_new_lines_are_read_once_and_the_state_is_json(tmp_path: Path) -> None:
    path = tmp_path / "p" / "s.jsonl"
    path.parent.mkdir()
    path.write_text(_line("u1", "first prompt"))
    tailer = claude_code_tailer(tmp_path)
    drafts, state = tailer.poll(None)
    assert _ids(drafts) == ["u1"]
    assert drafts[0].title == "first prompt"
    append(path, _line("u2", "second prompt"))
    drafts, state = tailer.poll(_roundtrip(state))
    assert _ids(drafts) == ["u2"]
    assert drafts[0].title == "first prompt"
    assert tailer.poll(_roundtrip(state))[0] == []
    cursor = state["files"][str(path)]
    assert cursor["offset"] == path.stat().st_size
    assert cursor["inode"] == path.stat().st_ino


def test_a_half_written_line_waits_for_its_end(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    whole = _line("u1", "written in two parts")
    path.write_text(whole[:25])
    tailer = claude_code_tailer(tmp_path)
    drafts, state = tailer.poll(None)
    assert drafts == []
    assert state["files"][str(path)]["offset"] == 0
    assert tailer.skipped == []
    append(path, whole[25:])
    assert _ids(tailer.poll(state)[0]) == ["u1"]


def test_a_call_and_its_result_in_different_polls_become_one_event(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(_call("a1", "toolu_1", "make test"))
    tailer = claude_code_tailer(tmp_path)
    drafts, state = tailer.poll(None)
    assert drafts == []
    assert len(state["files"][str(path)]["parser"]["pending"]) == 1
    append(path, _result("r1", "toolu_1", "12 passed"))
    drafts, state = tailer.poll(_roundtrip(state))
    assert [d.text for d in drafts] == ["Bash: make test\n--- result ---\n12 passed"]


def test_truncated_replaced_and_rewritten_files_are_read_again(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(_line("u1", "one") + _line("u2", "two"))
    tailer = claude_code_tailer(tmp_path)
    _, state = tailer.poll(None)
    path.write_text(_line("u3", "shorter"))  # truncated in place: shorter than the offset
    drafts, state = tailer.poll(state)
    assert _ids(drafts) == ["u3"]
    other = tmp_path / "new.tmp"
    other.write_text(_line("u4", "a new file under the old name"))
    os.replace(other, path)  # rotated: another inode
    drafts, state = tailer.poll(state)
    assert _ids(drafts) == ["u4"]
    size = path.stat().st_size
    path.write_text(_line("u5", "same length, other text!!!!!!!!!!")[: size - 1] + "\n")
    with path.open("r+") as handle:  # rewritten in place, same inode, first bytes differ
        handle.seek(0)
        handle.write(_line("u6", "x" * 10))
    drafts, _ = tailer.poll(state)
    assert "u6" in _ids(drafts)


def test_a_deleted_transcript_hands_over_its_waiting_call(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(_call("a1", "toolu_9", "rm -rf build"))
    tailer = claude_code_tailer(tmp_path)
    _, state = tailer.poll(None)
    path.unlink()  # Claude Code cleans up old transcripts
    drafts, state = tailer.poll(state)
    assert [(d.message_id, d.meta["result"]) for d in drafts] == [("toolu_9", "missing")]
    assert state["files"] == {}


def test_after_a_quiet_period_held_items_are_released(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "s.jsonl"
    last = _line("u2", "a last line the writer never ended")
    path.write_text(_call("a1", "toolu_5", "sleep 1000") + last.rstrip("\n"))
    tailer = claude_code_tailer(tmp_path, settle_s=600, clock=clock)
    drafts, state = tailer.poll(None)
    assert drafts == []
    clock.now += 599
    assert tailer.poll(state)[0] == []
    clock.now += 2
    drafts, state = tailer.poll(state)
    assert _ids(drafts) == ["u2", "toolu_5"]
    assert drafts[1].meta["result"] == "missing"
    assert tailer.poll(state)[0] == []  # released once
    append(path, "\n" + _result("r1", "toolu_5", "done"))  # the session comes back later
    drafts, _ = tailer.poll(state)
    assert _ids(drafts) == ["toolu_5#result"]  # the result is kept too, under its own id


def test_a_crash_before_the_checkpoint_repeats_drafts_that_dedup(
    tmp_path: Path, service: MemoryService
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(
        _line("u1", "hello") + _call("a1", "toolu_1", "ls") + _result("r1", "toolu_1", "a b")
    )
    tailer = claude_code_tailer(tmp_path)
    first, _lost_state = tailer.poll(None)  # stored, then the process died before saving state
    again, _ = tailer.poll(None)
    with service.db.write() as conn:
        assert insert_events(conn, first) == 2
    with service.db.write() as conn:
        assert insert_events(conn, again) == 0


def test_tailing_in_random_pieces_equals_a_one_shot_import(tmp_path: Path) -> None:
    data = TRANSCRIPT.read_bytes()
    expected = [(d.message_id, d.text) for d in ClaudeCodeImporter().read(TRANSCRIPT)]
    rng = random.Random(6)
    cuts = sorted(rng.sample(range(1, len(data)), 25))
    path = tmp_path / "live.jsonl"
    tailer = claude_code_tailer(tmp_path, settle_s=0)
    state: dict | None = None
    got: list[EventDraft] = []
    for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
        with path.open("ab") as handle:
            handle.write(data[start:end])
        drafts, state = tailer.poll(_roundtrip(state) if state else None)
        got += drafts
    got += tailer.poll(state)[0]  # quiet now: anything held is released
    assert [(d.message_id, d.text) for d in got] == expected


def test_a_poll_reads_at_most_its_budget(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("".join(_line(f"u{i}", f"prompt number {i}") for i in range(50)))
    tailer = claude_code_tailer(tmp_path, max_bytes=1000)
    state = None
    polls = 0
    got = []
    while polls < 100:
        drafts, state = tailer.poll(state)
        polls += 1
        got += drafts
        if not drafts:
            break
    assert len(got) == 50
    assert polls > 5


def test_tailed_secrets_are_redacted_once_when_stored(
    service: MemoryService, tmp_path: Path
) -> None:
    """The tailer hands drafts over as read; the one ingest path redacts them (they used to
    be redacted twice: by the tailer and again by the daemon's sink)."""
    token = "ghp_" + "Vb7Nq2Lx9Rt4Kw8Zp3Jd6Hs1Mf5Gc0Ya7Te2"
    (tmp_path / "s.jsonl").write_text(_line("u1", f"use {token} for the push"))
    drafts, _ = claude_code_tailer(tmp_path).poll(None)
    with service.db.write() as conn:
        stored = ingest(conn, drafts)
    assert stored.added == 1
    assert stored.redacted >= 1
    [row] = service.db.query("SELECT text, title FROM events")
    assert row[0] == "use [REDACTED:github_token] for the push"
    assert token not in row[1]


def test_bad_lines_are_reported_and_an_old_state_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("{broken\n" + _line("u1", "fine"))
    tailer = claude_code_tailer(tmp_path)
    drafts, _ = tailer.poll({"version": 0, "files": "garbage"})
    assert _ids(drafts) == ["u1"]
    why = "not valid JSON at character 2 (Expecting property name enclosed in double quotes)"
    assert tailer.skipped == [(f"{path}: line 1", why)]


def test_codex_and_shell_tailers(tmp_path: Path) -> None:
    rollout = next((DATA / "codex" / "2025" / "10" / "29").glob("*.jsonl"))
    day = tmp_path / "codex" / "2025" / "10" / "29"
    day.mkdir(parents=True)
    shutil.copy(rollout, day / rollout.name)
    drafts, _ = codex_tailer(tmp_path / "codex").poll(None)
    assert len(drafts) == 7  # the call without output waits for it
    clock = Clock()
    history = tmp_path / ".bash_history"
    history.write_text("#1730190000\ngit status\n#1730190010\nmake\n")
    tailer = shell_tailer("bash", history, clock=clock)
    drafts, state = tailer.poll(None)
    assert [d.text for d in drafts] == ["git status"]  # `make` may go on on the next line
    clock.now += 61
    drafts, state = tailer.poll(state)
    assert [d.text for d in drafts] == ["make"]
