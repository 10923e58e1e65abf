"""`amber mcp install`: add Amber to an MCP client's config without disturbing the rest.

JSON configs (Claude Code, Cursor, Claude Desktop) are merged key by key; Codex's TOML is
edited as text, replacing only Amber's own table, so comments and other servers stay as
they were. The old file is copied aside first, the new one written atomically, and the
result parsed back to prove it holds what was meant.

Each client gets what it needs for the key mode in use (`key_delivery`): with a key file,
nothing; Codex, which passes a server only a short list of environment variables, gets
`env_vars` naming the ones the key needs; a client that cannot get the key at all is told
so, with the way out (a key file, or the OS keyring).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from amber.config import load_config
from amber.errors import AmberError, InvalidInputError
from amber.mcp.scope import PROJECTS, detect_project
from amber.security import keys
from amber.tree.layout import folder_name

CLIENTS = ("claude-code", "cursor", "codex", "claude-desktop")
SERVERS_KEY = {"codex": "mcp_servers"}  # the others use "mcpServers"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class InstallRequest:
    client: str
    project: Path | None = None
    scope: str | None = None
    global_scope: bool = False
    read_only: bool = False
    name: str = "amber"
    config_path: Path | None = None
    command: tuple[str, ...] | None = None  # how to start Amber (default: found on this system)
    env: dict[str, str] | None = None  # default: AMBER_HOME when it is set
    key_mode: str | None = None  # "key file", "keyring", "passphrase" (default: the home's)


@dataclass(frozen=True)
class KeyDelivery:
    """How a client's server gets the index key."""

    env_vars: tuple[str, ...] = ()  # Codex: variables to pass on from its own environment
    note: str = ""  # what the user must know or do


@dataclass(frozen=True)
class Plan:
    client: str
    path: Path
    name: str
    server: dict[str, Any]
    snippet: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    message: str
    backup: Path | None = None
    changed: bool = True


def plan(request: InstallRequest) -> Plan:
    """What would be written where, without touching anything."""
    if request.client not in CLIENTS:
        raise InvalidInputError(
            f"unknown client '{request.client}'; use one of: {', '.join(CLIENTS)}"
        )
    if not request.name.strip():
        raise InvalidInputError("--name must not be empty")
    mode = request.key_mode or home_key_mode()
    delivery = key_delivery(request.client, mode) if mode else KeyDelivery()
    server = server_entry(request, delivery)
    path = request.config_path or config_path(request.client, request.project)
    notes = [delivery.note] if delivery.note else []
    if mode is None:
        notes.append("Amber is not set up yet: run `amber init` before the client starts it.")
    return Plan(
        request.client,
        path,
        request.name,
        server,
        render_snippet(request.client, request.name, server),
        notes,
    )


def server_entry(request: InstallRequest, delivery: KeyDelivery | None = None) -> dict[str, Any]:
    command = list(request.command or amber_command())
    args = [*command[1:], "mcp", *_scope_args(request)]
    if request.read_only:
        args.append("--read-only")
    entry: dict[str, Any] = {"command": command[0], "args": args}
    if request.client == "claude-code":
        entry = {"type": "stdio", **entry}
    if delivery and delivery.env_vars:
        entry["env_vars"] = list(delivery.env_vars)
    env = request.env if request.env is not None else _default_env()
    if env:
        entry["env"] = env
    return entry


def amber_command() -> list[str]:
    """An absolute command: clients often start servers without the user's PATH."""
    found = shutil.which("amber")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "amber.cli"]


def _scope_args(request: InstallRequest) -> list[str]:
    if request.scope and request.global_scope:
        raise InvalidInputError("give either --scope or --global, not both")
    if request.scope:
        return ["--scope", request.scope]
    if request.global_scope:
        return ["--global"]
    if request.project is not None:
        name = detect_project(request.project) or folder_name(request.project.resolve().name)
        return ["--scope", f"{PROJECTS}/{name}"]
    # Claude Desktop starts servers outside any project: give it the whole tree explicitly.
    return ["--global"] if request.client == "claude-desktop" else []


def _default_env() -> dict[str, str]:
    home = os.environ.get("AMBER_HOME")
    return {"AMBER_HOME": str(Path(home).expanduser().resolve())} if home else {}


def home_key_mode() -> str | None:
    """The key mode of the Amber home, or None when there is none yet."""
    try:
        return keys.key_mode(load_config())
    except AmberError:
        return None


# What each client passes to a server it starts (checked against their sources and docs):
# Codex only HOME, LOGNAME, PATH, SHELL, USER, LANG, LC_ALL, TERM, TMPDIR, TZ and what
# `env_vars` names; Claude Code and Cursor their own environment; Claude Desktop almost
# nothing. The passphrase is never written into a config file.
_KEY_FILE_WAY = "or run `amber key file --create` once, and no passphrase is needed"
_PASSPHRASE_NOTES = {
    "codex": "Passphrase mode: Codex passes AMBER_PASSPHRASE on from the environment it was "
    f"started in (env_vars), so start codex where it is set, {_KEY_FILE_WAY}.",
    "claude-code": "Passphrase mode: Claude Code passes its environment to the server, so "
    f"start `claude` from a shell where AMBER_PASSPHRASE is exported, {_KEY_FILE_WAY}.",
    "cursor": "Passphrase mode: Cursor passes the environment it was started with, so it "
    "gets AMBER_PASSPHRASE only when started from a shell where it is set (`cursor .`); "
    "started from the desktop it cannot get it. Run `amber key file --create` once (or use "
    "an OS keyring) and it needs nothing.",
    "claude-desktop": "Claude Desktop cannot get your passphrase: it starts servers without "
    "your shell's environment, and Amber never writes the passphrase into a config file. "
    "Run `amber key file --create` once (or use an OS keyring); until then the server "
    "starts locked and tells Claude how to unlock it.",
}


