"""Entries as MCP resources: `amber://entry/{id}` reads one as markdown, and
`resources/list` lists those the agent may read, a page at a time, in path order.

A page ends with a cursor naming the last path it listed, so paging goes on where it
stopped while entries are added or removed meanwhile: nothing is listed twice, and
nothing that stayed is skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, ListResourcesResult, Resource
from mcp.types.version import MODERN_PROTOCOL_VERSIONS

from amber.errors import AmberError, NotFoundError
from amber.mcp.results import entry_result, entry_uri, safe_title
from amber.mcp.state import Lifespan, LockedMemory
from amber.store.outline import OutlineRow

PAGE_SIZE = 100
# Resource not found: -32002, as the 2025-11-25 specification (and those before it)
# suggests; from 2026-07-28 on it is -32602, invalid params, with the uri in `data`.
RESOURCE_NOT_FOUND = -32002
MARKDOWN = "text/markdown"


def list_page(state: Lifespan, cursor: str | None) -> ListResourcesResult:
    """One page of the entries this server's scope can read (none while memory is locked:
    the instructions and every tool say why)."""
    if isinstance(state, LockedMemory):
        return ListResourcesResult(resources=[])
    after = decode_cursor(cursor) if cursor else ""
    with state.lock:
        rows = state.service.outline_page(after, PAGE_SIZE + 1, state.scope.readable)
    page = rows[:PAGE_SIZE]
    resources = [_resource(row) for row in page if state.scope.can_read(row.path)]
    more = len(rows) > PAGE_SIZE
    return ListResourcesResult(
        resources=resources, next_cursor=encode_cursor(page[-1].path) if more else None
    )


def _resource(row: OutlineRow) -> Resource:
    folder = row.path.rpartition("/")[0]
    return Resource(
        uri=entry_uri(row.id),
        name=row.path,
        title=safe_title(row.title),
        description=f"{row.kind} in {folder}/" if folder else row.kind,
        mime_type=MARKDOWN,
    )


def encode_cursor(after: str) -> str:
    raw = json.dumps({"after": after}, ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_cursor(cursor: str) -> str:
    """The path a cursor continues after; a cursor this server did not give is an error."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        after = data["after"]
    except (binascii.Error, UnicodeError, ValueError, TypeError, KeyError) as exc:
        raise MCPError(
            code=INVALID_PARAMS,
            message="this cursor was not given by Amber's resources/list; list again "
            "without a cursor",
        ) from exc
    if not isinstance(after, str):
        raise MCPError(code=INVALID_PARAMS, message="the cursor names no position; list again")
    return after


def read_entry(id: str, ctx: Context[Lifespan, Any]) -> str:
    """amber://entry/{id}: the entry as markdown, with provenance and trust up front."""
    state: Lifespan = ctx.request_context.lifespan_context
    if isinstance(state, LockedMemory):
        raise ResourceError(state.message)
    with state.lock:
        try:
            view = state.service.get(id, within=state.scope.can_read)
            item = entry_result(state.service, view)
        except NotFoundError as exc:
            raise ResourceNotFoundError(
                f"no memory '{id}' that this server can read; resources/list lists them"
            ) from exc
        except AmberError as exc:
            raise ResourceError(str(exc)) from exc
    return render_markdown(item)


def render_markdown(item: dict[str, Any]) -> str:
    text = item.pop("text", "")
    fields = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
    return f"---\n{fields}\n---\n{text}\n"


def not_found(uri: str, message: str, protocol_version: str | None) -> MCPError:
    """The protocol error for a resource that does not exist, in the code the client's
    protocol version asks for, with the uri in `data`."""
    modern = protocol_version in MODERN_PROTOCOL_VERSIONS
    code = INVALID_PARAMS if modern else RESOURCE_NOT_FOUND
    return MCPError(code=code, message=message, data={"uri": uri})


def unknown_uri_message(uri: str) -> str:
    return (
        f"no resource '{uri[:200]}': Amber's resources are amber://entry/<id>, listed by "
        "resources/list"
    )
