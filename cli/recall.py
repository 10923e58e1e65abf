"""`amber recall` (alias `search`): zero-LLM recall with filters and a stable JSON contract.

JSON contract (`--json`): a list of hits, each
`{id, type: "entry"|"event", title, path, snippet, score, channels, kind, timestamp, trust,
superseded, match: "strong"|"weak", sources: [{event, source, uri, conversation, message_id,
timestamp}]}`. `match` says how well a hit matches (amber.retrieval.relevance); with an embed
model, a query that matches nothing strongly returns no hits.
With `--queries FILE`: one JSON object per input line, `{"query": ..., "hits": [...]}`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amber.cli.context import memory
from amber.cli.output import console, hits_table, print_json, print_json_line, read_stdin
from amber.errors import InvalidInputError
from amber.retrieval.recall import MAX_K
from amber.retrieval.request import RecallFilters, recall_options


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
    queries: Annotated[
        Path | None, typer.Option(help="Answer one query per line of this file ('-': stdin).")
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
    )
    options = recall_options(filters)
    if queries is None and not (query and query.strip()):
        raise InvalidInputError("give a query, or --queries FILE with one query per line")
    with memory() as service:
        if queries is not None:
            for line in _query_lines(queries):
                print_json_line({"query": line, "hits": service.recall(line, options)})
            return
        hits = service.recall(query or "", options)
    if as_json:
        print_json(hits)
    elif hits:
        console.print(hits_table(query or "", hits))
    else:
        console.print("No memories match. Try fewer words, or `amber tree` to browse.")


def _query_lines(queries: Path) -> list[str]:
    if str(queries) == "-":
        text = read_stdin()
    else:
        try:
            text = queries.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"cannot read queries from {queries}: {exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]


def register(app: typer.Typer) -> None:
    app.command()(recall)
    app.command("search", help="Same as `amber recall`.")(recall)
