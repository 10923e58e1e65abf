"""Reading a GGUF file's header: is the file whole, and what kind of model is it.

A cut download still starts with a valid header, so a magic-number check passes it; the
header also says how many tensors follow and how large they are, which gives the length a
complete file must have. `general.architecture` tells an embedding model from a chat one.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from amber.errors import InvalidInputError

GGUF_MAGIC = b"GGUF"


class IncompleteModelError(InvalidInputError):
    """A GGUF file is shorter than its own header says: a cut download."""


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says; `min_size` is the least length a complete file has."""

    version: int
    tensor_count: int
    kv_count: int
    architecture: str  # "" when the file does not say
    has_pooling: bool  # an `<arch>.pooling_type` key: only embedding models carry it
    min_size: int


# Encoder architectures make embeddings, not text; decoders make text. The lists only catch
# obvious mistakes: an architecture in neither list is allowed for both roles.
ENCODER_ARCHS = frozenset(
    {
        "bert",
        "nomic-bert",
        "nomic-bert-moe",
        "jina-bert-v2",
        "jina-bert-v3",
        "xlm-roberta",
        "modern-bert",
        "neo-bert",
        "t5encoder",
    }
)
DECODER_ARCHS = frozenset(
    {
        "llama",
        "llama4",
        "qwen2",
        "qwen2moe",
        "qwen3",
        "qwen3moe",
        "gemma",
        "gemma2",
        "gemma3",
        "phi2",
        "phi3",
        "phimoe",
        "gpt2",
        "gptneox",
        "falcon",
        "starcoder",
        "starcoder2",
        "stablelm",
        "olmo",
        "olmo2",
        "deepseek",
        "deepseek2",
        "command-r",
        "cohere2",
        "granite",
        "granitemoe",
        "smollm3",
        "mamba",
        "mistral3",
        "exaone",
        "internlm2",
        "chatglm",
        "mpt",
    }
)
_GGUF_VERSIONS = (2, 3)  # v1 used 32-bit counts and is long obsolete; later ones are unknown
_DEFAULT_ALIGNMENT = 32
_MAX_DIMS = 8
# ggml tensor type -> (elements per block, bytes per block), from ggml's type traits
_GGML_TYPES: dict[int, tuple[int, int]] = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    9: (32, 36),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
    15: (256, 292),
    16: (256, 66),
    17: (256, 74),
    18: (256, 98),
    19: (256, 50),
    20: (32, 18),
    21: (256, 110),
    22: (256, 82),
    23: (256, 136),
    24: (1, 1),
    25: (1, 2),
    26: (1, 4),
    27: (1, 8),
    28: (1, 8),
    29: (256, 56),
    30: (1, 2),
    34: (256, 54),
    35: (256, 66),
    39: (32, 17),
}
# GGUF metadata value type -> struct format of a scalar; 8 (string) and 9 (array) are special
_SCALARS = {
    0: "B",
    1: "b",
    2: "H",
    3: "h",
    4: "I",
    5: "i",
    6: "f",
    7: "?",
    10: "Q",
    11: "q",
    12: "d",
}
_STRING = 8
_ARRAY = 9


class _ShortFile(Exception):
    """The header runs past the end of the file."""


