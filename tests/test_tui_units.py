"""The TUI's parts without a screen: the search language, the outline, highlighting, the
service methods it added (whole-file save, timeline, change detection), the CLI command."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers.events import store_events

from amber.errors import ConflictError, InvalidInputError
from amber.events import EventDraft
from amber.service import MemoryService
from amber.store.outline import OutlineRow
from amber.tui.markdown_highlight import markdown_highlights
from amber.tui.outline import build_outline, find_folder
from amber.tui.search_query import FILTER_HELP, describe, parse_search
from amber.tui.widgets.entry_view import linkify

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_search_words_and_filters_are_split() -> None:
    request = parse_search('caroline berlin kind:fact path:People/Close since:"last may"', NOW)
    assert request.text == "caroline berlin"
    assert request.options.kind == "fact"
    assert request.options.paths == ("people/close",)
    assert request.options.since == datetime(2026, 5, 1, tzinfo=UTC)
    assert request.filters == {"kind": "fact", "path": "People/Close", "since": "last may"}
    assert describe(request) == "kind:fact  path:People/Close  since:last may"


def test_search_type_filter_and_plain_words() -> None:
    assert parse_search("ferry type:event", NOW).options.types == ("event",)
    plain = parse_search("what about kind of tea", NOW)
    assert plain.text == "what about kind of tea"
    assert not plain.filters
    assert describe(plain) == FILTER_HELP
    assert parse_search("kind:", NOW).filters == {}  # still being typed: not a filter yet
    assert parse_search("kind:fact", NOW).empty


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("x kind:fac", "not a kind"),
        ("x type:file", "not a type"),
        ("x since:soon", "date"),
        ("x path:../up", "leaves the tree"),
    ],
)
def test_unusable_filters_say_what_to_do(raw: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_search(raw, NOW)


def row(path: str, title: str = "", kind: str = "note") -> OutlineRow:
    return OutlineRow(path, path, title or path.rsplit("/", 1)[-1], kind)


def test_outline_counts_folders_and_reads_context_descriptions() -> None:
    described = {"people": "Friends and family"}
    root = build_outline(
        [
            row("people/ana.md"),
            row("people/work/ben.md"),
            row("people/work/cy.md"),
            row("_archive/people/old.md"),
            row("health/teeth.md"),
        ],
        lambda folder: described.get(folder, ""),
    )
    assert root.count == 5
    people = find_folder(root, "people")
    assert people is not None
    assert people.count == 3
    assert people.description == "Friends and family"
    assert [f.name for f in root.sorted_folders()] == ["health", "people", "_archive"]
    work = find_folder(root, "people/work")
    assert work is not None
    assert [e.title for e in work.sorted_entries()] == ["ben.md", "cy.md"]
    assert find_folder(root, "nowhere") is None


def test_markdown_highlights_cover_what_entries_hold() -> None:
    lines = [
        "---",
        "id: X",
        "---",
        "# Title",
        "Some **bold** `code` [[Ana]] [a](http://x)",
        "- item",
        "```",
        "# not a heading",
        "```",
        "é *it*",
    ]
    spans = markdown_highlights(lines)
    names = {row: {name for _, _, name in found} for row, found in spans.items()}
    assert names[1] == {"yaml.field"}
    assert names[3] == {"heading.marker", "heading"}
    assert {"bold", "inline_code", "link.label", "link.uri"} <= names[4]
    assert names[5] == {"list.marker"}
    assert names[7] == {"inline_code"}
    assert spans[9] == [(3, 7, "italic")]  # byte offsets: é is two bytes


def test_wikilinks_become_links_the_view_follows() -> None:
    assert linkify("knows [[Melanie]] and [[Ana Lima|Ana]]") == (
        "knows [Melanie](<amber:Melanie>) and [Ana](<amber:Ana Lima>)"
    )


def test_save_entry_text_writes_reindexes_and_audits(service: MemoryService) -> None:
    entry = service.remember("Caroline lives in Berlin", path="people")
    _, text = service.entry_text(entry.id)
    before = service.memory_version()
    saved = service.save_entry_text(entry.id, text.replace("Berlin", "Lisbon"), expected=text)
    assert "Lisbon" in saved.body
    assert service.recall("lisbon")[0].id == entry.id
    assert service.memory_version() != before
    assert service.audit_log(1)[0]["action"] == "edit"


def test_save_entry_text_refuses_to_overwrite_an_outside_edit(service: MemoryService) -> None:
    entry = service.remember("Caroline lives in Berlin", path="people")
    _, text = service.entry_text(entry.id)
    path = service.files.abspath(entry.path)
    path.write_text(text + "\nEdited elsewhere.\n")
    with pytest.raises(ConflictError, match="changed on disk"):
        service.save_entry_text(entry.id, text + "\nMine.\n", expected=text)
    assert "Edited elsewhere." in path.read_text()
    service.save_entry_text(entry.id, text + "\nMine.\n")  # overwrite, when asked to
    assert "Mine." in path.read_text()


def test_save_entry_text_redacts_the_body_and_refuses_empty(service: MemoryService) -> None:
    entry = service.remember("API notes", path="work")
    _, text = service.entry_text(entry.id)
    service.save_entry_text(entry.id, text + "\nkey: sk-ant-api03-" + "a" * 40 + "\n")
    stored = service.files.abspath(entry.path).read_text()
    assert "sk-ant-api03" not in stored
    assert "[REDACTED" in stored

    def frontmatter(whole: str) -> list[str]:  # `updated` is stamped anew on save
        head = whole.split("\n---\n")[0].splitlines()
        return [line for line in head if not line.startswith("updated:")]

    assert frontmatter(stored) == frontmatter(text)  # otherwise as written
    with pytest.raises(InvalidInputError, match="empty"):
        service.save_entry_text(entry.id, "  \n")


def test_recent_events_newest_first_by_source(service: MemoryService) -> None:
    drafts = [
        EventDraft(
            source=src,
            text=f"{src} {day}",
            uri="u",
            message_id=f"{src}{day}",
            timestamp=datetime(2024, 1, day, tzinfo=UTC),
        )
        for src, day in [("conversation", 1), ("screen", 3), ("conversation", 2)]
    ]
    store_events(service, drafts)
    assert [e.text for e in service.recent_events()] == [
        "screen 3",
        "conversation 2",
        "conversation 1",
    ]
    assert [e.text for e in service.recent_events("conversation", limit=1)] == ["conversation 2"]
    assert service.event_source_counts() == {"conversation": 2, "screen": 1}


def test_outline_rows_come_from_the_index(service: MemoryService) -> None:
    entry = service.remember("Tea: green, no sugar", path="preferences/food", kind="preference")
    [found] = service.outline()
    assert (found.id, found.path, found.kind) == (entry.id, entry.path, "preference")


@pytest.mark.integration
def test_amber_tui_needs_a_terminal(home, amber_cli) -> None:
    result = amber_cli("tui")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "amber: amber tui needs a terminal; for scripts use `amber recall`"
    )
    assert "terminal" in amber_cli("tui", "--help").stdout


def test_save_entry_text_stamps_updated_only_on_a_change(service: MemoryService) -> None:
    entry = service.remember("Caroline lives in Berlin", path="people")
    _, text = service.entry_text(entry.id)
    service.save_entry_text(entry.id, text)  # nothing changed: nothing written
    assert service.entry_text(entry.id)[1] == text
    stale = text.replace(f"updated: {entry.updated}", "updated: 2020-01-01T00:00:00Z")
    service.files.abspath(entry.path).write_text(stale)
    saved = service.save_entry_text(entry.id, stale.replace("Berlin", "Lisbon"))
    assert saved.updated
    assert saved.updated > "2020-01-01T00:00:00Z"
    plain = service.remember("plain", path="notes")
    service.files.abspath(plain.path).write_text("# A plain note\n")
    service.reconcile()
    note = service.get("notes/plain.md").entry
    service.save_entry_text(note.id, "# A plain note\n\nmore\n")
    assert service.files.abspath(note.path).read_text() == "# A plain note\n\nmore\n"
