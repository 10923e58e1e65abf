"""Creating and opening an Amber home: the composition root.

`open_home` is the one way every entry point (CLI, TUI, MCP server, daemon) opens memory:
config parsed once, the key loaded once (key file, keyring or passphrase: one path,
`amber.security.keys.load_key`), the encrypted index opened
and migrated, the tree's files behind their lock. What is built on top (the service, the
daemon's sources) gets these parts from the `Home` it returns.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from amber.config import Config, default_home, load_config, write_default_config
from amber.errors import KeyUnavailableError, WrongKeyError
from amber.security import keys, private
from amber.store.db import Database, open_database
from amber.store.migrations import migrate
from amber.tree.files import TreeFiles


@dataclass
class Home:
    """An opened home."""

    config: Config
    key: bytes  # the index key; sources derive their own keys from it
    db: Database
    files: TreeFiles

    def close(self) -> None:
        self.db.close()


def open_home(
    home: Path | None = None,
    *,
    prompt: keys.PassphrasePrompt | None = None,
    config: Config | None = None,
) -> Home:
    """`config`: already loaded by the caller (the daemon reads it before the key, for its
    lock and its log), so that it is read once."""
    config = config or load_config(home)
    key = keys.load_key(config, prompt)
    opened = Home(config, key, _open_index(config, key), tree_files(config))
    private.tighten(_own_paths(config))  # a home made by an older version was looser
    return opened


def _own_paths(config: Config) -> list[Path]:
    """What Amber made under the home (the tree too, unless it is the user's own folder)."""
    home = config.home
    names = ["config.toml", "keyfile.json", "locks", "logs", "models", "daemon", "screens"]
    paths = [home / name for name in names]
    paths += sorted(home.glob("index.db*"))
    if config.tree_dir.parent == home:
        paths.append(config.tree_dir)
    return paths


@dataclass(frozen=True)
class InitResult:
    config: Config
    created: bool  # False: the home existed and was left as it was
    key_storage: str


def init_home(
    home: Path | None = None,
    *,
    tree_path: str | None = None,
    use_passphrase: bool = False,
    prompt: keys.PassphrasePrompt | None = None,
) -> InitResult:
    """Create the home, or verify an existing one; never destroys data."""
    home = home or default_home()
    if (home / "config.toml").exists():
        open_home(home, prompt=prompt).close()  # proves the key works; applies new migrations
        config = load_config(home)
        config.tree_dir.mkdir(parents=True, exist_ok=True)
        return InitResult(config, False, config.key_storage)
    return InitResult(*_create_home(home, tree_path, use_passphrase, prompt))


def _create_home(
    home: Path, tree_path: str | None, use_passphrase: bool, prompt: keys.PassphrasePrompt | None
) -> tuple[Config, bool, str]:
    storage = "passphrase" if use_passphrase or not keys.keyring_usable() else "keyring"
    passphrase = keys.obtain_passphrase(prompt, confirm=True) if storage == "passphrase" else ""
    if storage == "passphrase":
        keys.check_new_passphrase(passphrase)
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    if (home / "index.db").exists():
        raise KeyUnavailableError(
            f"{home} holds an index but no config.toml; restore config.toml instead of "
            "running init (init never overwrites an index)"
        )
    write_default_config(home, secrets.token_hex(8), storage, tree_path or "tree")
    config = load_config(home)
    key = (
        keys.create_keyring_key(config)
        if storage == "keyring"
        else keys.create_passphrase_key(config, passphrase)
    )
    db = open_database(config.index_path, key, create=True)
    migrate(db)
    db.close()
    for folder in (config.tree_dir, config.locks_dir, config.logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    private.tighten(_own_paths(config))
    return config, True, storage


def _open_index(config: Config, key: bytes) -> Database:
    try:
        db = open_database(config.index_path, key)
    except WrongKeyError as exc:
        raise WrongKeyError(f"{exc}{keys.wrong_key_hint(config)}") from None
    migrate(db)
    return db


def create_key_file(
    home: Path | None = None, *, prompt: keys.PassphrasePrompt | None = None
) -> Path:
    """Write the key file (`amber key file --create`): the key comes from the keyring or the
    passphrase, never from an older key file, and must open the index before it is written."""
    config = load_config(home)
    key = keys.load_configured_key(config, prompt)
    open_database(config.index_path, key).close()
    return keys.write_key_file(config, key)


def remove_key_file(home: Path | None = None) -> Path | None:
    """Delete the key file; the keyring or the passphrase opens memory again."""
    return keys.remove_key_file(load_config(home))


def adopt_key(home: Home, key: bytes, keyfile: dict | None = None) -> None:
    """Make another device's memory key this home's: the index re-encrypted with it, then
    the key kept where this home keeps its key (`keyfile`: the passphrase's salt and
    parameters that make it). Run again after an interruption, it completes."""
    if key != home.key:
        home.db.rekey(key)
    keys.store_key(home.config, key, keyfile)
    home.key = key


def import_key(
    key: bytes, home: Path | None = None, *, prompt: keys.PassphrasePrompt | None = None
) -> None:
    """`amber key import`: this home takes a key exported on another device. An import cut
    short after the index was re-encrypted is completed: the new key opens it then."""
    try:
        opened = open_home(home, prompt=prompt)
    except WrongKeyError:
        config = load_config(home)
        open_database(config.index_path, key).close()  # a WrongKeyError when it is not that
        keys.store_key(config, key, None)
        return
    try:
        adopt_key(opened, key)
    finally:
        opened.close()


def tree_files(config: Config) -> TreeFiles:
    config.locks_dir.mkdir(parents=True, exist_ok=True)
    return TreeFiles(config.tree_dir, config.locks_dir / "tree.lock")