class _Header:
    """A little-endian cursor over a GGUF header that never reads past the file's end."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size
        self.pos = 0

    def take(self, count: int) -> bytes:
        if self.pos + count > self.size:
            raise _ShortFile
        data = self.handle.read(count)
        if len(data) != count:
            raise _ShortFile
        self.pos += count
        return data

    def skip(self, count: int) -> None:
        if self.pos + count > self.size:
            raise _ShortFile
        self.handle.seek(count, os.SEEK_CUR)
        self.pos += count

    def scalar(self, fmt: str) -> Any:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> bytes:
        return self.take(self.scalar("Q"))

    def value(self, kind: int) -> Any:
        """A metadata value; arrays are skipped (None): only scalars and strings are used."""
        if kind in _SCALARS:
            return self.scalar(_SCALARS[kind])
        if kind == _STRING:
            return self.string().decode("utf-8", "replace")
        if kind != _ARRAY:
            raise ValueError(f"unknown metadata type {kind}")
        item = self.scalar("I")
        count = self.scalar("Q")
        if item in _SCALARS:
            self.skip(count * struct.calcsize(_SCALARS[item]))
        else:
            for _ in range(count):
                self.value(item)
        return None


def read_gguf(path: Path) -> GGUFInfo | None:
    """Parse a GGUF header (metadata and tensor table, not the weights). None: a version this
    reader does not know, left for llama.cpp to judge. Raises IncompleteModelError when the
    file is shorter than its header says, InvalidInputError when it is no GGUF at all."""
    try:
        with path.open("rb") as handle:
            reader = _Header(handle, os.fstat(handle.fileno()).st_size)
            if reader.size < 8 or reader.take(len(GGUF_MAGIC)) != GGUF_MAGIC:
                raise _not_gguf(path)
            version = reader.scalar("I")
            if version not in _GGUF_VERSIONS:
                return None
            info = _parse(reader, version)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except _ShortFile:
        raise _incomplete(path, None) from None
    except (ValueError, struct.error, OverflowError) as exc:
        raise InvalidInputError(f"{path} is a damaged GGUF file ({exc}); get it again") from exc
    if reader.size < info.min_size:
        raise _incomplete(path, info.min_size)
    return info


def _parse(reader: _Header, version: int) -> GGUFInfo:
    tensors = reader.scalar("Q")
    kvs = reader.scalar("Q")
    meta: dict[str, Any] = {}
    for _ in range(kvs):
        key = reader.string().decode("utf-8", "replace")
        meta[key] = reader.value(reader.scalar("I"))
    end = 0
    for _ in range(tensors):
        end = max(end, _tensor_end(reader))
    alignment = meta.get("general.alignment")
    align = alignment if isinstance(alignment, int) and alignment > 0 else _DEFAULT_ALIGNMENT
    data_start = -(-reader.pos // align) * align
    arch = meta.get("general.architecture")
    arch = arch if isinstance(arch, str) else ""
    return GGUFInfo(version, tensors, kvs, arch, f"{arch}.pooling_type" in meta, data_start + end)


def _tensor_end(reader: _Header) -> int:
    """Where a tensor's data ends, relative to the start of the data section."""
    reader.string()
    dims = reader.scalar("I")
    if dims > _MAX_DIMS:
        raise ValueError(f"a tensor has {dims} dimensions")
    count = 1
    for _ in range(dims):
        count *= reader.scalar("Q")
    kind = reader.scalar("I")
    offset = reader.scalar("Q")
    block, size = _GGML_TYPES.get(kind, (1, 0))  # unknown type: only its offset is known
    return offset + -(-count // block) * size


def _not_gguf(path: Path) -> InvalidInputError:
    return InvalidInputError(
        f"{path} is not a GGUF model file (it does not start with 'GGUF'); "
        "convert it with llama.cpp or download a .gguf file"
    )


def _incomplete(path: Path, need: int | None) -> IncompleteModelError:
    size = path.stat().st_size
    want = f"its header needs at least {need}" if need else "its header is cut short"
    return IncompleteModelError(
        f"{path} is incomplete ({size} bytes, {want}): it was cut off while downloading or "
        "copying; get the file again"
    )


def check_kind(info: GGUFInfo | None, role: str, file: str) -> None:
    """Refuse a chat model registered as `embed`, or an embedding model as `chat`."""
    if info is None or not info.architecture:
        return
    arch = info.architecture
    encoder = arch in ENCODER_ARCHS or info.has_pooling
    if role == "embed" and not encoder and arch in DECODER_ARCHS:
        raise InvalidInputError(
            f"{file} is a {arch} text-generation model, not an embedding model; "
            "register it with --role chat"
        )
    if role == "chat" and arch in ENCODER_ARCHS:
        raise InvalidInputError(
            f"{file} is a {arch} embedding model and cannot chat; register it with --role embed"
        )
