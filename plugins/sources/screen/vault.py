"""Screenshots the user chose to keep: AES-256-GCM encrypted, expired after a retention
period. The key is derived from the index key (HKDF), so it is protected exactly like the
index key and never written anywhere; a frame is encrypted in memory before it touches disk.

File layout: <home>/screens/YYYYMMDD/<frame id>.png.enc = MAGIC + 12-byte nonce + ciphertext;
the file's relative name is the associated data, so files cannot be swapped unnoticed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from PIL import Image

MAGIC = b"AMBERIMG1"
SUFFIX = ".png.enc"
KEY_PURPOSE = "screenshots"


class ImageVault:
    def __init__(self, folder: Path, key: bytes, retention_days: float) -> None:
        self.folder = folder
        self._aead = AESGCM(key)
        self.retention = timedelta(days=retention_days)

    def store(self, image: Image.Image, taken: datetime, frame_id: str) -> str:
        """Encrypt and write one frame; returns its name relative to the vault."""
        name = f"{taken.astimezone(UTC):%Y%m%d}/{frame_id}{SUFFIX}"
        png = io.BytesIO()
        image.save(png, format="PNG", compress_level=6)
        nonce = os.urandom(12)
        sealed = MAGIC + nonce + self._aead.encrypt(nonce, png.getvalue(), name.encode())
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(sealed)
        os.replace(tmp, path)
        return name

    def load(self, name: str) -> bytes:
        """The PNG bytes of a stored frame (raises on a wrong key or a changed file)."""
        data = (self.folder / name).read_bytes()
        if not data.startswith(MAGIC):
            raise ValueError(f"{name} is not an Amber screenshot")
        nonce = data[len(MAGIC) : len(MAGIC) + 12]
        sealed = data[len(MAGIC) + 12 :]
        return self._aead.decrypt(nonce, sealed, name.encode())

    def expire(self, now: datetime | None = None) -> int:
        """Delete days older than the retention period; returns how many files went."""
        if not self.folder.is_dir():
            return 0
        cutoff = ((now or datetime.now(UTC)) - self.retention).strftime("%Y%m%d")
        removed = 0
        for day in self.folder.iterdir():
            if day.is_dir() and day.name.isdigit() and day.name < cutoff:
                removed += sum(1 for _ in day.glob(f"*{SUFFIX}"))
                shutil.rmtree(day, ignore_errors=True)
        for stray in self.folder.glob(f"*/.*{SUFFIX}.tmp"):  # left by a crash mid-write
            with contextlib.suppress(OSError):
                stray.unlink()
        return removed
