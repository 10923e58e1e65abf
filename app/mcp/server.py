"""The MCP server: its lifespan owns the MemoryService (and a tree watcher that keeps the
index in step with edits made while it runs); tools and resources read it through the
lifespan's state. stdout belongs to the protocol: everything else logs to stderr."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from amber import __version__
from amber.errors import AmberError, NotFoundError
from amber.freshness import start_scan_needed
from amber.mcp import tools_read, tools_write
from amber.mcp.results import DATA_NOTE, ENTRY_URI, NOT_FOUND, entry_result
from amber.mcp.scope import Scope
from amber.mcp.state import AmberState
from amber.service import MemoryService
from amber.watcher import TreeWatcher

log = logging.getLogger(__name__)
OpenService = Callable[[], MemoryService]


@dataclass(frozen=True)
class ServerOptions:
    scope: Scope = field(default_factory=Scope)
    read_only: bool = False
    watch: bool = True  # run a tree watcher while serving (off in most tests)
    name: str = "amber"


def open_for_mcp() -> MemoryService:
    """The user's memory, opened for an agent. No passphrase prompt: stdin is the protocol,
    so the key comes from the OS keyring or AMBER_PASSPHRASE."""
    return MemoryService.open(interface="mcp")


def build_server(
    options: ServerOptions | None = None, open_service: OpenService = open_for_mcp
) -> MCPServer[AmberState]:
    options = options or ServerOptions()
    server: MCPServer[AmberState] = MCPServer(
        options.name,
        title="Amber memory",
        instructions=instructions(options),
        version=__version__,
        lifespan=_lifespan(options, open_service),
    )
    tools_read.register(server, options.scope)
    if not options.read_only:
        tools_write.register(server, options.scope)
    server.resource(
        ENTRY_URI,
        name="entry",
        title="Amber memory entry",
        description="One memory as markdown: its fields, provenance and trust, then its text.",
        mime_type="text/markdown",
    )(entry_resource)
    return server


def instructions(options: ServerOptions) -> str:
    writes = (
        "This server is read-only."
        if options.read_only
        else "Remember durable things worth knowing in later sessions (decisions and their "
        "reasons, conventions, preferences the user states), not transient task state; "
        "update a memory rather than adding a near-duplicate."
    )
    return (
        "Amber is the user's long-term memory: local, encrypted, shared by their tools and "
        "agents. Search it before asking the user something they may have said before, and "
        f"at the start of a task. {writes} Scope: {options.scope.describe()}. {DATA_NOTE}"
    )


def _lifespan(
    options: ServerOptions, open_service: OpenService
) -> Callable[[MCPServer[AmberState]], Any]:
    @asynccontextmanager
    async def lifespan(_server: MCPServer[AmberState]) -> AsyncIterator[AmberState]:
        service = await anyio.to_thread.run_sync(open_service)
        watcher: TreeWatcher | None = None
        try:
            watcher = await anyio.to_thread.run_sync(_keep_fresh, service, options.watch)
            log.info("amber mcp: serving %s", options.scope.describe())
            yield AmberState(service, options.scope, options.read_only)
        finally:
            if watcher is not None:
                await anyio.to_thread.run_sync(watcher.stop)
            service.close()

    return lifespan


def _keep_fresh(service: MemoryService, watch: bool) -> TreeWatcher | None:
    """Edits made outside Amber reach the index: a watcher while serving, or at least a
    scan of the tree at start (small trees only)."""
    if watch:
        watcher = TreeWatcher(service, lambda path, outcome: log.info("%s: %s", path, outcome))
        watcher.start()
        return watcher
    if start_scan_needed(service.config, service.entry_count()):
        service.reconcile()
    return None


def entry_resource(id: str, ctx: Context[AmberState, Any]) -> str:
    """amber://entry/{id}: the entry as markdown, with provenance and trust up front."""
    state: AmberState = ctx.request_context.lifespan_context
    with state.lock:
        try:
            view = state.service.get(id, within=state.scope.can_read)
            item = entry_result(state.service, view)
        except NotFoundError as exc:
            raise ResourceNotFoundError(NOT_FOUND.format(handle=id)) from exc
        except AmberError as exc:
            raise ResourceError(str(exc)) from exc
    return render_markdown(item)


def render_markdown(item: dict[str, Any]) -> str:
    text = item.pop("text", "")
    fields = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
    return f"---\n{fields}\n---\n{text}\n"
