"""The manifest of recommended models (`models/models.toml`), and mirror URL rewriting.

In a source checkout the manifest is read from `models/models.toml` at the repository root,
so edits there take effect at once; an installed wheel has no repository root and reads the
identical copy shipped as package data (`amber/models/models.toml`). A test keeps the two
files identical.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from amber.config import CONFIG_NAME, Config
from amber.errors import AmberError, ConfigError, InvalidInputError, NotFoundError

ROLES = ("chat", "embed")
HF_BASE = "https://huggingface.co"
MIRROR_ENV = "AMBER_MODELS_MIRROR"
MANIFEST_NAME = "models.toml"
_HERE = Path(__file__).resolve()


class ManifestError(AmberError):
    """models.toml is malformed (only possible after an edit by hand)."""


@dataclass(frozen=True)
class ManifestModel:
    """One recommended model. `sha256` is "" when unknown; `size_exact` says if size is."""

    name: str
    role: str
    file: str
    url: str
    repo: str = ""
    tier: str = ""
    size_bytes: int = 0
    size_exact: bool = False
    sha256: str = ""
    license: str = ""
    ram_gb: float = 0.0
    context: int | None = None
    dims: int | None = None
    pooling: str = ""
    query_prefix: str = ""
    document_prefix: str = ""
    description: str = ""

    @property
    def expected_size(self) -> int | None:
        """The size a download must have, or None when the manifest only knows roughly."""
        return self.size_bytes if self.size_exact and self.size_bytes else None


def default_manifest_path() -> Path:
    """The checkout's `models/models.toml` when running from source, else the packaged copy."""
    if _HERE.parents[1].name == "app":  # the source folder `app` exists only in a checkout
        checkout = _HERE.parents[2] / "models" / MANIFEST_NAME
        if checkout.is_file():
            return checkout
    return Path(str(resources.files("amber.models") / MANIFEST_NAME))


def load_manifest(path: Path | None = None) -> dict[str, ManifestModel]:
    """Recommended models by name, in file order."""
    path = path or default_manifest_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the model manifest {path}: {exc}") from exc
    models: dict[str, ManifestModel] = {}
    for raw in data.get("model", []):
        model = _model_from(raw, path)
        models[model.name] = model
    return models


def _model_from(raw: dict[str, Any], path: Path) -> ManifestModel:
    known = ManifestModel.__dataclass_fields__
    try:
        model = ManifestModel(**{k: v for k, v in raw.items() if k in known})
    except TypeError as exc:
        raise ManifestError(f"{path}: an entry lacks a field ({exc}); see the header") from exc
    if model.role not in ROLES:
        raise ManifestError(f"{path}: model {model.name!r} has role {model.role!r}")
    return model


def find_manifest_model(name: str, path: Path | None = None) -> ManifestModel:
    models = load_manifest(path)
    if name not in models:
        raise NotFoundError(
            f"no model named {name!r} in the manifest; `amber models list` shows the names, "
            "or pass a URL"
        )
    return models[name]


def manifest_model_for_file(file: str, path: Path | None = None) -> ManifestModel | None:
    """The manifest entry for a GGUF file name (case-insensitive), if there is one."""
    for model in load_manifest(path).values():
        if model.file.lower() == file.lower():
            return model
    return None


def configured_mirror(config: Config) -> str:
    """AMBER_MODELS_MIRROR, else `[models] mirror` in config.toml, else "" (no mirror)."""
    env = os.environ.get(MIRROR_ENV, "").strip()
    if env:
        return env
    if config.models.mirror is None:
        raise ConfigError(f"{config.home / CONFIG_NAME}: [models] mirror must be a URL string")
    return config.models.mirror


def apply_mirror(url: str, mirror: str) -> str:
    """Replace the Hugging Face base of `url` with `mirror`; other URLs pass unchanged."""
    if not mirror:
        return url
    if url == HF_BASE or url.startswith(HF_BASE + "/"):
        return mirror.rstrip("/") + url[len(HF_BASE) :]
    return url


def file_from_url(url: str) -> str:
    """The file name a URL downloads to: its last path segment, decoded.

    The segment is split off before decoding, so `%2F` or `%5C` could smuggle a path into
    it; a decoded name that is not a plain file name is refused rather than cleaned up.
    """
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    if not name.lower().endswith(".gguf"):
        raise InvalidInputError(f"{url} does not name a .gguf file; give a URL to a GGUF model")
    if not is_plain_file_name(name):
        raise InvalidInputError(
            f"{url} names the file {name!r}, which is not a plain file name; "
            "give a URL whose last part is a name like model.gguf"
        )
    return name


def is_plain_file_name(name: str) -> bool:
    """No folder separators, no `..`, no NUL, not hidden: safe to join to a folder."""
    unsafe = ("/", "\\", "\0")
    return bool(name) and not name.startswith(".") and not any(c in name for c in unsafe)
