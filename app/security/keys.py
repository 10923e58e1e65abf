"""The index key: a random 256-bit key in the OS keyring, or a passphrase stretched
with scrypt where no keyring backend exists (headless servers, CI).

The passphrase comes from `AMBER_PASSPHRASE` or an interactive prompt; it is never stored.
Only the scrypt salt and parameters are kept, in `keyfile.json` next to the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
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
    if config.key_storage == "keyring":
        return load_keyring_key(config)
    return load_passphrase_key(config, obtain_passphrase(prompt, confirm=False))


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
