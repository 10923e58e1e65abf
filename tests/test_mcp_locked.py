"""`amber mcp` without its key: the server still completes the handshake (a client shows
only "Connection closed" for a server that exits), says in its instructions that memory
is locked and how to unlock it, and every tool answers with an error saying so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation

from amber.mcp.scope import Scope
from amber.mcp.server import ServerOptions, build_server

pytestmark = pytest.mark.anyio
AGENT = Implementation(name="locked-agent", version="1")
SERVER = [sys.executable, "-m", "amber.cli", "mcp"]
ARGUMENTS: dict[str, dict[str, Any]] = {
    "search_memory": {"query": "berlin"},
    "get_memory": {"id": "NOPE123456"},
    "browse_tree": {},
    "recent_memories": {},
    "remember": {"text": "a note that must not be lost silently"},
    "update_memory": {"id": "NOPE123456", "title": "t"},
    "forget_memory": {"id": "NOPE123456"},
}


def assert_says_how_to_unlock(text: str, reason: str) -> None:
    assert "Amber's memory is locked: " in text
    assert reason in text
    assert "amber key file --create" in text
    assert "AMBER_PASSPHRASE" in text
    assert "run in a terminal" not in text


async def check_locked(client: Client, reason: str) -> None:
    assert client.server_info is not None and client.server_info.name == "amber"
    instructions = client.instructions or ""
    assert "locked" in instructions
    assert reason in instructions
    assert "amber key file --create" in instructions
    names = {t.name for t in (await client.list_tools()).tools}
    assert names == set(ARGUMENTS)
    for name, arguments in ARGUMENTS.items():
        result = await client.call_tool(name, arguments)
        assert result.is_error, name
        assert_says_how_to_unlock(result.content[0].text, reason)
    assert (await client.list_resources()).resources == []


async def test_no_passphrase_in_memory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMBER_PASSPHRASE")
    server = build_server(ServerOptions(scope=Scope("projects/demo"), watch=False))
    async with Client(server, client_info=AGENT) as client:
        await check_locked(client, "a passphrase is needed and none was given")


async def test_wrong_passphrase_in_memory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMBER_PASSPHRASE", "not the right passphrase")
    server = build_server(ServerOptions(watch=False))
    async with Client(server, client_info=AGENT, mode="legacy") as client:
        await check_locked(client, "wrong key or passphrase")


async def test_no_home_yet_says_so(amber_env: Path) -> None:
    server = build_server(ServerOptions(watch=False))
    async with Client(server, client_info=AGENT) as client:
        result = await client.call_tool("search_memory", {"query": "x"})
    assert result.is_error
    assert "amber init" in result.content[0].text
    assert "amber doctor" in result.content[0].text


@pytest.mark.integration
@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [(None, "a passphrase is needed and none was given"), ("wrong one!", "wrong key")],
)
async def test_locked_over_stdio(
    home: Path, tmp_path: Path, passphrase: str | None, reason: str
) -> None:
    """A real subprocess: the handshake completes, stdout is protocol, stderr says why."""
    env = {k: v for k, v in os.environ.items() if k != "AMBER_PASSPHRASE"}
    if passphrase:
        env["AMBER_PASSPHRASE"] = passphrase
    params = StdioServerParameters(command=SERVER[0], args=SERVER[1:], env=env, cwd=tmp_path)
    log = tmp_path / "server.log"
    with log.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog), client_info=AGENT) as client:
            await check_locked(client, reason)
    assert "memory is locked" in log.read_text()


def test_locked_server_exits_cleanly_when_the_client_closes(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AMBER_PASSPHRASE"}
    done = subprocess.run(
        [*SERVER, "--global"], input="", capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0
    assert done.stdout == ""
    assert "memory is locked: a passphrase is needed" in done.stderr
