"""Codex CLI session logs: messages, calls paired with their output by call_id, the older
unwrapped shape, and the preambles and duplicate UI events left out."""

from __future__ import annotations

from pathlib import Path

from helpers.importing import read_all

from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.codex import CodexImporter
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "exports" / "codex"
SESSION = "019a2d7a-41c4-78b1-b7cc-a45d62a89cd5"
ROLLOUT = DATA / "2025" / "10" / "29" / f"rollout-2025-10-29T00-59-38-{SESSION}.jsonl"
LEGACY = next((DATA / "2025" / "04" / "18").glob("rollout-*.jsonl"))


def test_session_messages_and_calls() -> None:
    drafts, report = read_all(CodexImporter(), ROLLOUT)
    assert [(d.author, d.message_id[:5]) for d in drafts] == [
        ("user", "m-372"),
        ("tool", "call_"),
        ("tool", "call_"),
        ("tool", "call_"),
        ("tool", "searc"),
        ("assistant", "m-4e9"),
        ("summary", "summa"),
        ("tool", "call_"),
    ]
    assert {d.conversation for d in drafts} == {SESSION}
    assert drafts[0].title == "Why does `make bake-report` print an empty table on Mondays?"
    assert drafts[5].meta == {"model": "gpt-5-codex", "cwd": "/home/ana/src/bakery"}
    assert report.skipped == []
    assert report.ignored == {
        "session_meta record": 1,
        "instructions and environment": 3,
        "event_msg record": 5,
        "turn_context record": 1,
        "reasoning": 1,
    }


def test_calls_are_paired_with_output_and_exit_codes() -> None:
    drafts, _ = read_all(CodexImporter(), ROLLOUT)
    calls = {d.message_id: d for d in drafts if d.author == "tool"}
    rg = calls["call_Xq8Lm2Vn5Rt9Wz3Yb6Cd1Fg4"]
    assert rg.text.startswith(
        'shell: rg -n "weekday" bakery/report.py\nworkdir: /home/ana/src/bakery'
    )
    assert "--- result ---\n42:    start = today - timedelta" in rg.text
    assert rg.meta["exit_code"] == 0
    assert "is_error" not in rg.meta
    make = calls["call_Zx4Cv7Bn1Ml0Kj3Hg5Fd8Sa2"]
    assert "--- result (error) ---\nExit code: 2" in make.text
    assert make.meta["exit_code"] == 2
    patch = calls["call_Pb7Nq2Lx9Rt4Kw8Zp3Jd6Hs1"]
    assert patch.text.startswith("apply_patch: *** Begin Patch")
    assert "Success. Updated" in patch.text
    assert calls["call_NoOutput0000000000000001"].meta["result"] == "missing"
    search = next(d for k, d in calls.items() if k.startswith("search-"))
    assert search.text == "web_search: python timedelta weekday monday start of week"


def test_older_unwrapped_logs() -> None:
    drafts, report = read_all(CodexImporter(), LEGACY)
    assert [d.author for d in drafts] == ["user", "tool", "assistant"]
    assert {d.conversation for d in drafts} == {"5973b6c0-94b8-487b-a530-2aeb6098ae0e"}
    assert (
        drafts[1].text == "shell: rg -l tray_state\n--- result ---\nbakery/oven.py\nbakery/trays.py"
    )
    assert drafts[2].message_id == "msg_67fb2"
    assert [why for _, why in report.skipped] == [
        "unknown record type 'vendor_extension_item' (a newer Codex?)"
    ]


def test_detection_and_idempotent_import(service: MemoryService) -> None:
    importers = available_importers(False)
    assert choose_importer(ROLLOUT, importers, None).name == "codex"
    assert choose_importer(LEGACY, importers, None).name == "codex"
    assert import_file(service.db, ROLLOUT, CodexImporter(), "test").added == 8
    assert import_file(service.db, ROLLOUT, CodexImporter(), "test").added == 0
    hit = service.recall("Monday report range empty")[0]
    assert hit.sources[0].source == "codex"
