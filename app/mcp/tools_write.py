"""Writing tools: remember, update_memory, forget_memory (absent with --read-only).

Every write lands inside the server's scope, names the agent in the entry's `sources`
(`agent:<client>`) and in the audit log (interface "mcp", detail {"client": ...}).
"""

from __future__ import annotations

import inspect
import logging
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from amber.errors import InvalidInputError, NotFoundError
from amber.mcp.results import NOT_FOUND, entry_uri
from amber.mcp.scope import Scope
from amber.mcp.state import AmberState, Lifespan, client_of, provenance_ref, using
from amber.mcp.tools_read import Kind
from amber.service import MemoryService
from amber.store.forget import Selection
from amber.tree.entry import Entry
from amber.trust import looks_like_instructions
from amber.writing.fields import title_from

log = logging.getLogger(__name__)
Ctx = Context[Lifespan, Any]
Tags = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=60)]] | None,
    Field(max_length=20, description="Short labels, e.g. ['database', 'testing']."),
]
MemoryId = Annotated[
    str, Field(min_length=1, max_length=300, description="The memory's id (from search).")
]
ADDITIVE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
OVERWRITES = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False
)
DELETES = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False
)
INSTRUCTION_WARNING = (
    "this text reads like instructions to an AI; it was stored as data and will be shown "
    "quoted to anyone who reads it back"
)


def remember(
    ctx: Ctx,
    text: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20_000,
            description="The memory, self-contained and specific: what is true or was "
            "decided, and why. Markdown is fine.",
        ),
    ],
    title: Annotated[
        str | None, Field(max_length=200, description="Short title (default: first line).")
    ] = None,
    path: Annotated[
        str | None,
        Field(max_length=200, description="Folder inside your scope (default: the scope)."),
    ] = None,
    kind: Annotated[Kind, Field(description="What sort of memory this is.")] = "note",
    tags: Tags = None,
) -> dict[str, Any]:
    """Save something worth knowing in later sessions to the user's long-term memory
    (Amber): a decision and its reason, a convention of this project, a preference the user
    stated, a fact that took effort to find out. Not for transient task state or whole
    files. Search first and use update_memory when a memory on the topic exists. Secrets
    (API keys, tokens, passwords) are redacted before anything is stored."""
    with using(ctx) as state:
        folder = state.scope.write_folder(path)
        client, version = client_of(ctx)
        with state.service.acting_for(_detail(client, version)):
            entry = state.service.remember(
                text,
                title=title,
                path=folder,
                kind=kind,
                tags=tags,
                sources=[provenance_ref(client)],
            )
    log.info("remember %s -> %s (for %s)", entry.id, entry.path, client)
    result: dict[str, Any] = {
        "id": entry.id,
        "title": entry.title,
        "path": entry.path,
        "kind": entry.kind,
        "uri": entry_uri(entry.id),
    }
    if looks_like_instructions(f"{entry.title}\n{entry.body}"):
        result["warning"] = INSTRUCTION_WARNING
    return result


def update_memory(
    ctx: Ctx,
    id: MemoryId,
    text: Annotated[
        str | None,
        Field(min_length=1, max_length=20_000, description="New full text (replaces it)."),
    ] = None,
    title: Annotated[
        str | None, Field(min_length=1, max_length=200, description="New title.")
    ] = None,
    kind: Annotated[Kind | None, Field(description="New kind.")] = None,
    tags: Tags = None,
    path: Annotated[
        str | None, Field(max_length=200, description="Move it to this folder in your scope.")
    ] = None,
) -> dict[str, Any]:
    """Correct or extend an existing memory instead of adding a near-duplicate: replace its
    text, retitle it, change its kind or tags, or move it to another folder. Give only what
    changes; its id stays the same. Read it with get_memory first: `text` replaces the whole
    text (and a title that was its first line)."""
    if all(v is None for v in (text, title, kind, tags, path)):
        raise ToolError("nothing to change: give text, title, kind, tags or path")
    with using(ctx) as state:
        current = _find(state, id)
        state.scope.check_write(current.path, id)
        # Everything is checked before anything is written: no half-applied update.
        destination = state.scope.write_folder(path) if path is not None else None
        body = _body(text)
        client, version = client_of(ctx)
        with state.service.acting_for(_detail(client, version)):
            entry = _change(
                state.service, current, body, title, kind, tags, destination, provenance_ref(client)
            )
    log.info("update %s (for %s)", entry.id, client)
    return {
        "id": entry.id,
        "title": entry.title,
        "path": entry.path,
        "kind": entry.kind,
        "tags": entry.tags,
        "updated": entry.updated,
        "uri": entry_uri(entry.id),
    }


