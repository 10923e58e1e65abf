"""The models installed in this Amber home, and which one is active per role.

State lives in `<home>/models/models.json`; pulled files live beside it in `<home>/models/`.
A model added from elsewhere is registered where it lies (its path is absolute), so removing
it from Amber never deletes a file outside Amber's own models folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from amber.clock import now_iso
from amber.config import Config
from amber.errors import AmberError, InvalidInputError, NotFoundError
from amber.models.gguf import check_kind, read_gguf
from amber.models.manifest import ROLES, ManifestModel, manifest_model_for_file

REGISTRY_NAME = "models.json"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class RegistryError(AmberError):
    """models.json cannot be read or written."""


@dataclass(frozen=True)
class InstalledModel:
    """A GGUF file Amber can load. `sha256` is "" when it was never hashed (added in place)."""

    name: str
    role: str
    path: str
    size_bytes: int
    sha256: str = ""
    added_at: str = ""
    source: str = ""  # the URL it was pulled from, or "local"
    dims: int | None = None
    context: int | None = None
    pooling: str = ""
    query_prefix: str = ""
    document_prefix: str = ""

    @property
    def file(self) -> Path:
        return Path(self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def models_dir(config: Config) -> Path:
    """Where pulled (and `--copy`-added) GGUF files live; created on first use."""
    return config.home / "models"


def registry_path(config: Config) -> Path:
    return models_dir(config) / REGISTRY_NAME


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise InvalidInputError(
            f"model name {name!r} must be lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def check_sha256(sha256: str | None) -> str:
    """A sha256 as 64 lowercase hex digits, or "" for none given."""
    value = (sha256 or "").strip().lower()
    if value and not _SHA_RE.match(value):
        raise InvalidInputError(f"--sha256 must be 64 hexadecimal digits, not {sha256!r}")
    return value


def name_from_file(file: str) -> str:
    """A registry name for a GGUF file: its manifest name, else its lowercased stem."""
    known = manifest_model_for_file(file)
    if known:
        return known.name
    stem = file[: -len(".gguf")] if file.lower().endswith(".gguf") else file
    return re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "model"


def from_manifest(entry: ManifestModel | None) -> dict[str, Any]:
    """The runtime hints (dims, prefixes...) a manifest entry gives an installed model."""
    if entry is None:
        return {}
    keys = ("dims", "context", "pooling", "query_prefix", "document_prefix")
    return {key: getattr(entry, key) for key in keys}


# --- reading and writing models.json -------------------------------------------------------


def _read(config: Config) -> dict[str, Any]:
    path = registry_path(config)
    if not path.exists():
        return {"version": 1, "active": {}, "models": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        _check_shape(data)
        return data
    except (OSError, ValueError) as exc:
        raise RegistryError(
            f"{path} is unreadable ({exc}); fix or delete it (model files are not affected)"
        ) from exc


def _check_shape(data: Any) -> None:
    """Refuse a registry edited into another shape, so callers never meet a bad type."""
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    data.setdefault("active", {})
    data.setdefault("models", {})
    active = data["active"]
    models = data["models"]
    if not isinstance(active, dict) or not all(isinstance(v, str) for v in active.values()):
        raise ValueError('"active" must map roles to model names')
    if not isinstance(models, dict):
        raise ValueError('"models" must map names to model entries')
    for name, raw in models.items():
        _check_entry(name, raw)


_ENTRY_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "role": str,
    "path": str,
    "size_bytes": int,
    "sha256": str,
    "added_at": str,
    "source": str,
    "dims": (int, type(None)),
    "context": (int, type(None)),
    "pooling": str,
    "query_prefix": str,
    "document_prefix": str,
}
_REQUIRED = ("name", "role", "path", "size_bytes")


def _check_entry(name: str, raw: Any) -> None:
    if not isinstance(raw, dict):
        raise ValueError(f"model {name!r} is not a JSON object")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ValueError(f"model {name!r} lacks {', '.join(missing)}")
    for key, kind in _ENTRY_TYPES.items():
        value = raw.get(key)
        # bool is an int in Python, but `"size_bytes": true` is still a broken entry
        if key in raw and (not isinstance(value, kind) or isinstance(value, bool)):
            raise ValueError(f"model {name!r} has a bad {key!r}: {value!r}")


def _write(config: Config, data: dict[str, Any]) -> None:
    """Write-then-rename, so a crash leaves the old registry or the new, never half of one."""
    path = registry_path(config)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RegistryError(f"cannot write {path}: {exc}; check free space and rights") from exc


@contextmanager
def _editing(config: Config) -> Iterator[dict[str, Any]]:
    """Read-modify-write under a lock: two `amber models` commands may run at once."""
    models_dir(config).mkdir(parents=True, exist_ok=True)
    config.locks_dir.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock, Timeout  # imported by the commands that change models

    lock = FileLock(str(config.locks_dir / "models.lock"), timeout=30)
    try:
        lock.acquire()
    except Timeout:
        raise RegistryError(
            "another `amber models` command has held the models registry for 30 s; "
            "let it finish and try again"
        ) from None
    try:
        data = _read(config)
        yield data
        _write(config, data)
    finally:
        lock.release()


def _model(raw: dict[str, Any]) -> InstalledModel:
    known = {f.name for f in fields(InstalledModel)}
    return InstalledModel(**{k: v for k, v in raw.items() if k in known})


# --- queries -------------------------------------------------------------------------------


def installed_models(config: Config) -> list[InstalledModel]:
    return [_model(raw) for raw in _read(config)["models"].values()]


def get_model(config: Config, name: str) -> InstalledModel:
    raw = _read(config)["models"].get(name)
    if raw is None:
        raise NotFoundError(f"no installed model named {name!r}; see `amber models list`")
    return _model(raw)


def active_names(config: Config) -> dict[str, str]:
    """Role -> name of the active model, for the roles that have one."""
    data = _read(config)
    return {role: name for role, name in data["active"].items() if name in data["models"]}


def active_model(config: Config, role: str) -> InstalledModel | None:
    """The model to load for `role`, or None (zero-LLM mode). Its file may have vanished:
    callers that load it should check `model.file.exists()` and say so."""
    name = active_names(config).get(check_role(role))
    return get_model(config, name) if name else None


# --- changes -------------------------------------------------------------------------------


def register(config: Config, model: InstalledModel, *, replace_existing: bool = False) -> bool:
    """Add `model`; the first model of a role becomes active. Returns whether it is active."""
    check_name(model.name)
    check_role(model.role)
    with _editing(config) as data:
        if model.name in data["models"] and not replace_existing:
            raise _name_taken(model.name)
        data["models"][model.name] = model.to_json()
        if data["active"].get(model.role) not in data["models"]:
            data["active"][model.role] = model.name
        return data["active"][model.role] == model.name


def _name_taken(name: str) -> InvalidInputError:
    return InvalidInputError(
        f"a model named {name!r} is registered already; "
        "choose another --name or `amber models rm` it first"
    )


def set_active(config: Config, name: str) -> InstalledModel:
    model = get_model(config, name)
    if not model.file.is_file():
        raise NotFoundError(
            f"{model.name}'s file {model.path} is gone; pull or add it again, or rm it"
        )
    with _editing(config) as data:
        data["active"][model.role] = model.name
    return model


@dataclass(frozen=True)
class Removal:
    model: InstalledModel
    deleted_file: bool
    was_active: bool


def remove(config: Config, name: str) -> Removal:
    """Unregister `name`; delete its file only if it lies in Amber's own models folder."""
    with _editing(config) as data:
        if name not in data["models"]:
            raise NotFoundError(f"no installed model named {name!r}; see `amber models list`")
        model = _model(data["models"].pop(name))
        was_active = data["active"].get(model.role) == name
        if was_active:
            del data["active"][model.role]
    owned = owns_file(config, model)
    if owned:
        model.file.unlink(missing_ok=True)
    return Removal(model, owned, was_active)


