"""Where Amber keeps its state, and `config.toml`.

All state lives under one home: `AMBER_HOME` if set, else the platform data dir. The tree
may live elsewhere (an existing Obsidian vault, a git repository) via `[tree] path`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from amber.errors import ConfigError, NotInitializedError

CONFIG_NAME = "config.toml"
INDEX_NAME = "index.db"
KEYFILE_NAME = "keyfile.json"
KEY_STORAGES = ("keyring", "passphrase")
# One message or capture longer than this is stored cut (amber/ingest.py): a long chat
# message is a few KB; a book is not a message.
MAX_EVENT_BYTES = 262_144

CONFIG_TEMPLATE = """\
# Amber configuration. Edit freely; `amber doctor` checks it.

[amber]
# Identifies this home in the OS keyring; do not change.
home_id = "{home_id}"

[security]
# Where the index key lives: "keyring" (OS keyring) or "passphrase" (scrypt-stretched).
key_storage = "{key_storage}"

[tree]
# The Context Tree: relative to this home, or an absolute path (e.g. an Obsidian vault).
path = "{tree_path}"
# Files larger than this are not indexed (reported by `amber doctor`).
max_file_bytes = 5_000_000

[index]
# Commands without a running watcher compare the tree with the index at start-up.
reconcile_on_start = true
# One message or capture longer than this is stored cut to its start and end, with a
# note and the sha256 of the whole text.
max_event_bytes = 262_144

[models]
# Installed models are listed in models/models.json (`amber models list`); none means
# zero-LLM mode. A mirror for downloads (or set AMBER_MODELS_MIRROR):
# mirror = "https://..."
# Threads for llama.cpp (0: all cores for embeddings, llama.cpp's choice for chat)
# and layers to offload to a GPU (-1: all, if any).
threads = 0
gpu_layers = -1

[capture]
# Capture sources for the daemon (`amber daemon start`); `amber sources list` shows them,
# `amber sources enable|disable|pause|resume NAME` switches them.
# The daemon distills captured events while the machine is idle (else: `amber distill`).
distill_when_idle = true

[capture.files]
# Folders to watch, e.g. ["~/notes", "~/projects/amber"]; with none the source waits.
folders = []
# Globs on names or paths below a folder. Excludes add to the built-in ones
# (.git, node_modules, .env*, *.pem, id_*, *.kdbx, binaries, ...).
include = ["*"]
exclude = []
# Larger files are skipped; PDFs have their own limit.
max_file_bytes = 1_000_000
max_pdf_bytes = 20_000_000
# A full rescan catches changes the watcher missed.
rescan_minutes = 30

[capture.screen]
# Seconds between screenshots; slower once you are idle for idle_after_s.
interval_s = 10
idle_interval_s = 60
idle_after_s = 120
# Never captured: windows whose title contains one of exclude_titles, or whose app (process
# name) is in exclude_apps, both case-insensitive, on top of the built-in lists (password
# managers, private browsing, lock screens).
exclude_titles = []
exclude_apps = []
# Screenshots are dropped after OCR. Keep them (AES-GCM encrypted) for retention_days instead:
keep_images = false
retention_days = 7

[retention]
# Days to keep the events of a source (the names `amber recall --source` takes); absent or
# 0: forever. The daemon prunes older ones while the machine is idle, always keeping what
# an entry cites and what the distiller has not read yet (`amber prune` does it by hand).
# screen = 90
"""


def default_home() -> Path:
    env = os.environ.get("AMBER_HOME")
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("amber")).resolve()


@dataclass(frozen=True)
class ModelsSettings:
    """`[models]`: how llama.cpp runs, and where downloads come from."""

    threads: int = 0  # 0: all cores for embeddings, llama.cpp's choice for chat
    gpu_layers: int = -1  # -1: everything, when the build supports a GPU
    mirror: str | None = ""  # None: the value in config.toml is not a URL string
    # A bad value costs models, not memory: recall and remember go on without them, and
    # whatever needs a model reports this.
    problem: str = ""


@dataclass(frozen=True)
class CaptureSettings:
    """`[capture]`: whether the daemon distills when idle, and each source's own table."""

    distill_when_idle: bool = True
    sources: dict[str, dict[str, object]] = field(default_factory=dict)
    problem: str = ""  # a bad value: the daemon refuses to start on it, doctor shows it

    def source(self, name: str) -> dict[str, object]:
        """The `[capture.<name>]` table ({} when there is none)."""
        return dict(self.sources.get(name, {}))


@dataclass(frozen=True)
class RetentionSettings:
    """`[retention]`: days to keep each source's events (sources not named: forever)."""

    days: dict[str, float] = field(default_factory=dict)
    problem: str = ""  # a bad value: nothing is pruned until it is fixed; doctor shows it


