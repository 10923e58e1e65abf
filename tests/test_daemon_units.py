"""`amber daemon install|uninstall`: the systemd unit and launchd agent, written where the
service manager looks, never touching the real user session in tests."""

from __future__ import annotations

import plistlib
import subprocess
from pathlib import Path

import pytest

from amber.config import load_config
from amber.daemon import units
from amber.daemon.errors import DaemonError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def private_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where systemd user units go, redirected into the test's own folder."""
    config_home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    return config_home


def test_packaging_templates_are_the_ones_installed() -> None:
    assert (ROOT / "packaging/systemd/amber-daemon.service").read_text() == units.SYSTEMD_TEMPLATE
    assert (ROOT / "packaging/launchd/org.amber.daemon.plist").read_text() == (
        units.LAUNCHD_TEMPLATE
    )


@pytest.mark.integration
def test_install_print_writes_nothing(home: Path, amber_cli, private_config_home: Path) -> None:
    result = amber_cli("daemon", "install", "--print")
    assert result.returncode == 0, result.stderr
    assert "ExecStart=" in result.stdout
    assert "daemon run --quiet" in result.stdout
    assert f"AMBER_HOME={home}" in result.stdout
    assert not private_config_home.exists()


@pytest.mark.integration
def test_install_and_uninstall_the_file(home: Path, amber_cli, private_config_home: Path) -> None:
    unit = private_config_home / "systemd" / "user" / units.SYSTEMD_NAME
    result = amber_cli("daemon", "install", "--no-start")
    assert result.returncode == 0, result.stderr
    assert "systemctl --user enable --now" in result.stdout  # says how to start it
    assert unit.read_text().startswith("# Amber capture daemon")
    assert "passphrase mode" in result.stderr
    removed = amber_cli("daemon", "uninstall", "--keep-running")
    assert removed.returncode == 0
    assert not unit.exists()
    again = amber_cli("daemon", "uninstall", "--keep-running")
    assert again.returncode == 1
    assert "nothing to uninstall" in again.stderr


def test_install_runs_the_service_manager_in_order(home: Path) -> None:
    calls: list[list[str]] = []

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    unit = units.service_file(load_config(home), "linux")
    units.install(unit, start=True, run=run)
    assert calls == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", units.SYSTEMD_NAME],
    ]
    calls.clear()
    units.uninstall(unit, stop=True, run=run)
    assert calls == [["systemctl", "--user", "disable", "--now", units.SYSTEMD_NAME]]


def test_a_failing_service_manager_is_one_clear_error(home: Path) -> None:
    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "Failed to connect to bus\n")

    unit = units.service_file(load_config(home), "linux")
    with pytest.raises(DaemonError, match="daemon-reload` failed: Failed to connect to bus"):
        units.install(unit, start=True, run=run)


def test_paths_with_spaces_are_quoted(tmp_path: Path, amber_env: Path) -> None:
    from amber.home import init_home

    odd = tmp_path / "my home 100%"
    init_home(odd)
    text = units.service_file(load_config(odd), "linux").text
    assert f'Environment="AMBER_HOME={tmp_path}/my home 100%%"' in text


def test_launchd_agent_is_a_valid_plist(home: Path) -> None:
    agent = units.service_file(load_config(home), "darwin")
    plist = plistlib.loads(agent.text.encode())
    assert plist["Label"] == units.LAUNCHD_LABEL
    assert plist["ProgramArguments"][-3:] == ["daemon", "run", "--quiet"]
    assert plist["EnvironmentVariables"]["AMBER_HOME"] == str(home)
    assert agent.path.name == "org.amber.daemon.plist"
    assert agent.activate[0][0] == "launchctl"


def test_unsupported_platform(home: Path) -> None:
    with pytest.raises(DaemonError, match="amber daemon start"):
        units.service_file(load_config(home), "win32")
