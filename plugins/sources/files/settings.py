"""`[capture.files]` in config.toml, read with defaults and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amber.pluginspec import ConfigError


@dataclass(frozen=True)
class FileSettings:
    folders: tuple[Path, ...] = ()
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = 1_000_000
    max_pdf_bytes: int = 20_000_000
    rescan_minutes: float = 30.0
    quiet_s: float = 2.0  # debounce: a file is read once it has been quiet this long ...
    cap_s: float = 10.0  # ... or once it has been changing for this long
    max_chunk_chars: int = 2000
    check_folders_s: float = 10.0  # how soon a vanished (or returned) folder is noticed

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> FileSettings:
        try:
            return cls(
                folders=tuple(Path(str(f)).expanduser().resolve() for f in _list(table, "folders")),
                include=tuple(str(g) for g in _list(table, "include", ["*"])),
                exclude=tuple(str(g) for g in _list(table, "exclude")),
                max_file_bytes=int(table.get("max_file_bytes", cls.max_file_bytes)),
                max_pdf_bytes=int(table.get("max_pdf_bytes", cls.max_pdf_bytes)),
                rescan_minutes=float(table.get("rescan_minutes", cls.rescan_minutes)),
                quiet_s=float(table.get("quiet_s", cls.quiet_s)),
                cap_s=float(table.get("cap_s", cls.cap_s)),
                max_chunk_chars=max(200, int(table.get("max_chunk_chars", cls.max_chunk_chars))),
                check_folders_s=float(table.get("check_folders_s", cls.check_folders_s)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[capture.files] in config.toml: {exc}; fix the value") from exc


def _list(table: dict[str, Any], key: str, default: list[str] | None = None) -> list[Any]:
    value = table.get(key, default or [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ConfigError(f"[capture.files] {key} must be a list of strings")
    return value