@dataclass(frozen=True)
class Config:
    home: Path
    home_id: str
    key_storage: str
    tree_dir: Path
    max_file_bytes: int = 5_000_000
    max_event_bytes: int = MAX_EVENT_BYTES
    reconcile_on_start: bool = True
    models: ModelsSettings = field(default_factory=ModelsSettings, compare=False)
    capture: CaptureSettings = field(default_factory=CaptureSettings, compare=False)
    retention: RetentionSettings = field(default_factory=RetentionSettings, compare=False)

    @property
    def problems(self) -> list[str]:
        """Bad values that cost one part of Amber (models, the daemon), not memory."""
        parts = (self.models.problem, self.capture.problem, self.retention.problem)
        return [p for p in parts if p]

    @property
    def index_path(self) -> Path:
        return self.home / INDEX_NAME

    @property
    def keyfile_path(self) -> Path:
        return self.home / KEYFILE_NAME

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"

    @property
    def watch_lock_path(self) -> Path:
        """Held by a process that keeps the index in step with the tree."""
        return self.locks_dir / "watch.lock"

    @property
    def screens_dir(self) -> Path:
        """Encrypted screenshots, only when the user opted in to keeping them."""
        return self.home / "screens"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"


def write_default_config(home: Path, home_id: str, key_storage: str, tree_path: str) -> None:
    text = CONFIG_TEMPLATE.format(
        home_id=home_id, key_storage=key_storage, tree_path=tree_path.replace("\\", "/")
    )
    (home / CONFIG_NAME).write_text(text, encoding="utf-8")


def load_config(home: Path | None = None) -> Config:
    home = home or default_home()
    path = home / CONFIG_NAME
    if not path.exists():
        raise NotInitializedError(f"no Amber home at {home}; run `amber init` first")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc
    return _config_from(home, data, path)


def _config_from(home: Path, data: dict, path: Path) -> Config:
    try:
        home_id = str(data["amber"]["home_id"])
        key_storage = str(data["security"]["key_storage"])
        tree = data.get("tree", {})
        tree_dir = Path(str(tree.get("path", "tree"))).expanduser()
    except (KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path} lacks {exc}; compare it with CONFIG_TEMPLATE in amber/config.py"
        ) from exc
    if key_storage not in KEY_STORAGES:
        raise ConfigError(f"{path}: key_storage must be one of {', '.join(KEY_STORAGES)}")
    return Config(
        home=home,
        home_id=home_id,
        key_storage=key_storage,
        tree_dir=tree_dir if tree_dir.is_absolute() else home / tree_dir,
        max_file_bytes=int(tree.get("max_file_bytes", 5_000_000)),
        reconcile_on_start=bool(data.get("index", {}).get("reconcile_on_start", True)),
        max_event_bytes=int(data.get("index", {}).get("max_event_bytes", MAX_EVENT_BYTES)),
        models=_models_settings(data.get("models")),
        capture=_capture_settings(data.get("capture"), path),
        retention=_retention_settings(data.get("retention"), path),
    )


def _models_settings(table: object) -> ModelsSettings:
    table = table if isinstance(table, dict) else {}
    raw = table.get("mirror", "")
    mirror = raw.strip() if isinstance(raw, str) else None
    try:
        threads = int(table.get("threads", 0))
        gpu_layers = int(table.get("gpu_layers", -1))
    except (TypeError, ValueError) as exc:
        problem = f"[models] threads and gpu_layers in config.toml must be whole numbers ({exc})"
        return ModelsSettings(mirror=mirror, problem=problem)
    return ModelsSettings(threads, gpu_layers, mirror)


def _capture_settings(table: object, path: Path) -> CaptureSettings:
    """A bad value here concerns the daemon only: every other command goes on."""
    table = table if isinstance(table, dict) else {}
    sources = {name: value for name, value in table.items() if isinstance(value, dict)}
    idle = table.get("distill_when_idle", True)
    if not isinstance(idle, bool):
        problem = f"{path}: [capture] distill_when_idle must be true or false"
        return CaptureSettings(True, sources, problem)
    return CaptureSettings(idle, sources)


def _retention_settings(table: object, path: Path) -> RetentionSettings:
    """A bad value stops retention only (nothing is pruned on a guess); the rest goes on."""
    if table is None:
        return RetentionSettings()
    if not isinstance(table, dict):
        return RetentionSettings(problem=f"{path}: [retention] must be a table of source = days")
    days: dict[str, float] = {}
    for source, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problem = (
                f"{path}: [retention] {source} must be a number of days (0 keeps its events "
                f"forever), not {value!r}; nothing is pruned until it is fixed"
            )
            return RetentionSettings(problem=problem)
        if value:
            days[str(source)] = float(value)
    return RetentionSettings(days)
