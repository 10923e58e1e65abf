"""`amber mcp install`: client configs merged without losing anything, backed up first."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from helpers.cli import invoke

from amber.errors import InvalidInputError
from amber.home import create_key_file
from amber.mcp.install import CLIENTS, InstallRequest, apply, plan

PACKAGING = Path(__file__).resolve().parent.parent / "packaging" / "mcp"
SNIPPETS = {
    "claude-code": "claude-code.mcp.json",
    "cursor": "cursor.mcp.json",
    "claude-desktop": "claude-desktop.json",
    "codex": "codex.config.toml",
}


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake user home, so client configs land in the test's folder."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return folder


def request(client: str, **kwargs: object) -> InstallRequest:
    options: dict[str, object] = {"command": ("/opt/amber/bin/amber",), "env": {}, **kwargs}
    return InstallRequest(client=client, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("client", CLIENTS)
def test_packaged_snippets_match_what_install_writes(client: str) -> None:
    made = plan(InstallRequest(client=client, command=("amber",), env={}))
    assert (PACKAGING / SNIPPETS[client]).read_text() == made.snippet


def test_claude_code_merge_keeps_everything_else_and_backs_up(user_home: Path) -> None:
    config = user_home / ".claude.json"
    original = {
        "numStartups": 41,
        "projects": {"/x": {"allowedTools": []}},
        "mcpServers": {"playwright": {"command": "npx", "args": ["@playwright/mcp"]}},
    }
    config.write_text(json.dumps(original, indent=2))
    outcome = apply(plan(request("claude-code")))
    merged = json.loads(config.read_text())
    assert merged["numStartups"] == 41
    assert merged["projects"] == original["projects"]
    assert merged["mcpServers"]["playwright"] == original["mcpServers"]["playwright"]
    assert merged["mcpServers"]["amber"] == {
        "type": "stdio",
        "command": "/opt/amber/bin/amber",
        "args": ["mcp"],
    }
    assert outcome.backup is not None
    assert json.loads(outcome.backup.read_text()) == original
    again = apply(plan(request("claude-code")))
    assert not again.changed
    assert again.backup is None
    assert len(list(user_home.glob(".claude.json.bak-*"))) == 1


def test_reinstall_replaces_only_amber(user_home: Path) -> None:
    apply(plan(request("cursor")))
    apply(plan(request("cursor", read_only=True, scope="projects/web")))
    servers = json.loads((user_home / ".cursor" / "mcp.json").read_text())["mcpServers"]
    assert servers == {
        "amber": {
            "command": "/opt/amber/bin/amber",
            "args": ["mcp", "--scope", "projects/web", "--read-only"],
        }
    }


def test_project_configs_are_scoped_to_the_project(user_home: Path, tmp_path: Path) -> None:
    project = tmp_path / "My App"
    (project / ".git").mkdir(parents=True)
    made = plan(request("claude-code", project=project))
    assert made.path == project.resolve() / ".mcp.json"
    assert made.server["args"] == ["mcp", "--scope", "projects/my_app"]
    assert plan(request("cursor", project=project)).path.name == "mcp.json"
    assert plan(request("codex", project=project)).path == project.resolve() / ".codex/config.toml"
    with pytest.raises(InvalidInputError, match="no per-project config"):
        plan(request("claude-desktop", project=project))
    assert plan(request("claude-desktop")).server["args"] == ["mcp", "--global"]


def test_codex_toml_edit_keeps_comments_and_other_servers(user_home: Path) -> None:
    config = user_home / ".codex" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        '# my settings\nmodel = "o4"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n\n'
        '[mcp_servers.amber]\ncommand = "old"\n\n[mcp_servers.amber.env]\nX = "1"\n\n'
        '[profiles.fast]  # keep me\nmodel = "mini"\n'
    )
    apply(plan(request("codex", env={"AMBER_HOME": "/data/amber"})))
    text = config.read_text()
    assert text.startswith("# my settings\n")
    assert "# keep me" in text
    assert 'X = "1"' not in text
    data = tomllib.loads(text)
    assert data["mcp_servers"]["docs"] == {"command": "docs-mcp"}
    assert data["profiles"]["fast"] == {"model": "mini"}
    assert data["mcp_servers"]["amber"] == {
        "command": "/opt/amber/bin/amber",
        "args": ["mcp"],
        "env": {"AMBER_HOME": "/data/amber"},
    }
    assert not apply(plan(request("codex", env={"AMBER_HOME": "/data/amber"}))).changed


def test_broken_configs_are_refused_untouched(user_home: Path) -> None:
    config = user_home / ".cursor" / "mcp.json"
    config.parent.mkdir()
    config.write_text("{ not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        apply(plan(request("cursor")))
    assert config.read_text() == "{ not json"
    codex = user_home / ".codex" / "config.toml"
    codex.parent.mkdir()
    codex.write_text('mcp_servers = { amber = { command = "x" } }\n')
    with pytest.raises(InvalidInputError, match="cannot edit safely"):
        apply(plan(request("codex")))
    assert codex.read_text() == 'mcp_servers = { amber = { command = "x" } }\n'


def test_cli_print_writes_nothing_and_install_writes(user_home: Path, home: Path) -> None:
    printed = invoke("mcp", "install", "--client", "claude-desktop", "--print")
    assert printed.exit_code == 0, printed.output
    snippet = json.loads(printed.stdout)
    assert snippet["mcpServers"]["amber"]["args"][-2:] == ["mcp", "--global"]
    assert snippet["mcpServers"]["amber"]["env"] == {"AMBER_HOME": str(home)}
    assert "cannot get your passphrase" in printed.stderr  # the test home uses one
    assert not (user_home / ".config").exists()
    done = invoke("mcp", "install", "--client", "cursor", "--scope", "projects/x")
    assert done.exit_code == 0
    assert "installed 'amber' for cursor" in done.stdout
    saved = json.loads((user_home / ".cursor" / "mcp.json").read_text())
    assert saved["mcpServers"]["amber"]["args"][-3:] == ["mcp", "--scope", "projects/x"]
    bad = invoke("mcp", "install", "--client", "vim")
    assert bad.exit_code == 2
    assert "unknown client 'vim'" in bad.stderr


def test_codex_in_passphrase_mode_forwards_the_passphrase_variable(user_home: Path) -> None:
    """Codex passes a server only a whitelist of variables: AMBER_PASSPHRASE must be named
    in `env_vars`, and the passphrase itself is never written."""
    apply(plan(request("codex", key_mode="passphrase", env={"AMBER_HOME": "/data/amber"})))
    text = (user_home / ".codex" / "config.toml").read_text()
    assert 'env_vars = ["AMBER_PASSPHRASE"]' in text
    assert tomllib.loads(text)["mcp_servers"]["amber"] == {
        "command": "/opt/amber/bin/amber",
        "args": ["mcp"],
        "env_vars": ["AMBER_PASSPHRASE"],
        "env": {"AMBER_HOME": "/data/amber"},
    }
    assert "correct horse" not in text
    note = plan(request("codex", key_mode="passphrase")).notes
    assert "env_vars" in note[0]
    assert "amber key file --create" in note[0]
    switched = plan(request("codex", key_mode="key file", env={"AMBER_HOME": "/data/amber"}))
    assert switched.notes == []
    apply(switched)  # a key file now: the whitelist entry goes
    assert "env_vars" not in (user_home / ".codex" / "config.toml").read_text()


@pytest.mark.parametrize("client", CLIENTS)
def test_a_key_file_needs_nothing_from_any_client(client: str) -> None:
    made = plan(request(client, key_mode="key file"))
    assert made.notes == []
    assert "env_vars" not in made.server
    assert "env" not in made.server


def test_clients_that_cannot_get_the_passphrase_are_told_plainly() -> None:
    desktop = plan(request("claude-desktop", key_mode="passphrase"))
    assert "AMBER_PASSPHRASE" not in json.dumps(desktop.server)
    assert desktop.notes[0].startswith("Claude Desktop cannot get your passphrase")
    assert "amber key file --create" in desktop.notes[0]
    cursor = plan(request("cursor", key_mode="passphrase")).notes[0]
    assert "started from the desktop it cannot get it" in cursor
    claude = plan(request("claude-code", key_mode="passphrase"))
    assert "env" not in claude.server  # Claude Code passes its own environment on
    assert "start `claude` from a shell where AMBER_PASSPHRASE is exported" in claude.notes[0]


def test_codex_with_a_keyring_on_linux_reaches_the_secret_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    assert plan(request("codex", key_mode="keyring")).server["env_vars"] == [
        "DBUS_SESSION_BUS_ADDRESS"
    ]
    assert "env_vars" not in plan(request("cursor", key_mode="keyring")).server
    monkeypatch.setattr("sys.platform", "darwin")
    assert "env_vars" not in plan(request("codex", key_mode="keyring")).server


def test_the_key_mode_comes_from_the_home(user_home: Path, home: Path) -> None:
    assert plan(request("codex")).server["env_vars"] == ["AMBER_PASSPHRASE"]
    create_key_file(home)
    assert "env_vars" not in plan(request("codex")).server
    printed = invoke("mcp", "install", "--client", "claude-desktop", "--print")
    assert printed.exit_code == 0
    assert printed.stderr.startswith("# merge into")
    assert "passphrase" not in printed.stderr  # a key file: nothing to say
