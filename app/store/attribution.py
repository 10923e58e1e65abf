"""Who asked for a write: details merged into audit records after the write that made them.

The MCP server writes through MemoryService, which audits as interface "mcp"; the name of
the agent (the client in the MCP handshake) is known only to the server, so it is added to
the records the write produced, matched by interface, target and the rowid before it.
"""

from __future__ import annotations

import json

import sqlcipher3


def annotate(
    conn: sqlcipher3.Connection,
    after_rowid: int,
    interface: str,
    target: str,
    detail: dict[str, object],
) -> int:
    """Merge `detail` into this interface's audit records about `target` newer than
    `after_rowid`; returns how many records were annotated."""
    cursor = conn.execute(
        "UPDATE audit SET detail = json_patch(detail, ?) "
        "WHERE rowid > ? AND interface = ? AND target = ?",
        (json.dumps(detail), after_rowid, interface, target),
    )
    return cursor.rowcount
