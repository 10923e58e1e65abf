"""`amber recall` (alias `search`): zero-LLM recall with filters and a stable JSON contract.

JSON contract (`--json`): a list of hits, each
`{id, type: "entry"|"event", title, path, snippet, score, channels, kind, timestamp, trust,
superseded, match: "strong"|"weak", sources: [{event, source, uri, conversation, message_id,
timestamp}]}`. `match` says how well a hit matches (amber.retrieval.relevance); with an embed
model, a query that matches nothing strongly returns no hits.
With `--queries FILE`: one JSON object per input line, `{"query": ..., "hits": [...]}`; a
line is a query, or `{"query": ..., "now": "2023-05-30"}` (cli/query_lines.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, hits_table, print_json, print_json_line
from amber.cli.query_lines import QueryLine, read_query_lines
from amber.errors import InvalidInputError
from amber.retrieval.recall import MAX_K, RecallOptions
from amber.retrieval.request import RecallFilters, recall_options

NOW_HELP = "Read time phrases as if asked then: 2023-05-30 or 2023-05-30T14:30 (UTC)."


def recall(
    query: Annotated[str | None, typer.Argument(help="What to look for.")] = None,
    k: Annotated[int, typer.Option("-k", help=f"How many hits (1-{MAX_K}).")] = 10,
    path: Annotated[str, typer.Option(help="Only entries under this tree folder.")] = "",
    kind: Annotated[str, typer.Option(help="Only this kind (fact, note, ..., event).")] = "",
    source: Annotated[str, typer.Option(help="Only this source (conversation, file...).")] = "",
    since: Annotated[str, typer.Option(help="From this date: 2023-05-01, 'last may'.")] = "",
    until: Annotated[str, typer.Option(help="Before this date.")] = "",
    type_: Annotated[str, typer.Option("--type", help="all, entry or event.")] = "all",
    channels: Annotated[
        str, typer.Option(help="lexical, vector or hybrid (vector needs an embed model).")
    ] = "hybrid",
    all_: Annotated[bool, typer.Option("--all", help="Include archived entries.")] = False,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Memory as it stood on this date (2023-12-31).")
    ] = "",
    now: Annotated[str, typer.Option("--now", help=NOW_HELP)] = "",
    queries: Annotated[
        Path | None,
        typer.Option(
            help="Answer one query per line of this file ('-': stdin); a line may be "
            '{"query": "...", "now": "2023-05-30"}.'
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find memories: exact names, full-text BM25, time phrases ("last May"), filters."""
    filters = RecallFilters(
        k=k,
        paths=(path,) if path else (),
        kind=kind,
        source=source,
        since=since,
        until=until,
        type=type_,
        channels=channels,
        include_archived=all_,
        as_of=as_of,
        now=now,
    )
    options = recall_options(filters)
    if queries is None and not (query and query.strip()):
        raise InvalidInputError("give a query, or --queries FILE with one query per line")
    if queries is not None:
        _answer_lines(_with_options(read_query_lines(queries), filters, options, queries))
        return
    with memory() as service:
        hits = service.recall(query or "", options)
    if as_json:
        print_json(hits)
    elif hits:
        console.print(hits_table(query or "", hits))
    else:
        console.print("No memories match. Try fewer words, or `amber tree` to browse.")


def _with_options(
    lines: list[QueryLine], filters: RecallFilters, options: RecallOptions, source: Path
) -> list[tuple[str, RecallOptions]]:
    """Each query with its options: a line's own `now` goes through the same parser as
    `--now`, and a bad one names its line before any query runs."""
    paired = []
    for line in lines:
        try:
            own = recall_options(replace(filters, now=line.now)) if line.now else options
        except InvalidInputError as exc:
            raise InvalidInputError(f"{source} line {line.number}: {exc}") from None
        paired.append((line.query, own))
    return paired


def _answer_lines(paired: list[tuple[str, RecallOptions]]) -> None:
    with memory() as service:
        for query, options in paired:
            print_json_line({"query": query, "hits": service.recall(query, options)})


def register(app: typer.Typer) -> None:
    app.command()(recall)
    app.command("search", help="Same as `amber recall`.")(recall)
