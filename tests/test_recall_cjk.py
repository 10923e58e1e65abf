"""Scripts written without spaces (Chinese, Japanese, Korean particles, Thai): a word inside
a longer run is found, through the character-pair table beside the ordinary index, for
events and entries, and the index keeps it in step with every change."""

from __future__ import annotations

import json

import pytest
from helpers.cli import amber
from helpers.events import store_events

from amber.cjk import index_text, run_expressions, runs, split_terms
from amber.events import EventDraft
from amber.retrieval import unspaced
from amber.retrieval.recall import RecallOptions
from amber.retrieval.snippets import make_snippet
from amber.service import MemoryService
from amber.store.forget import Selection
from amber.store.migrations import migrate

LEXICAL = RecallOptions(k=10, mode="lexical")
SAID = {
    "ja": "昨日アプリのアップデートをリリースしました",
    "zh": "我们下周在北京开会讨论明年的预算",
    "ko": "내일 회의에서 예산을 논의합니다",
    "th": "วันนี้ฉันไปตลาดกับแม่",
    "mixed": "Python 3.12のアップデートで起動が速くなった",
    "apple": "アップルパイを焼いた",
    "latin": "The update of the garden shed is done",
}


@pytest.fixture
def said(service: MemoryService) -> dict[str, str]:
    """Each text as one message of its own conversation; returns name -> event id."""
    drafts = [
        EventDraft(source="conversation", text=text, conversation=name, message_id="m1")
        for name, text in SAID.items()
    ]
    store_events(service, drafts)
    return {name: service.get_event(f"conversation:{name}#m1").id for name in SAID}


def _found(service: MemoryService, query: str, options: RecallOptions = LEXICAL) -> list[str]:
    return [hit.id for hit in service.recall(query, options)]


# -- tokens ----------------------------------------------------------------------------------


def test_runs_become_overlapping_pairs_each_run_closed_by_its_last_character() -> None:
    assert index_text("アップデート") == "アッ ップ プデ デー ート ト"
    assert index_text("東京・大阪 and 서울") == "東京 京 大阪 阪 서울 울"  # ・ separates
    assert index_text("plain English, café") == ""
    assert runs("ｱｯﾌﾟﾃﾞｰﾄ") == ["アップデート"]  # half-width kana, NFKC
    assert index_text("ไปตลาด") == "ไป ปต ตล ลา าด ด"
    assert index_text("ที่") == "ที ี่ ่"  # Thai marks stay in their pairs


def test_query_terms_are_split_between_the_two_indexes() -> None:
    spaced, unspaced = split_terms(["python", "iphone15のバッテリー", "回顾"])
    assert spaced == ["python", "iphone15"]
    assert unspaced == ["のバッテリー", "回顾"]
    assert run_expressions("京") == ['"京" *']
    assert run_expressions("東京") == ['"東京"']
    assert run_expressions("東京都") == ['"東京 京都"', '"東京"', '"京都"']


# -- recall ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("アプリ", "ja"),  # Japanese: a word inside a sentence without spaces
        ("リリース", "ja"),
        ("北京", "zh"),  # Chinese, two characters
        ("预算", "zh"),
        ("회의", "ko"),  # Korean: the word without its particle (회의에서)
        ("예산", "ko"),
        ("ตลาด", "th"),  # Thai
    ],
)
def test_a_word_inside_a_run_is_found(
    said: dict[str, str], service: MemoryService, query: str, name: str
) -> None:
    assert _found(service, query)[0] == said[name]


def test_a_one_character_query_is_found_anywhere_in_a_run(
    said: dict[str, str], service: MemoryService
) -> None:
    assert _found(service, "京") == [said["zh"]]  # inside 北京
    assert said["ja"] in _found(service, "た")  # the last character of a run


def test_a_pair_too_common_to_rank_lists_its_newest_matches(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unspaced, "RANK_BUDGET", 2)
    said = [f"第{n}回の会議" for n in "一二三四"]
    store_events(service, [EventDraft(source="note", text=t, message_id=t) for t in said])
    hits = service.recall("会議", LEXICAL)
    assert [hit.snippet for hit in hits] == said[::-1]  # every match, the newest first


def test_the_whole_word_ranks_above_a_shared_part(
    said: dict[str, str], service: MemoryService
) -> None:
    found = _found(service, "アップデート")
    assert set(found[:2]) == {said["ja"], said["mixed"]}
    assert said["apple"] not in found[:2]  # shares only アップ


