"""Aider's chat history (.aider.chat.history.md) and input history (.aider.input.history):
runs as conversations, prompts, answers and notices, the prompt history without the
prompts the chat already holds, stable ids, damaged files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers.importing import read_all

from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.aider import IN_CHAT, AiderChatImporter, AiderInputImporter
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "agents" / "aider"
CHAT = DATA / ".aider.chat.history.md"
INPUT = DATA / ".aider.input.history"


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone().astimezone(UTC)


def test_runs_become_conversations_of_prompts_answers_and_notices() -> None:
    drafts, report = read_all(AiderChatImporter(), CHAT)
    assert [(d.conversation[-8:], d.author) for d in drafts] == [
        ("14:03:27", "user"),
        ("14:03:27", "tool"),
        ("14:03:27", "user"),
        ("14:03:27", "assistant"),
        ("14:03:27", "tool"),
        ("14:03:27", "user"),
        ("14:03:27", "assistant"),
        ("14:03:27", "tool"),
        ("09:12:02", "user"),
        ("09:12:02", "assistant"),
    ]
    assert report.ignored == {"start-up notices": 2}
    assert report.skipped == []
    answer = drafts[3]
    assert answer.text.endswith(">>>>>>> REPLACE\n```")  # a code block is the answer's
    assert answer.meta["model"] == "anthropic/claude-sonnet-4-20250514"
    assert answer.meta["cwd"] == str(DATA.resolve())
    assert answer.timestamp == _local("2025-06-12 14:03:27")
    assert drafts[5].text == "also add a test\n\nthat fakes the clock"
    assert drafts[4].trust == "untrusted"
    assert drafts[1].title == ""  # `/add` does not title the run; the first prompt does
    assert drafts[2].title.startswith("The oven timer fires twice")
    assert drafts[9].meta["model"] == "gpt-4.1"


def test_input_history_leaves_out_prompts_the_chat_holds() -> None:
    drafts, report = read_all(AiderInputImporter(), INPUT)
    assert [(d.text, d.author) for d in drafts] == [("/run make bake-report", "user")]
    assert drafts[0].timestamp == _local("2025-06-14 18:30:00")
    assert report.ignored == {IN_CHAT: 3}


def test_detection_by_name_and_by_content(tmp_path: Path) -> None:
    importers = available_importers(False)
    assert choose_importer(CHAT, importers, None).name == "aider"
    assert choose_importer(INPUT, importers, None).name == "aider-input"
    copy = tmp_path / "old-chat.md"
    copy.write_bytes(CHAT.read_bytes())
    assert choose_importer(copy, importers, None).name == "aider"


def test_reimport_adds_nothing(service: MemoryService) -> None:
    for path, importer in ((CHAT, AiderChatImporter()), (INPUT, AiderInputImporter())):
        first = import_file(service.db, path, importer, "test")
        again = import_file(service.db, path, importer, "test")
        assert (first.added > 0, again.added) == (True, 0)
    hit = service.recall("monotonic oven timer deadline")[0]
    assert hit.sources[0].source == "aider"


def test_a_damaged_history_keeps_what_it_can(tmp_path: Path) -> None:
    cut = tmp_path / ".aider.chat.history.md"
    text = CHAT.read_text()
    cut.write_bytes(text[: text.index("Here is a test")].encode() + b"\xff\xfe half")
    drafts, report = read_all(AiderChatImporter(), cut)
    assert len(drafts) == 7
    assert drafts[-1].text == "\ufffd\ufffd half"
    assert [why for _, why in report.skipped] == ["invalid UTF-8 bytes, kept as U+FFFD"]
    odd = tmp_path / ".aider.input.history"
    odd.write_text("# 2025-06-14 18:30:00.000000\n+keep this\nstray line\n")
    drafts, report = read_all(AiderInputImporter(), odd)
    assert [d.text for d in drafts] == ["keep this"]
    assert report.skipped == [(f"{odd}: line 3", "not a history line; left out")]
