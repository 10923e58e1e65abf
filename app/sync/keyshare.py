"""The memory key across devices: what the repository may hold about it, and the
passphrase-wrapped key blob `amber key export` writes.

The repository holds `.amber/key.json`: a check value (an HMAC made with a key derived
from the memory key; it tells whether two keys are the same and reveals nothing of them)
and, for a memory opened with a passphrase, the scrypt salt and parameters, so another
device turns the same passphrase into the same key. The key itself never enters it.

The export blob is the key sealed with AES-GCM under a key scrypt makes from a passphrase
chosen for the transfer (JSON: salt, parameters, nonce, sealed key, check value).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from amber.errors import InvalidInputError, WrongKeyError
from amber.security.keys import derive_key

REPO_KEY_FILE = ".amber/key.json"
BLOB_FORMAT = "amber-key-export-1"
WRAP_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def key_check(key: bytes) -> str:
    return hmac.new(derive_key(key, "sync-check"), b"amber memory key", "sha256").hexdigest()


def repo_key_info(key: bytes, kdf: dict[str, object] | None) -> dict[str, object]:
    info: dict[str, object] = {"format": 1, "check": key_check(key)}
    if kdf:
        info["kdf"] = {k: kdf[k] for k in ("kdf", "salt", "n", "r", "p") if k in kdf}
    return info


def same_key(info: dict[str, object], key: bytes) -> bool:
    return hmac.compare_digest(str(info.get("check", "")), key_check(key))


class OtherKeyError(WrongKeyError):
    """The repository's memory key is not this home's; `kdf` is the passphrase salt and
    parameters it holds (None: its key came from a keyring or a key file)."""

    def __init__(self, message: str, info: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.info = info or {}
        kdf = self.info.get("kdf")
        self.kdf: dict[str, object] | None = kdf if isinstance(kdf, dict) else None


def key_for_passphrase(refused: OtherKeyError, passphrase: str) -> bytes:
    """The repository's key from the same passphrase; the refusal again when it is not."""
    assert refused.kdf is not None
    params = {k: int(str(refused.kdf[k])) for k in ("n", "r", "p")}
    key = _stretch(passphrase, str(refused.kdf["salt"]), params)
    if not same_key(refused.info, key):
        raise OtherKeyError(
            "the passphrase given is not the one the synced memory was made with; give that "
            "passphrase (AMBER_PASSPHRASE or the prompt); nothing was changed",
            None,
        )
    return key


def refuse_other_key(where: str, info: dict[str, object] | None = None) -> OtherKeyError:
    return OtherKeyError(
        f"{where} holds a memory made with another key, so this device could not read its "
        "events (nothing was changed). Use the same key on every device: in passphrase mode, "
        "run `amber sync init` again with the same passphrase (this device then takes the "
        "memory's key, and sends its own events again under it); else `amber key export "
        "FILE` on a device that syncs, `amber key import FILE` here, then `amber sync init`",
        info,
    )


# -- the export blob ---------------------------------------------------------------------------


def seal_key(key: bytes, passphrase: str) -> str:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    wrapping = _stretch(passphrase, salt.hex(), WRAP_SCRYPT)
    sealed = AESGCM(wrapping).encrypt(nonce, key, BLOB_FORMAT.encode())
    blob = {
        "format": BLOB_FORMAT,
        "kdf": "scrypt",
        "salt": salt.hex(),
        **WRAP_SCRYPT,
        "nonce": nonce.hex(),
        "sealed": base64.b64encode(sealed).decode("ascii"),
        "check": key_check(key),
    }
    return json.dumps(blob, indent=2) + "\n"


def open_key(text: str, passphrase: str, source: str) -> bytes:
    try:
        blob = json.loads(text)
        if blob.get("format") != BLOB_FORMAT:
            raise ValueError("not an Amber key export")
        params = {k: int(blob[k]) for k in ("n", "r", "p")}
        wrapping = _stretch(passphrase, str(blob["salt"]), params)
        sealed = base64.b64decode(blob["sealed"])
        nonce = bytes.fromhex(blob["nonce"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInputError(
            f"{source} is not an Amber key export ({exc}); make it with `amber key export FILE`"
        ) from None
    try:
        key = AESGCM(wrapping).decrypt(nonce, sealed, BLOB_FORMAT.encode())
    except InvalidTag:
        raise WrongKeyError(
            f"the passphrase does not open {source}: give the one chosen at `amber key export`"
        ) from None
    if not same_key(blob, key):
        raise WrongKeyError(f"{source} is damaged: its key does not match its check value")
    return key


def _stretch(passphrase: str, salt_hex: str, params: dict[str, int]) -> bytes:
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=bytes.fromhex(salt_hex),
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n,
        dklen=32,
    )