def owns_file(config: Config, model: InstalledModel) -> bool:
    """Whether the file is Amber's to delete: it lies in Amber's own models folder."""
    return model.file.resolve().is_relative_to(models_dir(config).resolve())


# --- adding a local file -------------------------------------------------------------------


def model_path(config: Config, file: str) -> Path:
    """`file` in Amber's models folder, refusing any name that would land outside it."""
    folder = models_dir(config)
    target = folder / file
    inside = target.resolve().parent == folder.resolve()
    if not inside or target.name != file or file in ("", ".", ".."):
        raise InvalidInputError(f"{file!r} is not a plain file name; refusing to write there")
    return target


def add_local(
    config: Config, path: Path, role: str | None, name: str | None = None, copy: bool = False
) -> tuple[InstalledModel, bool]:
    """Register a local GGUF in place (or a copy in the models folder). Returns (model, active)."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise NotFoundError(f"no file at {path}")
    info = read_gguf(path)
    entry = manifest_model_for_file(path.name)
    role = resolve_role(role, entry, path.name)
    check_kind(info, role, path.name)
    name = check_name(name or name_from_file(path.name))
    if entry and entry.name != name:
        entry = None  # renamed: the manifest's hints may not describe this file
    if name in _read(config)["models"]:
        raise _name_taken(name)  # checked before copying: a copy would be left behind
    target = _copy_in(config, path) if copy else path
    model = InstalledModel(
        name=name,
        role=role,
        path=str(target),
        size_bytes=target.stat().st_size,
        added_at=now_iso(),
        source="local",
        **from_manifest(entry),
    )
    try:
        return model, register(config, model)
    except AmberError:
        if copy:
            target.unlink(missing_ok=True)
        raise


def resolve_role(role: str | None, entry: ManifestModel | None, file: str) -> str:
    """The role given, else the manifest's for this file; they must agree when both exist."""
    if role is None:
        if entry is None:
            raise InvalidInputError(f"pass --role chat or --role embed for {file}")
        return entry.role
    if entry and entry.role != role:
        raise InvalidInputError(f"the manifest lists {file} with role {entry.role}, not {role}")
    return check_role(role)


def _copy_in(config: Config, source: Path) -> Path:
    """Copy through a `.part` file and rename, so the models folder never holds half a copy."""
    target_dir = models_dir(config)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = model_path(config, source.name)
    if target.exists():
        raise InvalidInputError(f"{target} exists already; rm that model first")
    part = target.with_name(target.name + ".part")
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise RegistryError(f"cannot copy {source} to {target_dir}: {exc}") from exc
    return target