def _change(
    service: MemoryService,
    current: Entry,
    body: str | None,
    title: str | None,
    kind: str | None,
    tags: list[str] | None,
    destination: str | None,
    agent: str,
) -> Entry:
    entry = current
    moving = destination is not None and destination != current.path.rpartition("/")[0]
    if moving:
        service.check_move(current.id, destination or "")  # before any write: all or nothing
    if title is None and body is not None and current.title == _derived(current.body):
        title = _derived(body)  # a title made from the old text follows the new one
    if any(v is not None for v in (body, title, kind, tags)):
        entry = service.update(
            current.id, title=title, body=body, kind=kind, tags=tags, add_sources=[agent]
        )
    if moving:
        entry = service.move(current.id, destination or "")
    return entry


def forget_memory(ctx: Ctx, id: MemoryId) -> dict[str, Any]:
    """Delete a memory for good: its file, its index rows and its search terms (a captured
    message, where you can see those, with what was distilled from it). Only for a memory
    that is wrong or that the user asked to forget; prefer update_memory to correct one.
    This cannot be undone."""
    with using(ctx) as state:
        try:
            current = _find(state, id)
        except NotFoundError:
            return _forget_event(state, ctx, id)
        state.scope.check_write(current.path, id)
        client, version = client_of(ctx)
        with state.service.acting_for(_detail(client, version)):
            forgotten = state.service.forget(current.id)
    log.info("forget %s (for %s)", forgotten, client)
    return {"forgotten": forgotten, "path": current.path}


def _forget_event(state: AmberState, ctx: Ctx, handle: str) -> dict[str, Any]:
    """Captured messages belong to no folder: only a global-scope server sees them, so only
    it may forget one (by its id or ref, one at a time)."""
    plan = state.service.forget_plan(Selection(handle=handle.strip()))
    if not state.scope.is_global or len(plan.events) != 1:
        raise NotFoundError(NOT_FOUND.format(handle=handle))
    client, version = client_of(ctx)
    with state.service.acting_for(_detail(client, version)):
        report = state.service.forget_events(plan)
    log.info("forget event %s (for %s)", plan.events[0].id, client)
    return {
        "forgotten": plan.events[0].id,
        "type": "event",
        "rewritten": report.rewritten,
        "removed": report.removed,
        "yours": report.yours,
        "review": report.proposed,
    }


def _find(state: AmberState, handle: str) -> Entry:
    try:
        # Out of scope is "not found": an agent learns nothing about the rest of the tree.
        return state.service.get(handle, within=state.scope.can_read).entry
    except NotFoundError:
        raise NotFoundError(NOT_FOUND.format(handle=handle)) from None


def _body(text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip():
        raise InvalidInputError("text is empty; to delete a memory use forget_memory")
    return text.strip() + "\n"


def _derived(text: str) -> str | None:
    return title_from(text) if text.strip() else None


def _detail(client: str, version: str) -> dict[str, object]:
    return {"client": client, "client_version": version} if version else {"client": client}


def register(server: MCPServer[Lifespan], scope: Scope) -> None:
    where = f"\n\nWrites land in: {scope.home + '/' if scope.home else 'any folder'}."
    for tool, hints in (
        (remember, ADDITIVE),
        (update_memory, OVERWRITES),
        (forget_memory, DELETES),
    ):
        doc = inspect.cleandoc(tool.__doc__ or "")
        server.add_tool(tool, description=doc + where, annotations=hints)
