"""Zero-LLM digests (a chat with an assistant, a day of screen text) and the commands
around the distiller: distill, log, undo. Conversations between people become episodes
and people pages instead: tests/test_distill_pages.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from helpers.cli import amber
from helpers.events import store_events

from amber.distill import Distiller
from amber.distill.keywords import keywords, names
from amber.events import EventDraft
from amber.importing import available_importers, import_file
from amber.service import MemoryService

DAY = "2026-05-08T10:0"
MESSAGES = [
    ("m1", "user", DAY + "0:00Z", "We adopted a greyhound called Biscuit from the shelter"),
    (
        "m2",
        "assistant",
        DAY + "1:00Z",
        "Lovely! Is Biscuit good with cats? Bring Biscuit to Lisbon",
    ),
    ("m3", "user", DAY + "2:00Z", "Yes, and the greyhound sleeps all day on the sofa"),
    ("m4", "assistant", DAY + "3:00Z", "ok"),
]


def conversation_file(tmp_path: Path, messages: list[tuple[str, str, str, str]]) -> Path:
    path = tmp_path / f"chat-{len(messages)}.json"
    rows = [{"id": i, "speaker": s, "timestamp": t, "text": x} for i, s, t, x in messages]
    path.write_text(json.dumps({"id": "dogs", "title": "Dog news", "messages": rows}))
    return path


def import_messages(service: MemoryService, path: Path) -> None:
    import_file(service.db, path, available_importers(False)["generic"], "test")


def test_a_conversation_becomes_one_digest_linking_its_events(
    service: MemoryService, tmp_path: Path
) -> None:
    import_messages(service, conversation_file(tmp_path, MESSAGES))
    report = Distiller(service.distill_parts()).run()
    assert (report.events, report.digested, report.model) == (4, 1, None)
    [hit] = service.recall("greyhound", _entries())
    entry = service.get(hit.id).entry
    assert entry.title == "Dog news"
    assert entry.path == "conversations/2026_05/dog-news.md"
    assert entry.sources == [f"conversation:dogs#m{i}" for i in range(1, 5)]
    assert "greyhound" in entry.tags
    assert "biscuit" in entry.tags
    assert "Names: Biscuit, Lisbon" in entry.body
    assert "between user, assistant: 4 messages" in entry.body
    assert "- 2026-05-08 user: We adopted a greyhound" in entry.body
    assert "(conversation:dogs#m1)" in entry.body
    assert "ok (conversation" not in entry.body
    assert entry.valid_from == "2026-05-08"
    assert [s.message_id for s in service.get(hit.id).sources] == ["m1", "m2", "m3", "m4"]


def _entries() -> object:
    from amber.retrieval.recall import RecallOptions

    return RecallOptions(types=("entry",), mode="lexical")


def test_new_messages_extend_the_digest_in_place(service: MemoryService, tmp_path: Path) -> None:
    import_messages(service, conversation_file(tmp_path, MESSAGES[:2]))
    Distiller(service.distill_parts()).run()
    first = service.get("Dog news").entry
    import_messages(service, conversation_file(tmp_path, MESSAGES))
    report = Distiller(service.distill_parts()).run()
    assert (report.events, report.digested) == (2, 1)
    updated = service.get("Dog news").entry
    assert updated.id == first.id
    assert updated.path == first.path
    assert len(updated.sources) == 4
    assert service.entry_count() == 1


def test_a_digest_a_person_edited_is_continued_not_changed(
    service: MemoryService, tmp_path: Path
) -> None:
    import_messages(service, conversation_file(tmp_path, MESSAGES[:2]))
    Distiller(service.distill_parts()).run()
    path = service.config.tree_dir / service.get("Dog news").entry.path
    path.write_text(path.read_text() + "\nMy note: Biscuit is 3 years old.\n")
    service.reconcile()
    mine = path.read_bytes()
    import_messages(service, conversation_file(tmp_path, MESSAGES))
    Distiller(service.distill_parts()).run()
    assert path.read_bytes() == mine
    continued = service.get("Dog news (continued)").entry
    assert continued.sources == ["conversation:dogs#m3", "conversation:dogs#m4"]


def test_sources_without_conversations_get_a_digest_per_day(service: MemoryService) -> None:
    def screen(text: str, day: int, hour: int) -> EventDraft:
        when = datetime(2026, 6, day, hour, tzinfo=UTC)
        return EventDraft(source="screen", text=text, uri="screen://main", timestamp=when)

    drafts = [
        screen("Quarterly budget spreadsheet open in the editor", 1, 9),
        screen("Budget review meeting notes for the quarterly plan", 1, 15),
        screen("Flight booking to Oslo confirmation page", 2, 11),
    ]
    store_events(service, drafts)
    report = Distiller(service.distill_parts()).run()
    assert report.digested == 2
    titles = sorted(h.title for h in service.recall("budget flight", _entries()))
    assert titles[0].startswith("Screen 2026-06-01: budget, quarterly")
    assert titles[1].startswith("Screen 2026-06-02")
    assert service.get(titles[0]).entry.path.startswith("screen/2026_06/")


def test_digesting_the_same_events_again_changes_nothing(
    service: MemoryService, tmp_path: Path
) -> None:
    import_messages(service, conversation_file(tmp_path, MESSAGES))
    Distiller(service.distill_parts()).run()
    tree = service.config.tree_dir
    before = {p: p.read_bytes() for p in tree.rglob("*.md")}
    again = Distiller(service.distill_parts()).run(again=True)
    assert (again.events, again.digested, again.unchanged) == (4, 0, 1)
    assert {p: p.read_bytes() for p in tree.rglob("*.md")} == before


def test_distill_log_and_undo_commands(home: Path, tmp_path: Path) -> None:
    with MemoryService.open(home) as service:
        import_messages(service, conversation_file(tmp_path, MESSAGES))
    code, out, _ = amber("distill", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["digested"] == 1
    assert report["model"] is None
    code, out, _ = amber("log", "--json")
    [op] = json.loads(out)
    assert op["action"] == "digest"
    assert op["detail"]["events"] == 4
    assert "restore" not in out
    code, out, _ = amber("log", op["id"], "--json")
    assert json.loads(out)["events"][0]["ref"] == "conversation:dogs#m1"
    assert amber("recall", "greyhound", "--type", "entry", "--json")[1].count('"id"') == 1
    code, out, _ = amber("undo", op["id"][:12])
    assert code == 0
    assert "Undid digest" in out
    assert json.loads(amber("recall", "greyhound", "--type", "entry", "--json")[1]) == []
    assert json.loads(amber("log", "--json")[1])[0]["undone_at"]
    assert amber("undo", op["id"])[0] == 2  # already undone: a one-line error


def test_distill_summary_and_undo_run(home: Path, tmp_path: Path) -> None:
    with MemoryService.open(home) as service:
        import_messages(service, conversation_file(tmp_path, MESSAGES))
    code, out, _ = amber("distill")
    assert code == 0
    assert "4 events without a model: 1 digest" in out
    run_id = out.split("amber undo --run ")[1].split()[0]
    code, out, _ = amber("undo", "--run", run_id)
    assert code == 0
    assert out.startswith("Undid digest")
    assert amber("undo")[0] == 2
    assert amber("distill", "--limit", "0")[0] == 2


def test_keywords_weigh_rare_words_and_names_skip_sentence_starts() -> None:
    texts = ["Booked the flat in Lisbon near the river", "The flat has a river view, Ana says"]
    rare = {"lisbon": 1, "flat": 50, "river": 2, "view": 40}
    found = keywords(texts, lambda w: rare.get(w, 10), 100, top=3)
    assert found[0] == "river"
    assert "flat" not in found[:1]
    assert names(texts, {"Ana"}) == ["Lisbon", "Ana"]
    assert names(["Caroline moved to Berlin.", "I met Caroline there."]) == ["Caroline", "Berlin"]
