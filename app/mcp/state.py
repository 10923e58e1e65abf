"""What the server's lifespan holds, and how a tool call gets at it: the open memory
(`AmberState`), or, when it could not be opened, `LockedMemory` saying why and how to
unlock it, so the server still answers its client (the handshake, every tool's error)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from amber.errors import AmberError, os_error_message
from amber.mcp.scope import Scope
from amber.service import MemoryService

UNKNOWN_CLIENT = "unknown-client"


@dataclass
class AmberState:
    service: MemoryService
    scope: Scope
    read_only: bool = False
    # Sync tools run on worker threads; recall keeps caches that are not thread-safe, and
    # one agent rarely sends calls in parallel, so they simply take turns.
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class LockedMemory:
    """Memory the server could not open: no key, a wrong passphrase, no home yet."""

    reason: str  # the error, one line
    how: str  # what the user does about it

    @property
    def message(self) -> str:
        return f"Amber's memory is locked: {self.reason.rstrip('.')}. {self.how}"


Lifespan = AmberState | LockedMemory


def open_state(ctx: Context[Lifespan, Any]) -> AmberState:
    """The open memory, or a tool error saying why it is locked and how to unlock it."""
    state: Lifespan = ctx.request_context.lifespan_context
    if isinstance(state, LockedMemory):
        raise ToolError(state.message)
    return state


@contextmanager
def using(ctx: Context[Lifespan, Any]) -> Iterator[AmberState]:
    """The lifespan's state for one tool call, with Amber's errors turned into tool errors
    (the agent reads their one-line message; the server goes on)."""
    state = open_state(ctx)
    with state.lock:
        try:
            yield state
        except AmberError as exc:
            raise ToolError(str(exc)) from exc
        except OSError as exc:  # a full disk, a read-only folder: the agent reads why
            raise ToolError(os_error_message(exc)) from exc


def client_of(ctx: Context[Lifespan, Any]) -> tuple[str, str]:
    """(name, version) of the agent, from its MCP handshake (or the request envelope)."""
    params = ctx.request_context.session.client_params
    info = params.client_info if params else None
    if info is None or not info.name:
        return UNKNOWN_CLIENT, ""
    return info.name, info.version or ""


def provenance_ref(client: str) -> str:
    """How an entry written by an agent names its source: `agent:<client>`."""
    return "agent:" + (re.sub(r"[^\w.-]+", "-", client).strip("-")[:60] or UNKNOWN_CLIENT)
