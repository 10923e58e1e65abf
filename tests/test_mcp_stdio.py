"""`amber mcp` as a real subprocess: a session over stdio with the SDK's client, stdout that
carries nothing but protocol messages (a missing key: tests/test_mcp_locked.py)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation

pytestmark = pytest.mark.integration
SERVER = [sys.executable, "-m", "amber.cli", "mcp"]
ENV_KEYS = ("AMBER_HOME", "AMBER_PASSPHRASE", "PYTHON_KEYRING_BACKEND")


def amber_env() -> dict[str, str]:
    return {k: os.environ[k] for k in ENV_KEYS if k in os.environ}


@pytest.mark.anyio
async def test_session_over_stdio(home: Path, tmp_path: Path) -> None:
    """initialize, list tools, remember, search finds it, forget removes it."""
    params = StdioServerParameters(
        command=SERVER[0],
        args=[*SERVER[1:], "--scope", "projects/demo", "--log-level", "info"],
        env=amber_env(),
        cwd=tmp_path,
    )
    log = tmp_path / "server.log"
    with log.open("w") as errlog:
        transport = stdio_client(params, errlog=errlog)
        agent = Implementation(name="stdio-agent", version="0.1")
        async with Client(transport, client_info=agent, mode="legacy") as client:
            assert client.server_info is not None
            assert client.server_info.name == "amber"
            assert client.protocol_version == "2025-11-25"  # the initialize handshake
            assert "projects/demo/" in (client.instructions or "")
            names = {t.name for t in (await client.list_tools()).tools}
            assert {"search_memory", "remember", "forget_memory"} <= names
            saved = await _call(client, "remember", text="Builds run on the orchard runner")
            found = await _call(client, "search_memory", query="orchard runner")
            assert [r["id"] for r in found["results"]] == [saved["id"]]
            await _call(client, "forget_memory", id=saved["id"])
            assert (await _call(client, "search_memory", query="orchard"))["results"] == []
    assert "remember" in log.read_text()  # logging went to stderr


async def _call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)


def _rpc(msg_id: int | None, method: str, params: dict[str, Any]) -> str:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    if msg_id is not None:
        message["id"] = msg_id
    return json.dumps(message)


def test_stdout_carries_only_protocol_messages(home: Path, tmp_path: Path) -> None:
    """Requests one at a time, as a client sends them; every stdout line must be JSON-RPC."""
    requests = [
        _rpc(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "1"},
            },
        ),
        _rpc(2, "tools/list", {}),
        _rpc(3, "tools/call", {"name": "remember", "arguments": {"text": "Raw pipe note"}}),
        _rpc(4, "tools/call", {"name": "search_memory", "arguments": {"query": "a", "k": 999}}),
        _rpc(5, "tools/call", {"name": "get_memory", "arguments": {"id": "NOPE123456"}}),
        _rpc(6, "tools/call", {"name": "search_memory", "arguments": {"query": "raw pipe"}}),
        _rpc(7, "resources/list", {}),
        _rpc(8, "resources/read", {"uri": "amber://entry/NOPE123456"}),
    ]
    server = subprocess.Popen(
        [*SERVER, "--scope", "projects/demo", "--log-level", "debug"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **amber_env()},
        cwd=tmp_path,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in server.stdout], daemon=True)
    reader.start()
    responses: dict[int, dict[str, Any]] = {}
    try:
        for number, request in enumerate(requests, start=1):
            _send(server, request)
            if number == 1:
                _send(server, _rpc(None, "notifications/initialized", {}))
                _send(server, "this line is not JSON")
            responses[number] = _response(lines, number)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        stderr = server.stderr.read()
        server.stdout.close()
        server.stderr.close()
    reader.join(timeout=10)
    while not lines.empty():  # whatever came after the last response must be protocol too
        assert json.loads(lines.get())["jsonrpc"] == "2.0"
    assert responses[4]["result"]["isError"]
    assert responses[5]["result"]["isError"]
    found = json.loads(responses[6]["result"]["content"][0]["text"])["results"]
    assert found
    assert found[0]["title"] == "Raw pipe note"
    listed = responses[7]["result"]["resources"]
    assert [r["uri"] for r in listed] == [f"amber://entry/{found[0]['id']}"]
    assert "nextCursor" not in responses[7]["result"]
    missing = responses[8]["error"]
    assert missing["code"] == -32002  # resource not found, as the 2025 specifications ask
    assert missing["data"] == {"uri": "amber://entry/NOPE123456"}
    assert "no memory 'NOPE123456'" in missing["message"]
    assert "less than or equal" not in responses[4]["result"]["content"][0]["text"]
    assert "amber mcp" in stderr  # the log lines went to stderr


def _send(server: subprocess.Popen[str], line: str) -> None:
    assert server.stdin is not None
    server.stdin.write(line + "\n")
    server.stdin.flush()


def _response(lines: queue.Queue[str], msg_id: int) -> dict[str, Any]:
    """The response to `msg_id`; any other stdout line must be a JSON-RPC message too."""
    while True:
        message = json.loads(lines.get(timeout=60))
        assert message["jsonrpc"] == "2.0", message
        if message.get("id") == msg_id:
            return message
