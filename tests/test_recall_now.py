"""A reference time for recall: time phrases read against when a question was asked
(`--now`, a `now` field in `--queries` lines, the MCP `now` argument), all through
`recall_options`, with one error message for a bad date everywhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.events import store_events
from mcp import Client
from mcp.types import CallToolResult

from amber.errors import InvalidInputError
from amber.events import EventDraft
from amber.mcp.scope import Scope
from amber.mcp.server import ServerOptions, build_server
from amber.retrieval.request import RecallFilters, recall_options
from amber.service import MemoryService

QUESTION = "what did I buy last weekend?"
ASKED = "2023-05-30"  # a Tuesday: "last weekend" is 27-28 May 2023
BAD_NOW = "cannot read '2023-02-30' as the time the question is asked"


def _last_saturday_before(day: date) -> datetime:
    monday = day - timedelta(days=day.weekday() + 7)
    return datetime.combine(monday + timedelta(days=5), time(12), tzinfo=UTC)


@pytest.fixture
def purchases(service: MemoryService) -> dict[str, str]:
    """The same words said on two weekends: 27 May 2023, and the weekend before today."""
    said = {
        "kayak": (datetime(2023, 5, 27, 15, tzinfo=UTC), "Went shopping to buy a red kayak"),
        "tent": (_last_saturday_before(datetime.now(UTC).date()), "Went shopping to buy a tent"),
    }
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            conversation=f"shop-{name}",
            message_id="m1",
            author="me",
            timestamp=when,
        )
        for name, (when, text) in said.items()
    ]
    store_events(service, drafts)
    ids = {hit.snippet: hit.id for hit in service.recall("shopping", recall_options(_k(10)))}
    return {name: ids[text] for name, (_, text) in said.items()}


def _k(k: int, now: str = "") -> RecallFilters:
    return RecallFilters(k=k, now=now, channels="lexical")


def _ids(out: str) -> list[str]:
    return [hit["id"] for hit in json.loads(out)]


# -- the parser ------------------------------------------------------------------------------


def test_a_date_is_read_as_its_last_moment_and_a_time_as_given() -> None:
    assert recall_options(RecallFilters(now=ASKED)).now == datetime(
        2023, 5, 30, 23, 59, 59, 999999, tzinfo=UTC
    )
    at = recall_options(RecallFilters(now="2023-05-30T14:30+02:00")).now
    assert at == datetime(2023, 5, 30, 12, 30, tzinfo=UTC)
    assert recall_options(RecallFilters(now="2023-05-30 14:30")).now == datetime(
        2023, 5, 30, 14, 30, tzinfo=UTC
    )
    naive = recall_options(RecallFilters(now=datetime(2023, 5, 30, 9))).now
    assert naive == datetime(2023, 5, 30, 9, tzinfo=UTC)


def test_since_and_until_phrases_are_read_against_it_too() -> None:
    options = recall_options(RecallFilters(now=ASKED, since="last week", until="yesterday"))
    assert options.since == datetime(2023, 5, 22, tzinfo=UTC)
    assert options.until == datetime(2023, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2023-02-30", "yesterday", "30/05/2023", "2023-05", "0999-01-01"])
def test_a_bad_reference_time_is_one_clear_error(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="as the time the question is asked") as caught:
        recall_options(RecallFilters(now=bad))
    assert "2023-05-30T14:30" in str(caught.value)  # says what to write instead


# -- the CLI ---------------------------------------------------------------------------------


def test_recall_now_reads_last_weekend_from_the_question_date(
    purchases: dict[str, str],
) -> None:
    code, out, _ = amber("recall", QUESTION, "--now", ASKED, "-k", "1", "--json")
    assert code == 0
    assert _ids(out) == [purchases["kayak"]]
    code, out, _ = amber("recall", QUESTION, "-k", "1", "--json")  # asked today
    assert _ids(out) == [purchases["tent"]]


def test_ask_reads_time_phrases_against_now_as_well(purchases: dict[str, str]) -> None:
    code, out, _ = amber("ask", QUESTION, "--now", ASKED, "-k", "1", "--json")
    assert code == 0
    assert [hit["id"] for hit in json.loads(out)["evidence"]] == [purchases["kayak"]]


def test_a_bad_now_is_refused_before_anything_runs(home: Path) -> None:
    code, _, err = amber("recall", QUESTION, "--now", "2023-02-30")
    assert code == 2
    assert BAD_NOW in " ".join(err.split())
    code, _, err = amber("ask", QUESTION, "--now", "2023-02-30")
    assert code == 2
    assert BAD_NOW in " ".join(err.split())


def test_recall_now_in_a_real_process(purchases: dict[str, str], amber_cli) -> None:
    done = amber_cli("recall", QUESTION, "--now", ASKED, "-k", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert _ids(done.stdout) == [purchases["kayak"]]


# -- --queries -------------------------------------------------------------------------------


def test_each_query_line_may_carry_its_own_now(purchases: dict[str, str], tmp_path: Path) -> None:
    lines = [
        json.dumps({"query": QUESTION, "now": ASKED}),
        QUESTION,  # the command's own --now, here today
        json.dumps({"query": QUESTION}),
        "",
    ]
    queries = tmp_path / "q.txt"
    queries.write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = amber("recall", "--queries", str(queries), "-k", "1")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["query"] for a in answers] == [QUESTION] * 3
    assert [a["hits"][0]["id"] for a in answers] == [
        purchases[n] for n in ("kayak", "tent", "tent")
    ]
    code, out, _ = amber("recall", "--queries", str(queries), "-k", "1", "--now", ASKED)
    assert [json.loads(line)["hits"][0]["id"] for line in out.splitlines()] == [
        purchases["kayak"]
    ] * 3


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"query": "tent", "now": "2023-02-30"}', BAD_NOW),
        ('{"query": "tent", "now": 20230530}', "'now' must be text"),
        ('{"query": "tent", "date": "2023-05-30"}', "unknown field 'date'"),
        ('{"now": "2023-05-30"}', "no query"),
        ('{"query": "tent"', "not JSON"),
    ],
)
def test_a_bad_query_line_names_its_line_and_nothing_runs(
    home: Path, tmp_path: Path, line: str, says: str
) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text(f"tent\n{line}\n", encoding="utf-8")
    code, out, err = amber("recall", "--queries", str(queries))
    assert code == 2
    assert out == ""
    message = " ".join(err.split())
    assert "line 2:" in message
    assert says in message


# -- MCP -------------------------------------------------------------------------------------


async def _search(**arguments: object) -> CallToolResult:
    server = build_server(ServerOptions(scope=Scope(), watch=False))
    async with Client(server) as client:
        return await client.call_tool("search_memory", arguments)


@pytest.mark.anyio
async def test_search_memory_takes_now(purchases: dict[str, str]) -> None:
    asked = await _search(query=QUESTION, now=ASKED, k=1)
    assert [r["id"] for r in asked.structured_content["results"]] == [purchases["kayak"]]
    today = await _search(query=QUESTION, k=1)
    assert [r["id"] for r in today.structured_content["results"]] == [purchases["tent"]]
    bad = await _search(query=QUESTION, now="2023-02-30")
    assert bad.is_error
    _, _, err = amber("recall", QUESTION, "--now", "2023-02-30")
    told = bad.content[0].text.split(": ", 1)[1]  # after "Error executing tool ...: "
    assert told == " ".join(err.split()).removeprefix("amber: ")  # the CLI's message
    assert told.startswith(BAD_NOW)