def key_delivery(client: str, mode: str) -> KeyDelivery:
    """What `client` needs to give its Amber server the index key in this key mode."""
    if mode == "passphrase":
        env_vars = (keys.PASSPHRASE_ENV,) if client == "codex" else ()
        return KeyDelivery(env_vars, _PASSPHRASE_NOTES[client])
    if mode == "keyring" and client == "codex" and sys.platform.startswith("linux"):
        # The Secret Service is reached over D-Bus, found through this variable.
        return KeyDelivery(("DBUS_SESSION_BUS_ADDRESS",))
    return KeyDelivery()


def config_path(client: str, project: Path | None) -> Path:
    home = Path.home()
    if client == "claude-desktop":
        if project is not None:
            raise InvalidInputError(
                "Claude Desktop has no per-project config; use --scope projects/NAME instead"
            )
        return _desktop_config_dir() / "Claude" / "claude_desktop_config.json"
    if project is not None:
        root = project.expanduser().resolve()
        relative = {
            "claude-code": ".mcp.json",
            "cursor": ".cursor/mcp.json",
            "codex": ".codex/config.toml",
        }[client]
        return root / relative
    if client == "claude-code":
        return home / ".claude.json"
    if client == "cursor":
        return home / ".cursor" / "mcp.json"
    return Path(os.environ.get("CODEX_HOME") or home / ".codex") / "config.toml"


def _desktop_config_dir() -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


# -- rendering -------------------------------------------------------------------------------


def render_snippet(client: str, name: str, server: dict[str, Any]) -> str:
    if client == "codex":
        return toml_table(name, server)
    return json.dumps({"mcpServers": {name: server}}, indent=2, ensure_ascii=False) + "\n"


def toml_table(name: str, server: dict[str, Any]) -> str:
    lines = [f"[{SERVERS_KEY['codex']}.{_toml_key(name)}]"]
    for key, value in server.items():
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # JSON string escapes are valid TOML


# -- merging -------------------------------------------------------------------------------


def apply(plan: Plan) -> Outcome:
    """Merge the server into the config file; back the old file up first."""
    old = _read(plan.path)
    if plan.client == "codex":
        new = merge_toml(old, plan.name, plan.server)
    else:
        new = merge_json(old, plan.name, plan.server, plan.path)
    if new == old:
        return Outcome("already installed, nothing changed", changed=False)
    backup = _backup(plan.path) if old else None
    _write_atomic(plan.path, new)
    return Outcome(f"installed '{plan.name}' for {plan.client}", backup)


def merge_json(old: str, name: str, server: dict[str, Any], path: Path) -> str:
    try:
        data = json.loads(old) if old.strip() else {}
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{path} is not valid JSON (line {exc.lineno}); fix it, or use --print and add "
            "the entry by hand"
        ) from exc
    servers = data.get("mcpServers", {}) if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        raise InvalidInputError(f"{path} does not hold a JSON object with an mcpServers map")
    if servers.get(name) == server:
        return old
    data["mcpServers"] = {**servers, name: server}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def merge_toml(old: str, name: str, server: dict[str, Any]) -> str:
    """Drop any existing table for this server (and its subtables), append the new one."""
    current = _parse_toml(old).get(SERVERS_KEY["codex"], {}).get(name)
    if current == server:
        return old
    kept = _without_table(old, name).rstrip("\n")
    new = (kept + "\n\n" if kept else "") + toml_table(name, server)
    try:
        written = tomllib.loads(new).get(SERVERS_KEY["codex"], {}).get(name)
    except tomllib.TOMLDecodeError:  # e.g. the server was also defined as an inline table
        written = None
    if written != server:
        raise InvalidInputError(
            f"the Codex config defines '{name}' in a form Amber cannot edit safely; remove "
            "that entry, or use --print and add it by hand"
        )
    return new


def _without_table(text: str, name: str) -> str:
    ours = re.compile(
        rf"^\s*\[\s*{SERVERS_KEY['codex']}\s*\.\s*(?:{re.escape(name)}|\"{re.escape(name)}\"|"
        rf"'{re.escape(name)}')\s*(?:\.[^\]]*)?\]\s*(?:#.*)?$"
    )
    header = re.compile(r"^\s*\[")
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        if header.match(line):
            skipping = bool(ours.match(line))
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _parse_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(
            f"the Codex config is not valid TOML ({exc}); fix it, or use --print"
        ) from exc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}") from exc


def _backup(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
        n += 1
    shutil.copy2(path, target)
    return target


def _write_atomic(path: Path, text: str) -> None:
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise InvalidInputError(f"cannot write {path}: {exc}") from exc
