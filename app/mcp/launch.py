"""How the CLI starts the MCP server (`amber mcp`): the only name it imports from this
package besides the client installer."""

from __future__ import annotations

from amber.errors import AmberError
from amber.mcp.scope import SHARED_DEFAULT, resolve_scope
from amber.mcp.server import ServerOptions, build_server


def serve_stdio(
    scope: str | None, *, global_scope: bool, share: list[str], read_only: bool, watch: bool
) -> None:
    """Serve memory over stdin/stdout until the client closes it. Memory that cannot be
    opened (no key, a wrong passphrase) is served locked, so the client hears why; an
    Amber error raised while serving comes out as itself, not wrapped in the exception
    groups of the server's task group, so the CLI prints its one line."""
    shared = (*SHARED_DEFAULT, *share)
    options = ServerOptions(
        resolve_scope(scope, global_scope=global_scope, shared=shared), read_only, watch
    )
    try:
        build_server(options).run("stdio")
    except BaseExceptionGroup as group:  # the lifespan runs inside the server's task group
        amber_error = _first_amber_error(group)
        if amber_error is None:
            raise
        raise amber_error from None


def _first_amber_error(group: BaseExceptionGroup) -> AmberError | None:
    for exc in group.exceptions:
        if isinstance(exc, AmberError):
            return exc
        if isinstance(exc, BaseExceptionGroup) and (found := _first_amber_error(exc)):
            return found
    return None
