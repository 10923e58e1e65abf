"""llama.cpp, loaded lazily: one handle per model file and mode, held for the process's life.

`llama_cpp` is imported only when a model is first used, so commands that never touch a
model start fast, and Amber works without llama-cpp-python installed (zero-LLM mode).
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amber.errors import AmberError

# Beyond the weights (mmap'd), the KV cache and compute buffers need room; this margin is a
# conservative estimate for the small models Amber recommends.
RAM_OVERHEAD_BYTES = 512 * 1024 * 1024
RAM_FACTOR = 1.1
EMBED_BATCH_TOKENS = 128


class ModelError(AmberError):
    """A model could not be loaded or used."""


class NoModelError(ModelError):
    """No model is configured for the role a command needs."""


@dataclass(frozen=True)
class RuntimeSettings:
    threads: int = 0  # 0: let llama.cpp choose
    gpu_layers: int = -1  # -1: offload everything when the build supports a GPU, else 0
    context: int = 4096


_handles: dict[tuple[str, bool, int], Any] = {}
_load_lock = threading.Lock()


def llama_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


def load(path: Path, *, embedding: bool, settings: RuntimeSettings | None = None) -> Any:
    """The process-wide llama.cpp handle for this file and mode, loading it on first use."""
    settings = settings or RuntimeSettings()
    key = (str(path.resolve()), embedding, settings.context)
    with _load_lock:
        if key not in _handles:
            if not _handles:
                atexit.register(close_all)
            _handles[key] = _load(path, embedding, settings)
        return _handles[key]


def close_all() -> None:
    """Free the models before interpreter teardown; llama-cpp-python's own finalizer fails
    noisily once the module globals it needs are gone."""
    with _load_lock:
        for handle in _handles.values():
            close = getattr(handle, "close", None)
            if close:
                close()
        _handles.clear()


def _load(path: Path, embedding: bool, settings: RuntimeSettings) -> Any:
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; run `amber models list` to check")
    check_ram(path)
    try:
        import llama_cpp
    except ImportError as exc:
        raise ModelError(
            "llama-cpp-python is not installed; run scripts/setup.sh (it builds a portable wheel)"
        ) from exc
    gpu = settings.gpu_layers if llama_cpp.llama_supports_gpu_offload() else 0
    # Embedding models run at their trained context (0 = from the file). Their batch is
    # small on purpose: llama.cpp attends over the whole micro-batch, and measured here a
    # 2048-token batch made a one-line query take 150 ms against 7 ms at 256. Inputs longer
    # than the batch are cut, so chunks are kept below it (amber.retrieval.chunking).
    context = 0 if embedding else settings.context
    batch = EMBED_BATCH_TOKENS if embedding else min(settings.context, 512)
    try:
        return llama_cpp.Llama(
            model_path=str(path),
            embedding=embedding,
            n_ctx=context,
            n_batch=batch,
            n_ubatch=batch,
            n_threads=settings.threads or _default_threads(embedding),
            n_gpu_layers=gpu,
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f"llama.cpp could not load {path.name}: {exc}") from exc


def _default_threads(embedding: bool) -> int | None:
    """llama-cpp-python's default is half the cores: one thread on a 2-core machine. For
    embeddings every core pays (MiniLM here: 1.6x the texts per second with 2 threads than
    with 1); generation keeps llama.cpp's choice, which thrashed less under load."""
    return max(1, os.cpu_count() or 1) if embedding else None


def available_ram() -> int | None:
    """Bytes of memory the system can give without swapping, when the OS says."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_ram(path: Path) -> None:
    needed = int(path.stat().st_size * RAM_FACTOR) + RAM_OVERHEAD_BYTES
    free = available_ram()
    if free is not None and needed > free:
        raise ModelError(
            f"{path.name} needs about {needed / 2**30:.1f} GiB of memory but only "
            f"{free / 2**30:.1f} GiB is free; close programs or choose a smaller model "
            "(`amber models list` shows RAM needs)"
        )
