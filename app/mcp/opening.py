"""Opening memory for an MCP client, which cannot be asked for anything.

A client starts `amber mcp` and shows the user only what the server answers: a server
that exits before the handshake is "Connection closed" there. So a key that is missing or
wrong does not stop the server: it serves locked (`LockedMemory`), its instructions say
so, and every tool answers with the reason and how to unlock it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from amber.errors import AmberError, KeyUnavailableError, WrongKeyError
from amber.mcp.state import LockedMemory
from amber.service import MemoryService

log = logging.getLogger(__name__)
OpenService = Callable[[], MemoryService]

RESTART = "then restart the amber server in this MCP client (or restart the client)"
UNLOCK = (
    "To unlock it, run `amber key file --create` once in a shell on this machine (the key "
    "then lives in a 0600 file beside Amber's config and the server needs nothing from "
    "its client), or give this client what the key needs: AMBER_PASSPHRASE in its "
    "environment in passphrase mode, the OS keyring in keyring mode (`amber mcp install "
    f"--client NAME` writes what each client needs); {RESTART}."
)
SET_UP = f"Fix that in a shell on this machine (`amber doctor` says more); {RESTART}."


def open_for_mcp() -> MemoryService:
    """The user's memory, opened for an agent. No passphrase prompt: stdin is the protocol,
    so the key comes from the key file, the OS keyring or AMBER_PASSPHRASE."""
    return MemoryService.open(interface="mcp")


def open_memory(open_service: OpenService = open_for_mcp) -> MemoryService | LockedMemory:
    """The open memory, or why it stays locked (logged to stderr as well)."""
    try:
        return open_service()
    except (KeyUnavailableError, WrongKeyError) as exc:
        locked = LockedMemory(str(exc), UNLOCK)
    except AmberError as exc:  # no home yet, a broken config.toml
        locked = LockedMemory(str(exc), SET_UP)
    log.warning("amber mcp: %s", locked.message)
    return locked


def locked_instructions(locked: LockedMemory) -> str:
    return (
        "Amber is the user's long-term memory, but it is locked now: "
        f"{locked.reason.rstrip('.')}. Every tool answers with an error until it is "
        f"unlocked; tell the user: {locked.how}"
    )
