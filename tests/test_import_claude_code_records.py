"""Claude Code records of newer versions: prompts queued while the agent was busy, the
bookkeeping records (counted, never problems), `/rename` titles, and prompts that
subagents and the compaction agent wrote (never the user's, never a title)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.importing import read_all

from amber.importing import import_file
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.tail import claude_code_tailer
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "agents" / "claude" / "projects"
PROJECT = DATA / "-home-ana-src-bakery"
SESSION = "3d4e5f60-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
TRANSCRIPT = PROJECT / f"{SESSION}.jsonl"
SUBAGENT = PROJECT / SESSION / "subagents" / "agent-a7f3c21.jsonl"
COMPACTION = PROJECT / SESSION / "subagents" / "agent-acompact-5e6f7a.jsonl"


def test_a_queued_prompt_is_the_users_message() -> None:
    drafts, _ = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    queued = next(d for d in drafts if d.message_id == "c0000007")
    assert (queued.author, queued.text) == ("user", "also mention the humidity sensor")
    assert queued.conversation == SESSION
    assert queued.timestamp is not None
    assert queued.timestamp.isoformat() == "2026-03-02T09:01:45+00:00"
    assert queued.meta["cwd"] == "/home/ana/src/bakery"
    assert "task-notification" not in "\n".join(d.text for d in drafts)


def test_bookkeeping_records_are_counted_not_reported() -> None:
    drafts, report = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    assert report.skipped == []
    assert report.ignored == {
        "permission-mode record": 1,
        "attachment record": 2,  # the tool list and the task notification
        "queue-operation record": 2,
        "custom-title record": 2,
        "ai-title record": 1,
        "agent-name record": 1,
        "last-prompt record": 1,
    }
    assert [d.message_id for d in drafts] == [
        "c0000001",
        "c0000002",
        "c0000003",
        "toolu_01TaskDrawer000000000001",
        "c0000007",
        "c0000009",
    ]


def test_the_last_rename_titles_every_event_of_the_session() -> None:
    drafts, _ = read_all(ClaudeCodeImporter(), TRANSCRIPT)
    assert {d.title for d in drafts} == {"README: proofing drawer"}


def test_subagent_and_compaction_prompts_are_not_the_user(service: MemoryService) -> None:
    sub, _ = read_all(ClaudeCodeImporter(), SUBAGENT)
    assert sub[0].author == "agent:subagent"
    assert sub[0].text == "Find where the proofing drawer temperature is set"
    compact, _ = read_all(ClaudeCodeImporter(), COMPACTION)
    assert compact[0].author == "agent:compaction"
    assert {d.title for d in sub + compact} == {""}  # no title from a machine's prompt
    assert {d.conversation for d in sub + compact} == {SESSION}
    for path in (TRANSCRIPT, SUBAGENT, COMPACTION):
        import_file(service.db, path, ClaudeCodeImporter(), "test")
    users = service.db.query("SELECT text FROM events WHERE author = 'user'")
    assert not any("detailed summary" in row[0] or "Find where" in row[0] for row in users)


def _write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _user(uuid: str, content: str, **extra: object) -> dict:
    base = {"type": "user", "sessionId": "s-1", "uuid": uuid, "message": {"role": "user"}}
    base["message"]["content"] = content  # type: ignore[index]
    return base | extra


def _command(name: str, args: str = "") -> str:
    text = f"<command-message>{name[1:]}</command-message>\n<command-name>{name}</command-name>"
    return text + (f"\n<command-args>{args}</command-args>" if args else "")


def test_a_session_that_starts_with_a_command_gets_a_title(tmp_path: Path) -> None:
    with_args = _write(tmp_path / "a.jsonl", _user("u1", _command("/review", "PR 42")))
    drafts, _ = read_all(ClaudeCodeImporter(), with_args)
    assert [(d.text, d.title) for d in drafts] == [("/review PR 42", "/review PR 42")]
    bare = _write(
        tmp_path / "b.jsonl",
        _user("u1", _command("/init")),
        _user("u2", "Now add type hints to bakery/oven.py"),
    )
    drafts, _ = read_all(ClaudeCodeImporter(), bare)
    assert {d.title for d in drafts} == {"Now add type hints to bakery/oven.py"}
    only = _write(tmp_path / "c.jsonl", _user("u1", _command("/init")))
    assert read_all(ClaudeCodeImporter(), only)[0][0].title == "/init"


def test_a_compaction_prompt_in_the_main_file_is_not_the_title(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "s.jsonl",
        _user("u1", "Your task is to create a detailed summary of the conversation so far."),
        _user("u2", "Bake the rye at 230 degrees"),
    )
    drafts, _ = read_all(ClaudeCodeImporter(), path)
    assert [d.author for d in drafts] == ["agent:compaction", "user"]
    assert {d.title for d in drafts} == {"Bake the rye at 230 degrees"}


def test_a_rename_while_tailing_titles_what_follows(tmp_path: Path) -> None:
    folder = tmp_path / "projects" / "-src"
    folder.mkdir(parents=True)
    path = _write(folder / "s-1.jsonl", _user("u1", "Check the proofing times"))
    tailer = claude_code_tailer(tmp_path / "projects")
    first, state = tailer.poll(None)
    assert [d.title for d in first] == ["Check the proofing times"]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"type": "custom-title", "customTitle": "proofing"}) + "\n")
        handle.write(json.dumps(_user("u2", "and the oven schedule")) + "\n")
    second, _ = tailer.poll(state)
    assert [(d.text, d.title) for d in second] == [("and the oven schedule", "proofing")]
    assert tailer.skipped == []


def test_reimport_adds_nothing(service: MemoryService) -> None:
    first = import_file(service.db, TRANSCRIPT, ClaudeCodeImporter(), "test")
    again = import_file(service.db, TRANSCRIPT, ClaudeCodeImporter(), "test")
    assert (first.added, again.added, again.known) == (6, 0, 6)


def test_an_agents_prompts_are_a_role_not_a_person() -> None:
    from amber.distill.knowledge import between_people
    from amber.events import Event
    from amber.retrieval.signals import ANSWER_FACTOR, role_factor

    def said_by(author: str) -> Event:
        return Event("e", "r", "claude-code", "u", SESSION, "m", author, None, "", "x", "", "")

    assert not between_people(said_by("agent:subagent"))
    assert not between_people(said_by("agent:compaction"))
    assert between_people(said_by("Caroline"))
    assert role_factor("agent:subagent") == ANSWER_FACTOR


def test_cli_imports_transcripts_and_the_prompt_history(
    home: Path, amber_cli: object, tmp_path: Path
) -> None:
    import shutil

    config = tmp_path / "claude"
    shutil.copytree(DATA.parent, config)
    env = {"CLAUDE_CONFIG_DIR": str(config)}
    result = amber_cli("import", "claude-code", "--json", env_extra=env)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 6 + 3 + 2 + 4  # session, subagent, compaction, history
    assert {f["format"] for f in report["files"]} == {"claude-code", "claude-code-history"}
    again = amber_cli("import", "claude-code", "--json", env_extra=env)  # type: ignore[operator]
    assert json.loads(again.stdout)["added"] == 0
