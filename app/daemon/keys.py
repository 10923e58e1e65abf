"""Keys for a source's own encrypted files, derived from the index key with HKDF.

They are protected exactly like the index key (OS keyring or passphrase) and never stored:
the same index key always derives the same key for the same purpose.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def source_key(index_key: bytes, source: str, purpose: str) -> bytes:
    """The key a source gets from `ctx.derive_key(purpose)`."""
    return derive_key(index_key, f"{source}:{purpose}")


def derive_key(index_key: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"amber:{purpose}".encode()
    ).derive(index_key)
