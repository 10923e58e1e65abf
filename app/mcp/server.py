"""The MCP server: memory is opened once when it is built (`opening.open_memory`: the
open service, or why it stays locked); the lifespan hands that to the tools and resources,
with a tree watcher that keeps the index in step with edits made while it runs. stdout
belongs to the protocol: everything else logs to stderr.

`AmberServer` adjusts three answers of the SDK's server: resources/list pages through the
entries, a resource that does not exist gets the error code the client's protocol version
asks for, and arguments that do not fit a tool come back as one readable line.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp.types import ListResourcesResult, PaginatedRequestParams
from pydantic import ValidationError

from amber import __version__
from amber.freshness import start_scan_needed
from amber.mcp import resources, tools_read, tools_write
from amber.mcp.arguments import describe as describe_arguments
from amber.mcp.opening import OpenService, locked_instructions, open_for_mcp, open_memory
from amber.mcp.results import DATA_NOTE, ENTRY_URI
from amber.mcp.scope import Scope
from amber.mcp.state import AmberState, Lifespan, LockedMemory
from amber.service import MemoryService
from amber.watcher import TreeWatcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerOptions:
    scope: Scope = field(default_factory=Scope)
    read_only: bool = False
    watch: bool = True  # run a tree watcher while serving (off in most tests)
    name: str = "amber"


class AmberServer(MCPServer[Lifespan]):
    async def _handle_list_resources(
        self, ctx: ServerRequestContext[Lifespan], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        cursor = params.cursor if params else None
        return await anyio.to_thread.run_sync(resources.list_page, ctx.lifespan_context, cursor)

    async def read_resource(self, uri: Any, context: Context[Lifespan, Any] | None = None) -> Any:
        try:
            return await super().read_resource(uri, context)
        except ResourceNotFoundError as exc:
            known = str(uri).startswith(ENTRY_URI.split("{", 1)[0])
            message = str(exc) if known else resources.unknown_uri_message(str(uri))
            version = context.protocol_version if context else None
            raise resources.not_found(str(uri), message, version) from exc

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Lifespan, Any] | None = None
    ) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            raise ToolError(describe_arguments(name, cause)) from cause


def build_server(
    options: ServerOptions | None = None, open_service: OpenService = open_for_mcp
) -> AmberServer:
    """The server, with memory opened (or found locked) now: the handshake's instructions
    say which, and the lifespan closes what was opened."""
    options = options or ServerOptions()
    memory = open_memory(open_service)
    server = AmberServer(
        options.name,
        title="Amber memory",
        instructions=instructions(options, memory),
        version=__version__,
        lifespan=_lifespan(options, memory),
    )
    tools_read.register(server, options.scope)
    if not options.read_only:
        tools_write.register(server, options.scope)
    server.resource(
        ENTRY_URI,
        name="entry",
        title="Amber memory entry",
        description="One memory as markdown: its fields, provenance and trust, then its text.",
        mime_type=resources.MARKDOWN,
    )(resources.read_entry)
    return server


def instructions(options: ServerOptions, memory: MemoryService | LockedMemory | None = None) -> str:
    if isinstance(memory, LockedMemory):
        return locked_instructions(memory)
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
    options: ServerOptions, memory: MemoryService | LockedMemory
) -> Callable[[MCPServer[Lifespan]], Any]:
    @asynccontextmanager
    async def lifespan(_server: MCPServer[Lifespan]) -> AsyncIterator[Lifespan]:
        if isinstance(memory, LockedMemory):
            yield memory
            return
        watcher: TreeWatcher | None = None
        try:
            watcher = await anyio.to_thread.run_sync(_keep_fresh, memory, options.watch)
            log.info("amber mcp: serving %s", options.scope.describe())
            yield AmberState(memory, options.scope, options.read_only)
        finally:
            if watcher is not None:
                await anyio.to_thread.run_sync(watcher.stop)
            memory.close()

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
