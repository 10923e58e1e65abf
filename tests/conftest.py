"""Shared fixtures. Every test gets its own AMBER_HOME and never touches the user's keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring.core
import pytest
from helpers.local_models import smollm2

from amber.config import Config, load_config
from amber.home import init_home
from amber.models.chat import ChatModel, ChatModelInfo
from amber.security import keys
from amber.service import MemoryService

TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def amber_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home per test; passphrase mode, because tests must not use the OS keyring."""
    home = tmp_path / "home"
    monkeypatch.setenv("AMBER_HOME", str(home))
    monkeypatch.setenv("AMBER_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # keyring caches its backend for the process: a test that chose another backend must
    # not leak it into later tests (their homes would then keep the key where a
    # subprocess, with the fail backend, cannot read it).
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("AMBER_INIT_DAEMON", "0")  # tests start daemons themselves, if at all
    # A cheap KDF for homes made in-process; the keyfile records it, so subprocesses agree.
    monkeypatch.setattr(keys, "SCRYPT_PARAMS", {"n": 2**10, "r": 8, "p": 1})
    return home


@pytest.fixture
def home(amber_env: Path) -> Path:
    init_home(amber_env)
    return amber_env


@pytest.fixture
def config(home: Path) -> Config:
    """The test home's configuration, for tests that call the library below the service."""
    return load_config()


@pytest.fixture
def service(home: Path) -> Iterator[MemoryService]:
    with MemoryService.open(home, interface="test") as svc:
        yield svc


@pytest.fixture
def anyio_backend() -> str:
    """The backend for `@pytest.mark.anyio` tests: asyncio, what Textual and the MCP SDK use."""
    return "asyncio"


def run_amber(
    *args: str,
    input_text: str | None = None,
    timeout: float = 60,
    env_extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `amber` command in a subprocess with the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "amber.cli", *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env_extra or {})},
    )


@pytest.fixture
def amber_cli() -> object:
    """The `run_amber` helper, as a fixture (tests cannot import conftest in importlib mode)."""
    return run_amber


@pytest.fixture(scope="module")
def chat() -> ChatModel:
    """The tiny real chat model (SmolLM2), loaded once per module: loading is the slow part."""
    return ChatModel(ChatModelInfo("smollm2-135m-instruct", smollm2()))
