"""Which files the files source reads: include/exclude globs over built-in excludes.

Built-in excludes keep secrets and noise out of memory: version control and dependency
folders, environment files, keys and key stores, and binaries. A glob with a `/` matches
the path below the watched folder; one without matches any single name in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

EXCLUDED_DIRS = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".cache",
    ".idea",
    ".gradle",
    ".terraform",
    ".Trash",
    ".gnupg",
    ".ssh",
    ".aws",
    ".kube",
)
SECRET_FILES = (
    ".env*",
    "*.pem",
    "*.key",
    "id_*",
    "*.kdbx",
    "*.kdb",
    "*.p12",
    "*.pfx",
    "*.keystore",
    "*.jks",
    ".netrc",
    ".pgpass",
    ".npmrc",
    ".pypirc",
    "*.gpg",
    "*.asc",
    "credentials*",
    "secrets.*",
    "*.secret",
    "*.secrets",
)
BINARY_FILES = tuple(
    f"*.{ext}"
    for ext in (
        "png jpg jpeg gif bmp tif tiff webp ico heic psd svgz mp3 mp4 m4a wav flac ogg mov avi "
        "mkv webm zip gz tgz bz2 xz zst 7z rar tar jar war whl egg exe dll so dylib o a lib "
        "bin dat class pyc pyo wasm iso dmg img db sqlite sqlite3 db-wal db-shm parquet "
        "arrow feather npy npz pkl pickle pt pth onnx gguf safetensors ttf otf woff woff2 "
        "eot doc xls ppt docx xlsx pptx odt ods odp key numbers pages"
    ).split()
)
TEMP_FILES = ("*~", "*.swp", "*.swo", "*.swx", ".#*", "#*#", "*.tmp", "*.part", ".DS_Store")
DEFAULT_EXCLUDES = EXCLUDED_DIRS + SECRET_FILES + BINARY_FILES + TEMP_FILES


class FileRules:
    def __init__(
        self,
        include: Iterable[str] = ("*",),
        exclude: Iterable[str] = (),
        never: Iterable[Path] = (),
    ) -> None:
        self.include = tuple(include) or ("*",)
        self.exclude = DEFAULT_EXCLUDES + tuple(exclude)
        self.never = tuple(p.resolve() for p in never)  # Amber's own home and tree

    def dir_wanted(self, rel: str, absolute: Path) -> bool:
        """False for a folder whose contents are never read (walks prune it)."""
        if any(absolute == n or n in absolute.parents for n in self.never):
            return False
        return not self._excluded(rel)

    def file_wanted(self, rel: str, absolute: Path) -> bool:
        if any(n in absolute.parents for n in self.never):
            return False
        if self._excluded(rel):
            return False
        name = rel.rsplit("/", 1)[-1]
        return any(_match(glob, rel, name) for glob in self.include)

    def _excluded(self, rel: str) -> bool:
        parts = rel.split("/")
        for glob in self.exclude:
            if "/" in glob:
                if fnmatch(rel, glob.strip("/")) or fnmatch(rel, glob.strip("/") + "/*"):
                    return True
            elif any(fnmatch(part, glob) for part in parts):
                return True
        return False


def _match(glob: str, rel: str, name: str) -> bool:
    return fnmatch(rel, glob) if "/" in glob else fnmatch(name, glob)
