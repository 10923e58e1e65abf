"""`amber mcp`: serve memory to coding agents over MCP (stdio); `amber mcp install` connects
a client (Claude Code, Cursor, Codex, Claude Desktop). The mcp SDK is imported lazily, so
other commands do not pay for it at start-up."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from amber.cli.output import console, err

app = typer.Typer(
    invoke_without_command=True,
    help="Serve your memory to coding agents over MCP (stdio), or connect a client.",
)
LOG_LEVELS = ("debug", "info", "warning", "error")

ScopeOpt = Annotated[
    str | None,
    typer.Option(
        help="Folder the agent works in, e.g. projects/myapp (default: the git repository "
        "around the working directory; outside one, the whole tree)."
    ),
]
GlobalOpt = Annotated[
    bool, typer.Option("--global", help="Let the agent see and write the whole tree.")
]
ReadOnlyOpt = Annotated[bool, typer.Option("--read-only", help="Offer no writing tools.")]


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    scope: ScopeOpt = None,
    global_: GlobalOpt = False,
    share: Annotated[
        list[str] | None,
        typer.Option(help="Another folder the agent may read, besides preferences (repeatable)."),
    ] = None,
    read_only: ReadOnlyOpt = False,
    watch: Annotated[
        bool, typer.Option(help="Reindex files edited while serving (a tree watcher).")
    ] = True,
    log_level: Annotated[str, typer.Option(help="Log level on stderr.")] = "warning",
) -> None:
    """Run the MCP server on stdin/stdout (an MCP client starts this; see `amber mcp install`)."""
    if ctx.invoked_subcommand is not None:
        return
    _log_to_stderr(log_level)
    from amber.mcp.launch import serve_stdio

    serve_stdio(scope, global_scope=global_, share=share or [], read_only=read_only, watch=watch)


def _log_to_stderr(level: str) -> None:
    if level.lower() not in LOG_LEVELS:
        from amber.errors import InvalidInputError

        raise InvalidInputError(f"--log-level must be one of {', '.join(LOG_LEVELS)}")
    logging.basicConfig(
        stream=sys.stderr,
        level=level.upper(),
        format="amber mcp %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def install(
    client: Annotated[str, typer.Option(help="claude-code, cursor, codex or claude-desktop.")],
    project: Annotated[
        Path | None,
        typer.Option(help="Configure this project only (its own config file, scoped to it)."),
    ] = None,
    scope: ScopeOpt = None,
    global_: GlobalOpt = False,
    read_only: ReadOnlyOpt = False,
    print_: Annotated[
        bool, typer.Option("--print", help="Print the config instead of writing it.")
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Write this config file instead of the client's usual one.")
    ] = None,
    name: Annotated[str, typer.Option(help="Server name in the client's config.")] = "amber",
) -> None:
    """Connect an MCP client to Amber: merge a server entry into its config (backed up first)."""
    import amber.mcp.install as installer

    request = installer.InstallRequest(
        client=client,
        project=project,
        scope=scope,
        global_scope=global_,
        read_only=read_only,
        name=name,
        config_path=config,
    )
    plan = installer.plan(request)
    if print_:
        sys.stdout.write(plan.snippet)
        err.print(f"# merge into {plan.path}", highlight=False)
    else:
        outcome = installer.apply(plan)
        console.print(f"{outcome.message}: {plan.path}", highlight=False)
        if outcome.backup:
            console.print(f"previous config saved as {outcome.backup}", highlight=False)
    for note in plan.notes:
        err.print(note, highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="mcp")
