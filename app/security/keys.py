"""The index key: a random 256-bit key in the OS keyring, or a passphrase stretched
with scrypt where no keyring backend exists (headless servers, CI).

The passphrase comes from `AMBER_PASSPHRASE` or an interactive prompt; it is never stored.
Only the scrypt salt and parameters are kept, in `keyfile.json` next to the index.

Opt-in, for headless machines: a key file (`index.key` beside the config, 0600, like an
SSH key) holding the key itself, made from the keyring or the passphrase by `amber key
file --create`. While it exists every process (the daemon, MCP servers started by a
client) reads the key from it and needs no passphrase; a key file others could read is
refused, not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from amber.config import Config
from amber.errors import InvalidInputError, KeyUnavailableError

KEYRING_SERVICE = "amber"
PASSPHRASE_ENV = "AMBER_PASSPHRASE"
KEY_BYTES = 32
# N=2^15, r=8 costs ~32 MiB and ~0.1 s: slow for guessing, fine for a CLI start-up.
SCRYPT_PARAMS = {"n": 2**15, "r": 8, "p": 1}

PassphrasePrompt = Callable[[bool], str]  # argument: confirm (ask twice) -> passphrase
PASSPHRASE_MIN = 8  # for a new home; scrypt slows guessing, it cannot save a 3-letter word
KEY_FILE_NAME = "index.key"
KEY_FILE_MODE = "key file"  # the key mode while a key file exists (besides KEY_STORAGES)
_KEY_FILE_MAX_BYTES = 4096


def keyring_usable() -> bool:
    """True when keyring has a real OS backend.

    Backends below priority 1 (the 'fail' backend, plaintext files from keyrings.alt) do not
    protect a key; use a passphrase instead, unless the user chose a backend explicitly
    with PYTHON_KEYRING_BACKEND.
    """
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # a broken keyring install must not stop Amber; use a passphrase
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return bool(os.environ.get("PYTHON_KEYRING_BACKEND")) or getattr(backend, "priority", 0) >= 1


def _keyring_user(config: Config) -> str:
    return f"index-key:{config.home_id}"


def create_keyring_key(config: Config) -> bytes:
    import keyring

    key = secrets.token_bytes(KEY_BYTES)
    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_user(config), key.hex())
    except Exception as exc:  # keyring raises backend-specific types
        raise KeyUnavailableError(
            f"could not store the key in the OS keyring ({exc}); "
            "run `amber init --passphrase` to use a passphrase instead"
        ) from exc
    return key


def load_keyring_key(config: Config) -> bytes:
    import keyring

    try:
        stored = keyring.get_password(KEYRING_SERVICE, _keyring_user(config))
    except Exception as exc:
        raise KeyUnavailableError(f"the OS keyring is not available ({exc})") from exc
    if not stored:
        raise KeyUnavailableError(
            f"no key for this Amber home in the OS keyring (service '{KEYRING_SERVICE}', "
            f"user '{_keyring_user(config)}'); the index cannot be decrypted without it"
        )
    return bytes.fromhex(stored)


def delete_keyring_key(config: Config) -> None:
    import keyring

    with contextlib.suppress(Exception):  # already gone is fine
        keyring.delete_password(KEYRING_SERVICE, _keyring_user(config))


def obtain_passphrase(prompt: PassphrasePrompt | None, confirm: bool) -> str:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None and prompt is not None:
        passphrase = prompt(confirm)
    if not passphrase and prompt is None:  # a process nobody can answer (MCP, a service)
        raise KeyUnavailableError(
            f"a passphrase is needed and none was given: set {PASSPHRASE_ENV} in this "
            "process's environment, or create a key file (`amber key file --create`)"
        )
    if not passphrase:
        raise KeyUnavailableError(
            f"a passphrase is needed: set {PASSPHRASE_ENV} or run in a terminal to be asked"
        )
    return passphrase


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN:
        raise InvalidInputError(
            f"the passphrase has {len(passphrase)} characters; use at least {PASSPHRASE_MIN} "
            "(a few words are easy to remember and slow to guess)"
        )


def create_passphrase_key(config: Config, passphrase: str) -> bytes:
    salt = secrets.token_bytes(16)
    keyfile = {"kdf": "scrypt", "salt": salt.hex(), **SCRYPT_PARAMS}
    tmp = config.keyfile_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(keyfile, indent=2), encoding="utf-8")
    os.replace(tmp, config.keyfile_path)
    return _stretch(passphrase, keyfile)


def store_key(config: Config, key: bytes, keyfile: dict | None) -> None:
    """Keep another key where this home keeps its key (a device joining a synced memory):
    the passphrase's salt and parameters, the keyring entry, and the key file if one
    exists; a passphrase home given a key no passphrase makes gets a key file. The caller
    has re-encrypted the index with it first."""
    if config.key_storage == "passphrase" and keyfile:
        tmp = config.keyfile_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(keyfile, indent=2), encoding="utf-8")
        os.replace(tmp, config.keyfile_path)
    elif config.key_storage == "passphrase":  # no passphrase makes this key: keep it in a file
        write_key_file(config, key)
        return
    elif config.key_storage == "keyring":
        import keyring

        keyring.set_password(KEYRING_SERVICE, _keyring_user(config), key.hex())
    if key_file_exists(config):
        write_key_file(config, key)


def load_passphrase_key(config: Config, passphrase: str) -> bytes:
    try:
        keyfile = json.loads(config.keyfile_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KeyUnavailableError(
            f"cannot read {config.keyfile_path} ({exc}); without it the passphrase "
            "cannot be turned into the key"
        ) from exc
    return _stretch(passphrase, keyfile)


def _stretch(passphrase: str, keyfile: dict) -> bytes:
    n = int(keyfile["n"])
    r = int(keyfile["r"])
    p = int(keyfile["p"])
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=bytes.fromhex(keyfile["salt"]),
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n,
        dklen=KEY_BYTES,
    )


def load_key(config: Config, prompt: PassphrasePrompt | None = None) -> bytes:
    """The index key: from the key file while one exists, else as config.toml says."""
    if key_file_exists(config):
        return load_key_file(config)
    return load_configured_key(config, prompt)


def load_configured_key(config: Config, prompt: PassphrasePrompt | None = None) -> bytes:
    """The key from the OS keyring or the passphrase, whatever a key file holds."""
    if config.key_storage == "keyring":
        return load_keyring_key(config)
    return load_passphrase_key(config, obtain_passphrase(prompt, confirm=False))


def key_mode(config: Config) -> str:
    """How a process gets the key now: "key file", "keyring" or "passphrase"."""
    return KEY_FILE_MODE if key_file_exists(config) else config.key_storage


def needs_passphrase(config: Config) -> bool:
    return key_mode(config) == "passphrase"


# -- the key file ----------------------------------------------------------------------------


def key_file_path(config: Config) -> Path:
    return config.home / KEY_FILE_NAME


def key_file_exists(config: Config) -> bool:
    return os.path.lexists(key_file_path(config))  # a dangling link is refused, not ignored


def load_key_file(config: Config) -> bytes:
    """Read the key file, refusing one that is not a private, regular file of this user."""
    path = key_file_path(config)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise KeyUnavailableError(_unreadable(path, exc)) from exc
    with os.fdopen(fd, "rb") as handle:
        _check_private(path, os.fstat(handle.fileno()))
        data = handle.read(_KEY_FILE_MAX_BYTES)
    return _parse_key_file(path, data)


def _unreadable(path: Path, exc: OSError) -> str:
    if os.path.islink(path):
        why = "it is a symbolic link; a key file must be a plain file"
    else:
        why = exc.strerror or str(exc)
    return f"cannot use the key file {path}: {why}; {_REMAKE}"


_REMAKE = "make it again with `amber key file --create`, or remove it (`amber key file --remove`)"


def _check_private(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise KeyUnavailableError(f"the key file {path} is not a regular file; {_REMAKE}")
    if os.name != "posix":
        return  # modes and owners are POSIX; elsewhere the folder's ACL protects it
    if info.st_uid != os.getuid():
        raise KeyUnavailableError(
            f"the key file {path} belongs to another user (uid {info.st_uid}); Amber uses "
            f"only a key file of your own; {_REMAKE}"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise KeyUnavailableError(
            f"the key file {path} has mode {mode:04o}, so other users could read your "
            f"index key; Amber uses a key file only when it is 0600, like an SSH key. If "
            f"nobody else could have read it, run `chmod 600 {path}`; else remove it "
            "(`amber key file --remove`)"
        )


def _parse_key_file(path: Path, data: bytes) -> bytes:
    text = data.decode("ascii", "replace")
    lines = [line.strip() for line in text.splitlines()]
    values = [line for line in lines if line and not line.startswith("#")]
    if len(values) == 1 and len(values[0]) == 2 * KEY_BYTES:
        with contextlib.suppress(ValueError):
            return bytes.fromhex(values[0])
    raise KeyUnavailableError(
        f"the key file {path} does not hold an Amber key ({2 * KEY_BYTES} hex digits); " + _REMAKE
    )


def write_key_file(config: Config, key: bytes) -> Path:
    """Write the key file atomically, 0600 from its first byte; returns its path."""
    path = key_file_path(config)
    text = (
        f"# Amber index key of the home {config.home} (id {config.home_id}).\n"
        "# Whoever can read this file can read your memory: keep it 0600, never share it.\n"
        "# Made by `amber key file --create`; `amber key file --remove` deletes it.\n"
        f"{key.hex()}\n"
    )
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def remove_key_file(config: Config) -> Path | None:
    """Delete the key file; its path, or None when there was none."""
    path = key_file_path(config)
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path


def wrong_key_hint(config: Config) -> str:
    """What to add to a wrong-key error when the key came from the key file."""
    if not key_file_exists(config):
        return ""
    return (
        f"; the key file {key_file_path(config)} does not open this index: make it again "
        "with `amber key file --create` (it asks the keyring or the passphrase), or remove "
        "it with `amber key file --remove`"
    )


def derive_key(index_key: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose (a capture source's encrypted files), derived from the
    index key with HKDF: protected exactly like it, and never stored."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = f"amber:{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(index_key)


def key_location(config: Config) -> Path | str:
    """Human-readable description of where the key is kept (for doctor / stats)."""
    if config.key_storage == "keyring":
        return f"OS keyring, service '{KEYRING_SERVICE}'"
    return config.keyfile_path


def describe_key(config: Config) -> str:
    """The key mode in one line (amber doctor, amber key file)."""
    configured = f"{config.key_storage}: {key_location(config)}"
    if not key_file_exists(config):
        return configured
    return f"key file {key_file_path(config)} (no passphrase needed); also {configured}"
