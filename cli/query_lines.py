"""The input of `amber recall --queries FILE`: one query per line, as plain text, or as a
JSON object that also says when the question is asked:

    what did I buy last weekend?
    {"query": "what did I buy last weekend?", "now": "2023-05-30"}

A line that starts with `{` is JSON. Every line is read and checked before any query runs,
so a mistake on line 900 costs no output, and names its line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from amber.cli.output import read_stdin
from amber.errors import InvalidInputError

FIELDS = ("query", "now")
SHAPE = '{"query": "...", "now": "2023-05-30"}'


@dataclass(frozen=True)
class QueryLine:
    number: int
    query: str
    now: str = ""  # the line's reference time as written; "": the command's own


def read_query_lines(source: Path) -> list[QueryLine]:
    """The queries of a file ('-': standard input), blank lines left out."""
    text = _read(source)
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    return [_parse(source, n, line) for n, line in lines if line]


def _read(source: Path) -> str:
    if str(source) == "-":
        return read_stdin()
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read queries from {source}: {exc}") from exc


def _parse(source: Path, number: int, line: str) -> QueryLine:
    if not line.startswith("{"):
        return QueryLine(number, line)
    where = f"{source} line {number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{where}: not JSON ({exc.msg}); write {SHAPE}") from None
    if not isinstance(item, dict):
        raise InvalidInputError(f"{where}: not a JSON object; write {SHAPE}")
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise InvalidInputError(f"{where}: unknown field {unknown[0]!r}; a line holds {SHAPE}")
    query, now = item.get("query"), item.get("now", "")
    if not isinstance(query, str) or not query.strip():
        raise InvalidInputError(f"{where}: no query; write {SHAPE}")
    if not isinstance(now, str):
        raise InvalidInputError(f"{where}: 'now' must be text such as \"2023-05-30\"")
    return QueryLine(number, query.strip(), now.strip())
