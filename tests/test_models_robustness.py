"""Hostile or broken inputs to the model manager: URLs that smuggle paths, downloads that end
early, a `.part` from another URL, a registry edited into another shape, a GGUF of the wrong
kind. Downloads run against a real HTTP server on 127.0.0.1, as in test_models_download.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.cli import amber
from helpers.local_models import minilm, smollm2
from helpers.model_server import Behavior, Running, serving

from amber.config import Config, load_config
from amber.errors import InvalidInputError
from amber.models import download, gguf, manifest, registry


def gguf_bytes(arch: str = "llama", *, pooling: bool = False, floats: int = 50_000) -> bytes:
    """A small but complete GGUF v3: a few metadata keys and one F32 tensor of `floats`."""
    kvs = [_kv_string("general.architecture", arch), _kv_string("general.name", "t")]
    if pooling:
        kvs.append(_string(f"{arch}.pooling_type") + struct.pack("<II", 4, 1))
    tensor = _string("w") + struct.pack("<IQIQ", 1, floats, 0, 0)  # 1 dim, F32, offset 0
    head = b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs)) + b"".join(kvs) + tensor
    head += b"\0" * (-len(head) % 32)  # the data section starts 32-byte aligned
    return head + bytes(range(256)) * (floats * 4 // 256) + b"\1" * (floats * 4 % 256)


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _kv_string(key: str, value: str) -> bytes:
    return _string(key) + struct.pack("<I", 8) + _string(value)


CHAT = gguf_bytes("llama")
EMBED = gguf_bytes("bert", pooling=True, floats=40_000)


@pytest.fixture
def srv() -> Iterator[Running]:
    with serving(Behavior()) as running:
        yield running


def _one_error_line(err: str) -> str:
    """The error line on stderr; a progress bar may precede it, no traceback may follow."""
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("amber: "), err
    assert "Traceback" not in err, err
    return last


# --- 1. a URL must not choose where the file is written -------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        "%2Ftmp%2Fpwned.gguf",
        "x%2F..%2F..%2Fpwned2.gguf",
        "..%2Fup.gguf",
        "a%5Cb.gguf",
        "nul%00.gguf",
        ".hidden.gguf",
        "%2E%2E%2Fdots.gguf",
    ],
)
def test_a_url_cannot_smuggle_a_path(srv: Running, home: Path, tail: str) -> None:
    url = f"{srv.base}/ok/{tail}"
    with pytest.raises(InvalidInputError, match=r"not a plain file name|does not name"):
        manifest.file_from_url(url)
    code, _out, err = amber("models", "pull", url, "--role", "embed")
    assert code == 2
    assert err.startswith("amber: ")
    assert err.count("\n") == 1
    assert srv.behavior.seen == []  # refused before any request


def test_the_download_target_stays_in_the_models_folder(config: Config, tmp_path: Path) -> None:
    for bad in ("../out.gguf", "/tmp/abs.gguf", "a/b.gguf", "..", ""):
        with pytest.raises(InvalidInputError, match="not a plain file name"):
            registry.model_path(config, bad)
    folder = registry.models_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "link.gguf").symlink_to(tmp_path / "victim.gguf")  # os.replace would follow it
    with pytest.raises(InvalidInputError):
        registry.model_path(config, "link.gguf")
    assert registry.model_path(config, "fine.gguf") == folder / "fine.gguf"


# --- 2. a download that ends early is never installed ---------------------------------------


def _pull_fails_and_keeps_the_part(config: Config, url: str) -> Path:
    with pytest.raises(download.IncompleteDownload, match="re-run to resume"):
        download.pull_model(config, url, role="chat")
    assert registry.installed_models(config) == []
    dest = registry.models_dir(config) / "chat.gguf"
    assert not dest.exists()
    return download.part_path(dest)


def test_a_cut_without_content_length_is_not_installed(srv: Running, home: Path) -> None:
    srv.behavior.files["/m/chat.gguf"] = CHAT
    srv.behavior.no_length = True
    srv.behavior.cut_after = len(CHAT) // 3
    config = load_config()
    part = _pull_fails_and_keeps_the_part(config, srv.base + "/m/chat.gguf")
    assert part.stat().st_size == len(CHAT) // 3
    srv.behavior.cut_after = None
    result = download.pull_model(config, srv.base + "/m/chat.gguf", role="chat")
    assert result.downloaded
    assert result.downloaded.resumed_from == len(CHAT) // 3
    assert result.model.file.read_bytes() == CHAT
    assert result.model.sha256 == hashlib.sha256(CHAT).hexdigest()
    assert not part.exists()
    assert not download.origin_path(part).exists()


def test_a_content_length_shorter_than_the_file_is_not_installed(srv: Running, home: Path) -> None:
    srv.behavior.files["/m/chat.gguf"] = CHAT
    srv.behavior.length = len(CHAT) - 1000
    code, _out, err = amber("models", "pull", srv.base + "/m/chat.gguf", "--role", "chat")
    assert code == 1
    assert "ended early" in _one_error_line(err)
    assert registry.installed_models(load_config()) == []


def test_a_part_from_another_url_is_not_spliced_in(srv: Running, home: Path) -> None:
    srv.behavior.files["/a/chat.gguf"] = CHAT
    srv.behavior.files["/b/chat.gguf"] = other = gguf_bytes("qwen2", floats=60_000)
    srv.behavior.cut_after = 20_000
    config = load_config()
    _pull_fails_and_keeps_the_part(config, srv.base + "/a/chat.gguf")
    srv.behavior.cut_after = None
    result = download.pull_model(config, srv.base + "/b/chat.gguf", role="chat")
    assert srv.behavior.seen[-1] == {
        "path": "/b/chat.gguf",
        "range": None,
        "if_range": None,
        "sent": len(other),
    }
    assert result.model.file.read_bytes() == other
    assert result.downloaded
    assert result.downloaded.resumed_from == 0


def test_resuming_sends_if_range_with_the_etag(srv: Running, home: Path) -> None:
    srv.behavior.files["/a/chat.gguf"] = CHAT
    srv.behavior.cut_after = 20_000
    srv.behavior.etag = '"v1"'
    config = load_config()
    _pull_fails_and_keeps_the_part(config, srv.base + "/a/chat.gguf")
    srv.behavior.cut_after = None
    download.pull_model(config, srv.base + "/a/chat.gguf", role="chat")
    assert srv.behavior.seen[-1]["range"] == "bytes=20000-"
    assert srv.behavior.seen[-1]["if_range"] == '"v1"'


def test_adding_a_truncated_gguf_is_refused(config: Config, tmp_path: Path) -> None:
    for cut in (len(CHAT) - 1, 40):  # the weights cut short, or the header itself
        path = tmp_path / f"cut{cut}.gguf"
        path.write_bytes(CHAT[:cut])
        with pytest.raises(gguf.IncompleteModelError, match="is incomplete"):
            registry.add_local(config, path, "chat")
    assert registry.installed_models(config) == []


# --- 3. a registry edited into another shape gives one clear line ----------------------------

_GOOD_ENTRY = {"name": "m", "role": "chat", "path": "/x/m.gguf", "size_bytes": 1}


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1, "active": [], "models": {"x": 5}},
        {"version": 1, "active": {}, "models": {"x": 5}},
        {
            "version": 1,
            "active": {},
            "models": {"m": {k: v for k, v in _GOOD_ENTRY.items() if k != "size_bytes"}},
        },
        {"version": 1, "active": {"chat": 3}, "models": {}},
        {"version": 1, "active": {}, "models": {"m": {**_GOOD_ENTRY, "size_bytes": "big"}}},
        {"version": 1, "active": {}, "models": []},
        [1, 2],
    ],
)
def test_a_malformed_registry_says_what_to_do(config: Config, data: Any) -> None:
    path = registry.registry_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    for query in (registry.installed_models, registry.active_names):
        with pytest.raises(registry.RegistryError, match="fix or delete it"):
            query(config)
    with pytest.raises(registry.RegistryError, match="fix or delete it"):
        registry.active_model(config, "embed")
    code, _out, err = amber("models", "list")
    assert code == 1
    assert err.startswith("amber: ")
    assert err.count("\n") == 1


# --- 4. a model of the wrong kind is refused for a role --------------------------------------


def test_add_refuses_a_model_of_the_wrong_kind(config: Config, tmp_path: Path) -> None:
    chat = tmp_path / "chat.gguf"
    embed = tmp_path / "embed.gguf"
    chat.write_bytes(CHAT)
    embed.write_bytes(EMBED)
    with pytest.raises(InvalidInputError, match="not an embedding model"):
        registry.add_local(config, chat, "embed")
    with pytest.raises(InvalidInputError, match="cannot chat"):
        registry.add_local(config, embed, "chat")
    assert registry.installed_models(config) == []
    assert registry.add_local(config, chat, "chat")[1]
    assert registry.add_local(config, embed, "embed")[1]


def test_an_unknown_architecture_is_allowed_for_both_roles(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "novel.gguf"
    path.write_bytes(gguf_bytes("some-future-arch"))
    registry.add_local(config, path, "chat")
    registry.add_local(config, path, "embed", name="novel-embed")
    # a decoder that declares a pooling type is an embedding model (e.g. Qwen3-Embedding)
    pooled = tmp_path / "qwen-embed.gguf"
    pooled.write_bytes(gguf_bytes("qwen3", pooling=True))
    registry.add_local(config, pooled, "embed")


def test_pull_refuses_a_model_of_the_wrong_kind(srv: Running, home: Path) -> None:
    srv.behavior.files["/m/chat.gguf"] = CHAT
    code, _out, err = amber("models", "pull", srv.base + "/m/chat.gguf", "--role", "embed")
    assert code == 1
    assert "not an embedding model" in _one_error_line(err)
    config = load_config()
    assert registry.installed_models(config) == []
    assert list(registry.models_dir(config).glob("chat.gguf*")) == []


def test_the_real_embedding_model_is_refused_as_chat(home: Path, tmp_path: Path) -> None:
    model = minilm()
    renamed = tmp_path / "mini.gguf"  # under its own name the manifest's role check answers
    shutil.copyfile(model, renamed)
    code, _out, err = amber("models", "add", str(renamed), "--role", "chat")
    assert code == 2
    assert "cannot chat" in err
    assert err.count("\n") == 1
    info = gguf.read_gguf(model)
    assert info
    assert info.architecture == "bert"
    assert info.min_size == model.stat().st_size


def test_the_real_chat_model_is_refused_as_embed() -> None:
    path = smollm2()
    info = gguf.read_gguf(path)
    assert info
    assert info.architecture == "llama"
    assert info.min_size == path.stat().st_size
    with pytest.raises(InvalidInputError, match="not an embedding model"):
        gguf.check_kind(info, "embed", path.name)
