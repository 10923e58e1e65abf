"""The key file (`amber key file --create`): the index key in a 0600 file beside the
config, so the daemon and MCP servers open memory without a passphrase; refused whenever
it is not private, not a plain file, or not the key of this index."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation

from amber.config import load_config
from amber.errors import KeyUnavailableError, WrongKeyError
from amber.home import create_key_file
from amber.security import keys
from amber.service import MemoryService

Run = Callable[..., subprocess.CompletedProcess[str]]


def no_passphrase() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "AMBER_PASSPHRASE"}


def key_path(home: Path) -> Path:
    return home / "index.key"


def test_a_key_file_opens_memory_without_a_passphrase(
    home: Path, amber_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = amber_cli("key", "file", "--create")
    assert made.returncode == 0, made.stderr
    path = key_path(home)
    assert f"key file written: {path}" in made.stdout
    assert "whoever reads it reads your memory" in made.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert "correct horse" not in text  # the key, never the passphrase
    values = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(values) == 1
    assert len(values[0]) == 64
    assert bytes.fromhex(values[0])
    with MemoryService.open(home) as service:
        service.remember("The ferry leaves at seven", path="notes")
    monkeypatch.delenv("AMBER_PASSPHRASE")
    with MemoryService.open(home) as service:  # no passphrase anywhere
        assert [h.title for h in service.recall("ferry")] == ["The ferry leaves at seven"]
        assert service.stats()["key_storage"] == "key file"
    recalled = amber_cli("recall", "ferry", "--json")
    assert recalled.returncode == 0, recalled.stderr
    assert json.loads(recalled.stdout)[0]["title"] == "The ferry leaves at seven"
    status = json.loads(amber_cli("key", "file", "--json").stdout)
    assert status == {
        "mode": "key file",
        "key_storage": "passphrase",
        "key_file": str(path),
        "key_file_exists": True,
        "problem": "",
    }
    doctor = json.loads(amber_cli("doctor", "--json").stdout)
    assert doctor["key"].startswith(f"key file {path} (no passphrase needed); also passphrase")
    assert not keys.needs_passphrase(load_config(home))  # the daemon asks for nothing


def test_without_a_key_file_nothing_changes(home: Path, amber_cli: Run) -> None:
    status = json.loads(amber_cli("key", "file", "--json").stdout)
    assert (status["mode"], status["key_file_exists"]) == ("passphrase", False)
    assert keys.needs_passphrase(load_config(home))
    locked = amber_cli("recall", "x", env_extra={"AMBER_PASSPHRASE": ""})
    assert locked.returncode == 3
    gone = amber_cli("key", "file", "--remove")
    assert (gone.returncode, gone.stdout.strip()) == (0, "there is no key file; nothing changed")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_could_read_is_refused(home: Path, amber_cli: Run, mode: int) -> None:
    create_key_file(home)
    os.chmod(key_path(home), mode)
    with pytest.raises(KeyUnavailableError, match=f"mode 0{mode:o}") as caught:
        MemoryService.open(home)  # even with AMBER_PASSPHRASE set: never silently used
    message = str(caught.value)
    assert f"chmod 600 {key_path(home)}" in message
    assert "like an SSH key" in message
    refused = amber_cli("recall", "x", env_extra={"AMBER_PASSPHRASE": ""})
    assert refused.returncode == 3
    assert len(refused.stderr.strip().splitlines()) == 1
    assert json.loads(amber_cli("key", "file", "--json").stdout)["problem"] == message
    os.chmod(key_path(home), 0o600)
    MemoryService.open(home).close()


def test_a_key_file_that_is_not_the_key_is_refused(home: Path) -> None:
    path = key_path(home)
    path.write_text("not a key\n")
    os.chmod(path, 0o600)
    with pytest.raises(KeyUnavailableError, match="does not hold an Amber key"):
        MemoryService.open(home)
    path.write_text(secrets.token_hex(32) + "\n")  # a key, of no index here
    with pytest.raises(WrongKeyError, match=r"the key file .* does not open this index"):
        MemoryService.open(home)


def test_a_linked_key_file_is_refused(home: Path, tmp_path: Path) -> None:
    create_key_file(home)
    elsewhere = tmp_path / "shared.key"
    key_path(home).rename(elsewhere)
    key_path(home).symlink_to(elsewhere)
    with pytest.raises(KeyUnavailableError, match="symbolic link"):
        MemoryService.open(home)
    elsewhere.unlink()  # a dangling link is refused too, not taken for "no key file"
    with pytest.raises(KeyUnavailableError, match="symbolic link"):
        MemoryService.open(home)


def test_create_with_a_wrong_passphrase_writes_nothing(home: Path, amber_cli: Run) -> None:
    done = amber_cli("key", "file", "--create", env_extra={"AMBER_PASSPHRASE": "wrong words"})
    assert done.returncode == 3
    assert "wrong key or passphrase" in done.stderr
    assert not key_path(home).exists()
    assert list(home.glob(".index.key.*")) == []


def test_create_replaces_a_broken_key_file_and_remove_goes_back(home: Path, amber_cli: Run) -> None:
    key_path(home).write_text("garbage\n")
    os.chmod(key_path(home), 0o644)
    assert amber_cli("key", "file", "--create").returncode == 0  # from the passphrase
    assert key_path(home).stat().st_mode & 0o777 == 0o600
    assert amber_cli("recall", "x", env_extra={"AMBER_PASSPHRASE": ""}).returncode == 0
    removed = amber_cli("key", "file", "--remove")
    assert removed.stdout.strip() == f"key file removed: {key_path(home)}"
    assert not key_path(home).exists()
    again = amber_cli("recall", "x", env_extra={"AMBER_PASSPHRASE": ""})
    assert again.returncode == 3
    both = amber_cli("key", "file", "--create", "--remove")
    assert both.returncode == 2


@pytest.mark.integration
@pytest.mark.anyio
async def test_an_mcp_client_without_a_passphrase_reads_memory(home: Path, tmp_path: Path) -> None:
    with MemoryService.open(home) as service:
        service.remember("Deploys go out on Thursdays", path="projects/demo")
    create_key_file(home)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "amber.cli", "mcp", "--scope", "projects/demo"],
        env=no_passphrase(),
        cwd=tmp_path,
    )
    agent = Implementation(name="headless-agent", version="1")
    async with Client(stdio_client(params), client_info=agent) as client:
        assert "locked" not in (client.instructions or "")
        result = await client.call_tool("search_memory", {"query": "deploys"})
    assert not result.is_error, result.content[0].text
    found = json.loads(result.content[0].text)["results"]
    assert found[0]["title"] == "Deploys go out on Thursdays"


def test_the_daemon_starts_without_a_passphrase(home: Path, amber_cli: Run) -> None:
    create_key_file(home)
    started = amber_cli("daemon", "start", env_extra={"AMBER_PASSPHRASE": ""})
    try:
        assert started.returncode == 0, started.stderr
        running = amber_cli("daemon", "status", "--json", env_extra={"AMBER_PASSPHRASE": ""})
        assert json.loads(running.stdout)["running"]
    finally:
        assert amber_cli("daemon", "stop").returncode == 0
