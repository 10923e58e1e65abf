"""Importers on damaged and odd input: a bad record costs that record (listed with a reason),
never the rest of the file or the other files; errors are one line, exit code 2."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amber.errors import ImportFormatError
from amber.importing import available_importers, import_file
from amber.plugins.importers.chatgpt import ChatGPTImporter
from amber.plugins.importers.claude_ai import ClaudeAIImporter
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.codex import CodexImporter
from amber.plugins.importers.conversation import GenericConversationImporter, parse_timestamp
from amber.plugins.importers.shell import FishHistoryImporter, ZshHistoryImporter
from amber.pluginspec import Importer
from amber.service import MemoryService

Cli = Callable[..., subprocess.CompletedProcess[str]]
DATA = Path(__file__).parent / "data" / "exports"
TRANSCRIPT = (
    DATA / "claude-code" / "-home-ana-src-bakery" / "2f9c1e4a-7b3d-4c8e-9f1a-6d5e4c3b2a19.jsonl"
)
CUT_EMOJI = "cut emoji \ud83d"  # json.dumps writes it as the escape "\ud83d", as exports do
CUT_REASON = "half of a character (a lone UTF-16 surrogate, e.g. a cut emoji), kept as U+FFFD"


def _write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def _lines(path: Path, *records: object) -> Path:
    return _write(path, "".join(r if isinstance(r, str) else json.dumps(r) for r in records))


def _texts(service: MemoryService) -> dict[str, str]:
    return dict(service.db.query("SELECT message_id, text FROM events"))


def _user(uuid: str, text: str) -> str:
    record = {"type": "user", "uuid": uuid, "sessionId": "s1"}
    return json.dumps(record | {"message": {"role": "user", "content": text}}) + "\n"


def _chatgpt(create_time: object, text: str) -> list[object]:
    message = {"id": "a", "author": {"role": "user"}, "create_time": create_time}
    message["content"] = {"content_type": "text", "parts": [text]}
    return [{"id": "c", "mapping": {"a": {"message": message, "parent": None, "children": []}}}]


def _claude(*messages: object) -> list[object]:
    return [{"uuid": "c", "name": "chat", "chat_messages": list(messages)}]


# --- 1. half of a character (a lone surrogate) is kept as U+FFFD, with its message ---


def _generic_file(tmp_path: Path) -> Path:
    message = {"id": "m1", "speaker": "A", "text": CUT_EMOJI}
    return _write(tmp_path / "g.json", {"id": "c1", "messages": [message]})


def _claude_code_file(tmp_path: Path) -> Path:
    return _lines(tmp_path / "s1.jsonl", _user("m1", CUT_EMOJI))


SURROGATE_CASES: list[tuple[Callable[[Path], Path], Importer]] = [
    (_generic_file, GenericConversationImporter()),
    (lambda tmp: _write(tmp / "gpt.json", _chatgpt(1.7e9, CUT_EMOJI)), ChatGPTImporter()),
    (
        lambda tmp: _write(tmp / "cl.json", _claude({"uuid": "m1", "text": CUT_EMOJI})),
        ClaudeAIImporter(),
    ),
    (_claude_code_file, ClaudeCodeImporter()),
]


@pytest.mark.parametrize(("make", "importer"), SURROGATE_CASES)
def test_a_cut_emoji_is_kept_as_a_replacement_character(
    service: MemoryService, tmp_path: Path, make: Callable[[Path], Path], importer: Importer
) -> None:
    result = import_file(service.db, make(tmp_path), importer, "test")
    assert result.added == 1
    assert list(_texts(service).values()) == ["cut emoji \ufffd"]
    assert [why for _, why in result.skipped] == [CUT_REASON]


# --- 2. a record of the wrong JSON type costs that record only ---


def test_claude_code_record_type_that_is_a_list_is_skipped(tmp_path: Path) -> None:
    path = _lines(tmp_path / "s.jsonl", '{"type":["user"]}\n', _user("u2", "still here"))
    drafts, report = ClaudeCodeImporter().read_with_report(path)
    assert [d.text for d in drafts] == ["still here"]
    assert report.skipped == [(f"{path}: line 1", 'the record "type" is a list, not a name')]


def test_claude_code_folder_keeps_the_good_files(
    home: Path, amber_cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    _lines(folder / "a.jsonl", '{"type":["user"]}\n')
    (folder / TRANSCRIPT.name).write_bytes(TRANSCRIPT.read_bytes())
    result = amber_cli("import", "claude-code", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 11
    assert report["failed"] == []


def test_codex_item_type_that_is_an_object_is_skipped(tmp_path: Path) -> None:
    odd = {"type": "response_item", "payload": {"type": {"x": 1}}}
    good = {"type": "response_item", "timestamp": "2025-01-01T00:00:00Z"}
    good["payload"] = {"type": "message", "role": "user", "content": "fix the build"}
    legacy = {"type": ["message"]}  # the older, unwrapped shape
    path = _lines(
        tmp_path / "rollout-x.jsonl", *(json.dumps(r) + "\n" for r in (odd, good, legacy))
    )
    drafts, report = CodexImporter().read_with_report(path)
    assert [d.text for d in drafts] == ["fix the build"]
    assert [why for _, why in report.skipped] == [
        'the response item "type" is an object, not a name',
        "unknown record type 'untyped' (a newer Codex?)",
    ]


def test_codex_exit_code_of_5000_digits_is_no_exit_code(tmp_path: Path) -> None:
    call = {"type": "function_call", "call_id": "c1", "name": "shell", "arguments": "{}"}
    output = {"type": "function_call_output", "call_id": "c1", "output": "Exit code: " + "9" * 5000}
    records = [json.dumps({"type": "response_item", "payload": p}) + "\n" for p in (call, output)]
    drafts = list(CodexImporter().read(_lines(tmp_path / "rollout-y.jsonl", *records)))
    assert len(drafts) == 1
    assert "exit_code" not in drafts[0].meta


def test_claude_message_uuid_that_is_a_list_keeps_the_message(tmp_path: Path) -> None:
    path = _write(tmp_path / "cl.json", _claude({"uuid": ["x"], "text": "hi"}))
    drafts, report = ClaudeAIImporter().read_with_report(path)
    assert [(d.message_id, d.text) for d in drafts] == [("idx-0", "hi")]
    assert report.skipped == []


def test_claude_odd_parent_ids_and_attachments(tmp_path: Path) -> None:
    first = {"uuid": "m1", "text": "one", "parent_message_uuid": ["x"], "attachments": 5}
    second = {"uuid": "m2", "text": "two", "parent_message_uuid": "m1", "files": {"a": 1}}
    conv = _claude(first, second)
    conv[0]["current_leaf_message_uuid"] = "m2"  # type: ignore[index]
    path = _write(tmp_path / "cl.json", conv)
    drafts, report = ClaudeAIImporter().read_with_report(path)
    assert [d.text for d in drafts] == ["one", "two"]
    assert [why for _, why in report.skipped] == [
        '"attachments" is a number, not a list; left out',
        '"files" is an object, not a list; left out',
    ]


def test_chatgpt_time_too_large_for_a_float(service: MemoryService, tmp_path: Path) -> None:
    path = tmp_path / "gpt.json"
    _write(
        path,
        json.dumps(_chatgpt(0, "hello")).replace(
            '"create_time": 0', '"create_time": 1' + "0" * 400
        ),
    )
    result = import_file(service.db, path, ChatGPTImporter(), "test")
    assert result.added == 1
    assert _texts(service) == {"a": "hello"}


def test_json_numbers_too_long_for_python_cost_nothing(tmp_path: Path) -> None:
    huge = "9" * 5000
    line = _user("u1", "kept").replace('"type"', f'"timestamp": {huge}, "type"')
    path = _lines(tmp_path / "s.jsonl", line, _user("u2", "also kept"))
    drafts, report = ClaudeCodeImporter().read_with_report(path)
    assert [(d.text, d.timestamp) for d in drafts] == [("kept", None), ("also kept", None)]
    assert report.skipped == []


def test_json_nested_too_deeply_costs_one_line(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000 + "\n"
    path = _lines(tmp_path / "s.jsonl", deep, _user("u2", "still here"))
    drafts, report = ClaudeCodeImporter().read_with_report(path)
    assert [d.text for d in drafts] == ["still here"]
    assert report.skipped == [(f"{path}: line 1", "JSON nested too deeply to read")]


def test_an_unforeseen_failure_costs_one_line(tmp_path: Path) -> None:
    from amber.plugins.importers.common import ReadReport
    from amber.plugins.importers.lines import feed_line

    class Fragile:
        def feed(self, line: bytes, lineno: int) -> list[object]:
            raise TypeError("unhashable type: 'list'")

    report = ReadReport(path=tmp_path / "x.jsonl", format="test")
    assert feed_line(Fragile(), b"{}\n", 3, report) == []  # type: ignore[arg-type]
    assert report.skipped == [
        (
            f"{tmp_path / 'x.jsonl'}: line 3",
            "cannot read this record (TypeError: unhashable type: 'list'); it was left out",
        ),
    ]


def test_an_unforeseen_failure_costs_one_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amber.plugins.importers import chatgpt

    real = chatgpt._message

    def fragile(msg: dict[str, object], *args: Any) -> object:
        if msg["content"] == {"content_type": "text", "parts": ["boom"]}:
            raise TypeError("unhashable type: 'list'")
        return real(msg, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(chatgpt, "_message", fragile)
    path = _write(tmp_path / "gpt.json", _chatgpt(1.7e9, "boom") + _chatgpt(1.7e9, "fine"))
    drafts, report = ChatGPTImporter().read_with_report(path)
    assert [d.text for d in list(drafts)] == ["fine"]
    assert report.skipped == [
        (
            f"{path}: [0]",
            "cannot read the rest of this conversation (TypeError: unhashable type: 'list')",
        ),
    ]


def test_generic_timestamp_too_large_is_a_one_line_error() -> None:
    with pytest.raises(ImportFormatError, match=r'"timestamp" .* is out of range'):
        parse_timestamp(10**400, "here")


# --- 3. shell history times that are no numbers ---


def test_fish_time_that_is_not_ascii_digits_keeps_the_command(tmp_path: Path) -> None:
    path = _write(tmp_path / "fish_history", "- cmd: ls\n  when: \u00b2\n- cmd: pwd\n  when: 17\n")
    drafts = list(FishHistoryImporter().read(path))
    assert [(d.text, d.timestamp is None) for d in drafts] == [("ls", True), ("pwd", False)]


def test_zsh_time_of_5000_digits_keeps_the_command(tmp_path: Path) -> None:
    path = _write(tmp_path / ".zsh_history", f": {'9' * 5000}:0;echo z\n: 1700000000:0;ls\n")
    drafts = list(ZshHistoryImporter().read(path))
    assert [(d.text, d.timestamp is None) for d in drafts] == [("echo z", True), ("ls", False)]


# --- 4. one id for two messages in one file ---


def _same_ids(tmp_path: Path) -> Path:
    messages = [
        {"id": "m1", "speaker": "A", "text": "one"},
        {"id": "m1", "speaker": "A", "text": "two"},
        {"id": "m1", "speaker": "A", "text": "one"},  # an exact repeat
    ]
    return _write(tmp_path / "d.json", {"id": "c1", "messages": messages})


def test_a_reused_id_keeps_both_messages_and_reimport_adds_nothing(
    service: MemoryService, tmp_path: Path
) -> None:
    path = _same_ids(tmp_path)
    acks: list[int] = []
    first = import_file(service.db, path, GenericConversationImporter(), "test", acks.append)
    assert (first.read, first.added, first.known, first.repeated) == (3, 2, 0, 1)
    assert first.renamed == [(f"{path}: c1#m1", "m1#2")]
    assert acks == [3]
    assert _texts(service) == {"m1": "one", "m1#2": "two"}
    again = import_file(service.db, path, GenericConversationImporter(), "test")
    assert (again.added, again.known, again.repeated) == (0, 2, 1)


def test_cli_counts_are_truthful(home: Path, amber_cli: Cli, tmp_path: Path) -> None:
    result = amber_cli("import", "conversation", str(_same_ids(tmp_path)))
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # unwrapped
    err = " ".join(result.stderr.split())
    assert "stored 3 messages" in err
    assert "Imported 2 new messages" in out
    assert "(0 already known, 1 repeated in the file, 0 skipped" in out
    assert "as m1#2 (another message in the file has the id m1)" in err


# --- 5. the wrong kind of path or format: one line, exit code 2 ---


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("conversation", "{dir}"), "{dir}: is a folder, not a file"),
        (("shell", "{dir}"), "{dir}: is a folder, not a file"),
        (("claude-code", "{file}"), "{file}: is a file, not a folder"),
        (("codex", "{file}"), "{file}: is a file, not a folder"),
        (("conversation", "{file}", "--format", "codex"), "{file}: not a codex file"),
        (("conversation", "{file}", "--format", "claude-code"), "{file}: not a claude-code file"),
        (("conversation", "{file}", "--format", "chatgpt"), "{file}: not a chatgpt file"),
    ],
)
def test_wrong_path_or_format_is_one_line_and_exit_2(
    home: Path, amber_cli: Cli, tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    places = {"dir": str(tmp_path), "file": str(_generic_file(tmp_path))}
    result = amber_cli("import", *(a.format(**places) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("amber: " + expected.format(**places))
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_named_format_that_reads_the_file_is_fine(
    home: Path, amber_cli: Cli, tmp_path: Path
) -> None:
    path = _lines(tmp_path / "s1.jsonl", _user("u1", "hello"))
    result = amber_cli("import", "conversation", str(path), "--format", "claude-code")
    assert result.returncode == 0, result.stderr


# --- 6. a list of generic conversations cut short keeps the complete ones ---


def _generic_list(tmp_path: Path, tail: str) -> Path:
    first = {"id": "a", "messages": [{"id": "m1", "text": "first"}]}
    return _write(tmp_path / "list.json", "[" + json.dumps(first) + tail)


@pytest.mark.parametrize(
    ("tail", "why"),
    [
        (', {"id": "b", "messages": [{"id": "m1", "te', "the file ends early (truncated?)"),
        (', @ {"id": "b", "messages": []}]', "not valid JSON at line 1 column"),
    ],
)
def test_generic_list_cut_short_keeps_complete_conversations(
    service: MemoryService, tmp_path: Path, tail: str, why: str
) -> None:
    path = _generic_list(tmp_path, tail)
    result = import_file(service.db, path, available_importers(False)["generic"], "test")
    assert (result.added, _texts(service)) == (1, {"m1": "first"})
    [(where, reason)] = result.skipped
    assert where == str(path)
    assert reason.startswith(why)
    assert reason.endswith("after 1 complete conversation; the rest of the file could not be read")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[{"id": "a", "messages": []}]\n[]', "Extra data"),  # not a cut: still an error
        ('[{"id": "a", "messages": [{"id": "m1", "te', "the file ends early"),  # nothing whole
    ],
)
def test_generic_json_without_complete_conversations_is_still_an_error(
    tmp_path: Path, content: str, expected: str
) -> None:
    with pytest.raises(ImportFormatError, match=expected):
        list(GenericConversationImporter().read(_write(tmp_path / "bad.json", content)))
