"""The ChatGPT export importer: the current branch of each tree, ids, roles, models, zips,
and broken exports that keep what can be read."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from helpers.importing import read_all

from amber.errors import ImportFormatError
from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.chatgpt import ChatGPTImporter
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "exports" / "chatgpt"
BERLIN = "6651a1b2-c3d4-8e5f-a6b7-c8d9e0f1a2b3"


def test_follows_the_current_branch_and_keeps_ids_roles_times_models() -> None:
    drafts, report = read_all(ChatGPTImporter(), DATA / "conversations.json")
    berlin = [d for d in drafts if d.conversation == BERLIN]
    assert [d.author for d in berlin] == ["user", "assistant", "user", "assistant"]
    assert berlin[1].message_id == "b1c2d3e4-0000-4000-8000-000000000002"  # the regenerated answer
    assert "Prenzlauer Berg" not in " ".join(d.text for d in drafts)  # the abandoned branch
    assert berlin[0].timestamp is not None
    assert berlin[0].timestamp.isoformat().startswith("2024-05-06T07:20:00.123")
    assert berlin[1].meta["model"] == "gpt-4o"
    assert berlin[3].meta["model"] == "o3"
    assert {d.title for d in berlin} == {"Berlin flat for a night-shift nurse"}
    assert {d.source for d in drafts} == {"chatgpt"}
    assert report.finished  # three chats + custom instructions
    assert report.conversations == 4


def test_hidden_system_and_internal_messages_are_left_out_and_counted() -> None:
    drafts, report = read_all(ChatGPTImporter(), DATA / "conversations.json")
    texts = " ".join(d.text for d in drafts)
    assert "Thought for 6 seconds" not in texts
    assert "Assessing floor plan" not in texts
    assert report.ignored == {"hidden message": 1, "internal content": 3}
    assert report.skipped == [
        (
            f"{DATA / 'conversations.json'}: [2] e2",
            "unknown content type 'hologram_card'; that message was left out",
        ),
    ]


def test_custom_instructions_are_kept_once() -> None:
    drafts, _ = read_all(ChatGPTImporter(), DATA / "conversations.json")
    custom = [d for d in drafts if d.conversation == "custom-instructions"]
    assert len(custom) == 1
    assert "nurse at Charité" in custom[0].text


def test_images_attachments_and_code_interpreter() -> None:
    drafts, _ = read_all(ChatGPTImporter(), DATA / "conversations.json")
    plan = next(d for d in drafts if "floor plan" in d.text)
    assert plan.text.startswith("[image]\n")
    assert plan.text.endswith("[attachment: floorplan-wedding.png]")
    tool = next(d for d in drafts if d.author == "tool")
    assert (tool.text, tool.trust, tool.meta["tool"]) == ("1204", "untrusted", "python")
    code = next(d for d in drafts if d.meta.get("content_type") == "code")
    assert "dropna" in code.text
    assert code.author == "assistant"


def test_without_current_node_the_latest_leaf_is_read() -> None:
    drafts, report = read_all(ChatGPTImporter(), DATA / "no_current_node.json")
    assert drafts[-1].text.startswith("Yes: 48 m²")
    assert report.ignored["no current_node: the latest branch was read"] == 1


def test_zip_gives_the_same_events_as_its_json() -> None:
    plain, _ = read_all(ChatGPTImporter(), DATA / "conversations.json")
    zipped, _ = read_all(ChatGPTImporter(), DATA / "chatgpt-export.zip")
    assert [d.dedup_key for d in zipped] != []
    assert [(d.message_id, d.text) for d in zipped] == [(d.message_id, d.text) for d in plain]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("conversations.json", "chatgpt"),
        ("chatgpt-export.zip", "chatgpt"),
        ("no-conversations.zip", "chatgpt"),
        ("truncated.json", "chatgpt"),
    ],
)
def test_detected_among_all_importers(name: str, expected: str) -> None:
    assert choose_importer(DATA / name, available_importers(False), None).name == expected


def test_zip_without_conversations_json_is_one_clear_line() -> None:
    with pytest.raises(ImportFormatError) as info:
        read_all(ChatGPTImporter(), DATA / "no-conversations.zip")
    message = str(info.value)
    assert "no conversations.json in this zip (it holds: user.json, chat.html)" in message
    assert "\n" not in message


def test_truncated_export_stores_the_complete_conversations(service: MemoryService) -> None:
    result = import_file(service.db, DATA / "truncated.json", ChatGPTImporter(), "test")
    assert result.added == 9  # every message of the first two conversations
    [(_, why)] = result.skipped
    assert why.startswith("the file ends early (truncated?) after 2 complete conversations")
    again = import_file(service.db, DATA / "conversations.json", ChatGPTImporter(), "test")
    assert again.added == 2  # the rest, once the export is whole
    assert again.duplicates == 9


def test_malformed_middle_keeps_what_came_before() -> None:
    drafts, report = read_all(ChatGPTImporter(), DATA / "malformed.json")
    assert {d.conversation for d in drafts} == {BERLIN, "custom-instructions"}
    [(_, why)] = report.skipped
    assert "not valid JSON at line 1 column" in why
    assert "after 1 complete conversation" in why


def test_invalid_utf8_costs_one_character_and_is_reported() -> None:
    drafts, report = read_all(ChatGPTImporter(), DATA / "invalid_utf8.json")
    csv = next(d for d in drafts if d.text.startswith("Clean up shifts.csv"))
    assert "drop empty rows \ufffd count" in csv.text
    assert (f"{DATA / 'invalid_utf8.json'}: [1] d1", "invalid UTF-8 bytes, kept as U+FFFD") in (
        report.skipped
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"[", "the file ends early (truncated?) after 0 complete conversations"),
        (b'{"mapping": ', "the file ends early"),
        (b"<html>", "not a JSON export"),
    ],
)
def test_unreadable_exports_are_one_line_errors(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "conversations.json"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=re.escape(problem)) as info:
        list(ChatGPTImporter().read(path))
    assert "\n" not in str(info.value)


def test_a_claude_export_read_as_chatgpt_says_so(tmp_path: Path) -> None:
    claude = Path(__file__).parent / "data" / "exports" / "claude" / "conversations.json"
    with pytest.raises(ImportFormatError, match=r"this is a Claude export.*--format claude"):
        list(ChatGPTImporter().read(claude))


def test_loops_and_odd_nodes_do_not_hang(tmp_path: Path) -> None:
    message = {
        "id": "m",
        "author": {"role": "user"},
        "content": {"content_type": "text", "parts": ["hi"]},
    }
    mapping = {"a": {"message": message, "parent": "b"}, "b": {"message": None, "parent": "a"}}
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([{"id": "c", "mapping": mapping, "current_node": "a"}, 5]))
    drafts, report = ChatGPTImporter().read_with_report(path)
    assert [d.text for d in drafts] == ["hi"]
    assert [why for _, why in report.skipped] == [
        "the message tree loops back on itself; the loop was cut",
        "a conversation must be an object, got a number",
    ]


def test_import_redacts_and_reimport_adds_nothing(service: MemoryService) -> None:
    first = import_file(service.db, DATA / "chatgpt-export.zip", ChatGPTImporter(), "test")
    assert (first.added, first.redacted) == (11, 1)
    stored = service.db.one("SELECT text FROM events WHERE text LIKE 'My script fails%'")[0]
    assert "sk-proj-" not in stored
    assert "[REDACTED:openai_key]" in stored
    assert (
        import_file(service.db, DATA / "conversations.json", ChatGPTImporter(), "test").added == 0
    )
    hit = service.recall("night-shift nurse Charité districts")[0]
    assert hit.sources[0].source == "chatgpt"
    assert hit.sources[0].conversation == BERLIN


def test_big_export_streams_conversation_by_conversation(tmp_path: Path) -> None:
    conv = json.loads((DATA / "conversations.json").read_text("utf-8"))[1]
    path = tmp_path / "chatgpt.zip"
    many = []
    for i in range(3000):
        copy = json.loads(json.dumps(conv))
        copy["conversation_id"] = copy["id"] = f"conv-{i}"
        many.append(copy)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("conversations.json", json.dumps(many))
    drafts, report = ChatGPTImporter().read_with_report(path)
    assert sum(1 for _ in drafts) == 3000 * 4
    assert report.conversations == 3000
