"""The generic conversation importer: format rules, error messages, speed, registration."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.importing import read_all

from amber.errors import ImportFormatError, InvalidInputError
from amber.events import EventDraft
from amber.plugins.importers.conversation import (
    FORMAT_HINT,
    MAX_FILE_BYTES,
    GenericConversationImporter,
    parse_timestamp,
)
from amber.pluginspec import Importer, build_plugin_manager, collect_importers

DATA = Path(__file__).parent / "data" / "conversations"


@pytest.fixture
def importer() -> GenericConversationImporter:
    return GenericConversationImporter()


def import_error(path: Path, importer: GenericConversationImporter | None = None) -> str:
    with pytest.raises(ImportFormatError) as caught:
        list((importer or GenericConversationImporter()).read(path))
    message = str(caught.value)
    assert "\n" not in message, "errors are printed as one line"
    assert str(path) in message, "errors name the file"
    return message


def write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


# --- valid files ---


def test_json_conversation_becomes_one_draft_per_message() -> None:
    path = DATA / "trip.json"
    drafts, report = read_all(GenericConversationImporter(), path)
    assert [d.message_id for d in drafts] == ["m1", "m2", "idx-2", "m5", "m6"]
    first = drafts[0]
    assert first == EventDraft(
        source="conversation",
        text="Booked the train to Lyon.",
        uri=str(path.resolve()),
        conversation="trip-2023",
        message_id="m1",
        author="Sam",
        timestamp=datetime(2023, 5, 1, 9, 30, tzinfo=UTC),
        title="Trip planning",
        trust="trusted",
        meta={},
    )
    assert first.ref == "conversation:trip-2023#m1"
    assert all(d.uri == str(path.resolve()) and d.title == "Trip planning" for d in drafts)
    assert report.format == "json"
    assert report.finished
    assert (report.messages, report.conversations) == (5, 1)


def test_timestamps_in_every_accepted_form_become_aware_utc() -> None:
    drafts, _ = read_all(GenericConversationImporter(), DATA / "trip.json")
    stamps = {d.message_id: d.timestamp for d in drafts}
    assert stamps["m2"] == datetime(2023, 5, 1, 9, 31, tzinfo=UTC)  # +02:00 offset
    assert stamps["idx-2"] == datetime(2023, 5, 1, 9, 32, tzinfo=UTC)  # naive means UTC
    assert stamps["m5"] == datetime(2023, 5, 1, 9, 34, tzinfo=UTC)  # epoch milliseconds
    assert stamps["m6"] is None


def test_empty_message_is_skipped_and_reported_but_keeps_its_position() -> None:
    drafts, report = read_all(GenericConversationImporter(), DATA / "trip.json")
    assert "m4" not in {d.message_id for d in drafts}
    assert report.skipped == [
        (f"{DATA / 'trip.json'}: messages[3]", "empty text and no attachments")
    ]


def test_list_of_conversations_and_derived_conversation_id() -> None:
    drafts, report = read_all(GenericConversationImporter(), DATA / "many.json")
    assert [(d.conversation, d.message_id) for d in drafts] == [
        ("work-1", "a"),
        ("work-1", "b"),
        ("many-1", "idx-0"),
    ]
    assert drafts[2].title == ""
    assert drafts[2].author == "me"
    assert report.conversations == 2


def test_missing_optional_fields_get_defaults() -> None:
    drafts, _ = read_all(GenericConversationImporter(), DATA / "missing_fields.json")
    assert [(d.conversation, d.message_id, d.author, d.timestamp) for d in drafts] == [
        ("missing_fields-0", "idx-0", "", None),
        ("missing_fields-0", "idx-1", "", None),
    ]


def test_attachments_become_one_line_each_and_are_counted() -> None:
    drafts, report = read_all(GenericConversationImporter(), DATA / "attachments.json")
    texts = {d.message_id: (d.text, d.meta) for d in drafts}
    assert texts["p1"] == (
        "Look at this view!\n[image: Sunset over the bay]\n[attachment: itinerary.pdf]",
        {"attachments": 2},
    )
    assert texts["p2"] == ("[image: Our tent, pitched by the lake]", {"attachments": 1})
    assert texts["p3"] == ("Nice\n[attachment]", {"attachments": 1})
    assert report.skipped == []


def test_jsonl_streams_messages_of_several_conversations() -> None:
    drafts, report = read_all(GenericConversationImporter(), DATA / "messages.jsonl")
    assert [(d.conversation, d.message_id, d.title) for d in drafts] == [
        ("book-club", "1", "Book club"),
        ("dentist", "d1", "Dentist"),
        ("book-club", "idx-1", "Book club"),  # title carried over, index per conversation
        ("book-club", "3", "Book club"),
    ]
    assert drafts[1].timestamp == datetime(2024, 3, 1, 17, 0, tzinfo=UTC)
    assert drafts[3].timestamp == datetime(2024, 3, 1, 19, 10, tzinfo=UTC)
    assert (report.format, report.messages, report.conversations) == ("jsonl", 4, 2)


def test_jsonl_lines_without_conversation_share_one_derived_id() -> None:
    drafts, _ = read_all(GenericConversationImporter(), DATA / "no_conversation.jsonl")
    assert [(d.conversation, d.message_id) for d in drafts] == [
        ("no_conversation-0", "idx-0"),
        ("no_conversation-0", "idx-1"),
    ]


@pytest.mark.parametrize("name", ["trip.json", "many.json", "messages.jsonl"])
def test_reimport_gives_identical_dedup_keys(name: str) -> None:
    first, _ = read_all(GenericConversationImporter(), DATA / name)
    again, _ = read_all(GenericConversationImporter(), DATA / name)
    assert [d.dedup_key for d in first] == [d.dedup_key for d in again]
    assert len({d.dedup_key for d in first}) == len(first)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "trip.json").read_bytes())
    assert len(read_all(GenericConversationImporter(), path)[0]) == 5


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    jsonl = write(tmp_path, "chat.txt", (DATA / "messages.jsonl").read_text("utf-8"))
    json_ = write(tmp_path, "chat.export", (DATA / "trip.json").read_text("utf-8"))
    assert read_all(GenericConversationImporter(), jsonl)[1].format == "jsonl"
    assert read_all(GenericConversationImporter(), json_)[1].format == "json"


def test_report_fills_while_drafts_are_consumed() -> None:
    drafts, report = GenericConversationImporter().read_with_report(DATA / "messages.jsonl")
    assert (report.messages, report.finished) == (0, False)
    next(drafts)
    assert report.messages == 1
    list(drafts)
    assert report.finished


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T09:30:00Z", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        ("2024-05-01T11:30:00+02:00", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        ("2024-05-01 09:30:00", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        (1714555800, datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        (1714555800.5, datetime(2024, 5, 1, 9, 30, 0, 500000, tzinfo=UTC)),
        (1714555800000, datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_timestamp(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value, "here") == expected


@pytest.mark.parametrize("value", ["last Tuesday", True, [2024], 1e300, float("nan")])
def test_parse_timestamp_rejects(value: object) -> None:
    with pytest.raises(ImportFormatError, match=r"^here: \"timestamp\""):
        parse_timestamp(value, "here")


# --- errors ---


def test_malformed_json_names_line_column_and_the_docs() -> None:
    path = DATA / "malformed.json"
    message = import_error(path)
    assert message.startswith(f"{path}: not valid JSON at line 4 column 3 (Expecting ',' delim")
    assert message.endswith(FORMAT_HINT)


def test_malformed_jsonl_line_is_an_error_after_streaming_earlier_lines() -> None:
    path = DATA / "malformed.jsonl"
    drafts = GenericConversationImporter().read(path)
    assert [next(drafts).message_id, next(drafts).message_id] == ["1", "2"]
    with pytest.raises(ImportFormatError, match=r"malformed\.jsonl: line 3: not valid JSON"):
        next(drafts)


def test_jsonl_is_never_loaded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("JSONL must be streamed")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    assert len(read_all(GenericConversationImporter(), DATA / "messages.jsonl")[0]) == 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("truncated.json", "line 1 column 128 (Unterminated string)"),
        ("truncated.json", "the file ends early; is it truncated?"),
        ("truncated.jsonl", "line 2: not valid JSON"),
        ("truncated.jsonl", "the last line is cut off"),
        ("export.csv", "not JSON or JSONL (it starts with 'i'"),
        ("chatgpt_export.json", "[0]: this looks like a ChatGPT export"),
        ("invalid_utf8.json", "not valid UTF-8 at line 3 (byte 0xe9); save the file as UTF-8"),
        ("invalid_utf8.jsonl", "line 2: not valid UTF-8 (byte 0xe9 at byte 35)"),
        ("garbage.json", "looks like a binary file"),
        ("empty.json", "the file is empty"),
        ("empty.jsonl", "the file is empty"),
        (
            "missing_text.json",
            'messages[0]: a message needs "text" or "attachments" (its keys: role',
        ),
        ("no_messages.json", 'a conversation needs a "messages" list'),
        ("bad_timestamp.json", "messages[1]: \"timestamp\" 'last Tuesday' is not ISO 8601"),
    ],
)
def test_bad_files_give_one_line_errors(name: str, expected: str) -> None:
    assert expected in import_error(DATA / name)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("42", "not JSON or JSONL (it starts with '4', not '{' or '[')"),
        ("[[]]", "[0]: a conversation must be an object, got a list"),
        ({"messages": {}}, '"messages" must be a list, got an object'),
        ({"messages": ["hi"]}, "messages[0]: a message must be an object, got a string"),
        ({"messages": [{"text": 5}]}, '"text" must be a string, got a number'),
        ({"messages": [{"text": "x", "id": [1]}]}, '"id" must be a string or an integer'),
        ({"messages": [{"text": "x", "attachments": "a.png"}]}, '"attachments" must be a list'),
        ({"messages": [{"attachments": ["a.png"]}]}, "an attachment must be an object"),
        ({"id": True, "messages": []}, '"id" must be a string or an integer, got true/false'),
        ("[" * 100_000, "nested too deeply"),
        ('{"messages": []}\n{"messages": []}\n', "Extra data) - one message per line?"),
    ],
)
def test_structural_errors_name_the_json_position(
    tmp_path: Path, content: object, expected: str
) -> None:
    assert expected in import_error(write(tmp_path, "bad.json", content))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[1, 2]", "line 2: expected one message object per line, got a list"),
        ('{"messages": []}', 'line 2: a JSONL line holds one message, not a "messages" list'),
        ('{"conversation": {"id": 1}, "text": "x"}', '"conversation" must be a string'),
        ('{"text": "x", "timestamp": "soon"}', "line 2: \"timestamp\" 'soon' is not ISO 8601"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path: Path, line: str, expected: str) -> None:
    path = write(tmp_path, "bad.jsonl", '{"text": "fine"}\n' + line + "\n")
    assert expected in import_error(path)


def test_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes((DATA / "trip.json").read_text("utf-8").encode("utf-16"))
    assert "the file is UTF-16, not UTF-8" in import_error(path)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    assert MAX_FILE_BYTES == 2 * 1024**3
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(MAX_FILE_BYTES + 1)
    assert "file too large: 2.0 GiB is over the 2.0 GiB limit" in import_error(huge)
    small_limit = GenericConversationImporter(max_bytes=100)
    assert "646 bytes is over the 100 bytes limit" in import_error(DATA / "trip.json", small_limit)


def test_missing_file_is_an_import_error(tmp_path: Path) -> None:
    message = import_error(tmp_path / "nope.json")
    assert "cannot read the file (No such file or directory)" in message


def test_errors_are_user_errors() -> None:
    assert issubclass(ImportFormatError, InvalidInputError)


# --- detection, registration, speed ---


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("trip.json", True),
        ("many.json", True),
        ("attachments.json", True),
        ("messages.jsonl", True),
        ("malformed.jsonl", True),
        ("chatgpt_export.json", False),
        ("no_messages.json", False),
        ("export.csv", False),
        ("garbage.json", False),
        ("empty.json", False),
        ("empty.jsonl", False),
        ("does-not-exist.json", False),
    ],
)
def test_detect(importer: GenericConversationImporter, name: str, expected: bool) -> None:
    assert importer.detect(DATA / name) is expected


def test_registered_through_the_plugin_hook() -> None:
    found = collect_importers(build_plugin_manager(load_entry_points=False))
    generic = found["generic"]
    assert isinstance(generic, GenericConversationImporter)
    assert isinstance(generic, Importer)
    assert generic.description


def _big_conversation(count: int) -> list[dict[str, object]]:
    return [
        {"id": f"m{i}", "speaker": "me", "timestamp": 1_700_000_000 + i, "text": f"message {i}"}
        for i in range(count)
    ]


def test_100k_messages_parse_quickly(tmp_path: Path) -> None:
    messages = _big_conversation(100_000)
    json_path = write(tmp_path, "big.json", {"id": "big", "messages": messages})
    jsonl_path = tmp_path / "big.jsonl"
    lines = (json.dumps({"conversation": "big", **m}) for m in messages)
    jsonl_path.write_text("\n".join(lines) + "\n", "utf-8")
    for path in (json_path, jsonl_path):
        started = time.perf_counter()
        count = sum(1 for _ in GenericConversationImporter().read(path))
        elapsed = time.perf_counter() - started
        assert count == 100_000
        assert elapsed < 5, f"{path.name}: {elapsed:.2f} s"