def test_mixed_latin_and_cjk_query_and_text(said: dict[str, str], service: MemoryService) -> None:
    assert _found(service, "python アップデート")[0] == said["mixed"]
    assert _found(service, "python")[0] == said["mixed"]
    assert _found(service, "update")[0] == said["latin"]  # Latin ranking untouched


def test_a_question_finds_the_words_it_shares(said: dict[str, str], service: MemoryService) -> None:
    assert _found(service, "アップデートはいつリリースしましたか")[0] == said["ja"]
    assert _found(service, "明年预算是多少")[0] == said["zh"]


def test_no_cjk_words_in_common_is_no_match(said: dict[str, str], service: MemoryService) -> None:
    assert _found(service, "東京タワー") == []


def test_entries_are_found_and_filtered_like_events(service: MemoryService) -> None:
    entry = service.remember("東京の天気予報：明日は晴れ", path="notes/天気", title="天気予報")
    store_events(service, [EventDraft(source="conversation", text="東京は雨", message_id="x")])
    assert _found(service, "天気")[0] == entry.id
    assert _found(service, "東京", RecallOptions(mode="lexical", types=("entry",))) == [entry.id]
    assert _found(service, "東京", RecallOptions(mode="lexical", paths=("notes",))) == [entry.id]
    assert _found(service, "東京", RecallOptions(mode="lexical", paths=("people",))) == []
    assert len(_found(service, "東京", LEXICAL)) == 2


def test_a_long_run_has_a_snippet_around_the_match() -> None:
    text = "前置き" * 100 + "ここでアップデートの話" + "後書き" * 100
    snippet = make_snippet(text, ["アップデート"])
    assert "アップデート" in snippet
    assert len(snippet) < 200
    assert snippet.startswith("…") and snippet.endswith("…")


def test_cli_recall_finds_a_katakana_word_inside_a_run(said: dict[str, str]) -> None:
    code, out, _ = amber("recall", "アップデート", "--json", "--channels", "lexical")
    assert code == 0
    assert {hit["id"] for hit in json.loads(out)[:2]} == {said["ja"], said["mixed"]}


# -- keeping the pair table in step ----------------------------------------------------------


def _pair_rows(service: MemoryService) -> int:
    return service.db.one("SELECT count(*) FROM search_cjk")[0]


def test_latin_text_adds_no_pair_rows(service: MemoryService) -> None:
    service.remember("Dentist on Tuesdays", path="health")
    store_events(service, [EventDraft(source="conversation", text="Plain words", message_id="a")])
    assert _pair_rows(service) == 0


def test_edits_moves_and_forgetting_update_the_pair_rows(service: MemoryService) -> None:
    entry = service.remember("会議は金曜日に移動", path="work", title="会議")
    assert _found(service, "金曜") == [entry.id]
    service.update(entry.id, body="会議は月曜日に移動")
    assert _found(service, "金曜") == []
    assert _found(service, "月曜") == [entry.id]
    service.move(entry.id, "later/work")
    assert _found(service, "月曜", RecallOptions(mode="lexical", paths=("later",))) == [entry.id]
    service.forget(entry.id)
    assert _found(service, "月曜") == []
    store_events(service, [EventDraft(source="conversation", text="秘密の暗号", message_id="s")])
    secret = _found(service, "暗号")
    assert len(secret) == 1
    service.forget_events(service.forget_plan(Selection(handle=secret[0])))
    assert _found(service, "暗号") == []
    assert _pair_rows(service) == 0


def test_reindex_rebuilds_the_pair_rows(said: dict[str, str], service: MemoryService) -> None:
    entry = service.remember("東京の天気", path="notes")
    before = _pair_rows(service)
    service.reindex()
    assert _pair_rows(service) == before
    assert _found(service, "天気") == [entry.id]
    assert _found(service, "北京")[0] == said["zh"]


def test_the_migration_fills_the_pair_table_of_an_older_home(service: MemoryService) -> None:
    """A home from before m0010: CJK text was indexed by the ordinary table only."""
    entry = service.remember("新しい予定表", path="notes", title="予定")
    store_events(service, [EventDraft(source="conversation", text="北京开会", message_id="b")])
    with service.db.write() as conn:
        conn.execute("DROP TABLE search_cjk")
        conn.execute("DELETE FROM schema_migrations WHERE name = 'm0010_search_cjk'")
    assert migrate(service.db) == ["m0010_search_cjk"]
    assert _found(service, "予定表") == [entry.id]
    assert len(_found(service, "开会")) == 1
    assert _pair_rows(service) == 2
