"""The Claude.ai export importer: content blocks with tool use, the older text-only shape,
branches, attachments, zips and broken conversations."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.importing import read_all

from amber.errors import ImportFormatError
from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.claude_ai import ClaudeAIImporter
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "exports" / "claude"
SOURDOUGH = "0b6d7c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e"


def test_content_blocks_become_messages_and_a_paired_tool_event() -> None:
    drafts, report = read_all(ClaudeAIImporter(), DATA / "conversations.json")
    chat = [d for d in drafts if d.conversation == SOURDOUGH]
    assert [d.author for d in chat] == ["human", "assistant", "human", "assistant", "tool"]
    assert chat[0].message_id == "7a1b2c3d-0001-4e5f-8a9b-0c1d2e3f4a5b"
    assert chat[0].timestamp is not None
    assert chat[0].timestamp.isoformat() == ("2025-03-02T18:40:52.101010+00:00")
    assert chat[3].text == (
        "Let me check current advice.\n\n"
        "Most bakers keep a starter at 100% hydration, equal weights of flour and water."
    )
    tool = chat[4]
    assert tool.text.startswith("web_search: sourdough starter hydration recommendation\n")
    assert "--- result ---\nMost bakers keep their starter at 100% hydration" in tool.text
    assert (tool.trust, tool.meta["tool"]) == ("untrusted", "web_search")
    assert "Acetone smell means" not in " ".join(d.text for d in drafts)  # thinking left out
    assert report.ignored["thinking"] == 1
    assert report.skipped == []


def test_attachments_bring_their_extracted_text_once() -> None:
    drafts, _ = read_all(ClaudeAIImporter(), DATA / "conversations.json")
    first = drafts[0].text
    assert "[attachment: starter-log.txt]\nDay 1: 50 g rye flour" in first
    assert first.count("starter-log.txt") == 1


def test_older_text_only_export() -> None:
    drafts, _ = read_all(ClaudeAIImporter(), DATA / "conversations.json")
    old = [d for d in drafts if d.title == "Birthday present for Jonas"]
    assert [(d.message_id, d.author) for d in old] == [("c1", "human"), ("c2", "assistant")]
    assert "Kraftwerk" in old[0].text


def test_only_the_branch_to_the_current_leaf_is_read() -> None:
    drafts, report = read_all(ClaudeAIImporter(), DATA / "conversations.json")
    tent = [d.message_id for d in drafts if d.title == "Tent for the Alps"]
    assert tent == ["b1", "b2", "b3"]
    assert report.ignored["messages on other branches"] == 1


def test_broken_conversations_are_skipped_with_reasons() -> None:
    drafts, report = read_all(ClaudeAIImporter(), DATA / "mixed_bad.json")
    assert [d.message_id for d in drafts] == ["c1", "c2", "y1"]
    assert drafts[-1].text == "kept despite the odd block"
    label = str(DATA / "mixed_bad.json")
    assert report.skipped == [
        (f"{label}: [1]", "a conversation must be an object, got a string"),
        (f"{label}: [2]", 'no "chat_messages" list; the conversation was left out'),
        (f"{label}: [3].chat_messages[0]", "a message must be an object, got a number"),
        (f"{label}: [3].chat_messages[1].content[0]", "unknown block type 'voice_note'"),
    ]


def test_zip_and_detection() -> None:
    importers = available_importers(False)
    for name in ("conversations.json", "data-2025-03-03-08-00-00.zip", "mixed_bad.json"):
        assert choose_importer(DATA / name, importers, None).name == "claude"
    zipped, _ = read_all(ClaudeAIImporter(), DATA / "data-2025-03-03-08-00-00.zip")
    plain, _ = read_all(ClaudeAIImporter(), DATA / "conversations.json")
    assert [d.dedup_key for d in zipped] == [d.dedup_key for d in plain]


def test_truncated_export_keeps_the_complete_conversations(service: MemoryService) -> None:
    result = import_file(service.db, DATA / "truncated.json", ClaudeAIImporter(), "test")
    assert result.added == 5
    assert len(result.skipped) == 1
    assert "after 1 complete conversation;" in result.skipped[0][1]
    full = import_file(service.db, DATA / "conversations.json", ClaudeAIImporter(), "test")
    assert (full.added, full.duplicates) == (5, 5)


def test_a_chatgpt_export_read_as_claude_says_so() -> None:
    chatgpt = DATA.parent / "chatgpt" / "conversations.json"
    with pytest.raises(ImportFormatError, match="this is a ChatGPT export"):
        list(ClaudeAIImporter().read(chatgpt))


def test_recall_finds_imported_messages(service: MemoryService) -> None:
    import_file(service.db, DATA / "conversations.json", ClaudeAIImporter(), "test")
    hit = service.recall("acetone smell starter")[0]
    assert hit.sources[0].source == "claude"
    assert hit.sources[0].conversation == SOURDOUGH
