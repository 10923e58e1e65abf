"""`amber models pull`: resumable, verified downloads against a real HTTP server on 127.0.0.1.

The server runs in a thread of the test and can be told to cut the connection, answer 404,
ignore Range, or serve wrong bytes; shutting it down simulates a server that is gone.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.cli import invoke
from helpers.model_server import Behavior, Running, serving

from amber.config import load_config
from amber.errors import InvalidInputError
from amber.models import download, manifest, registry
from amber.models.download import DownloadError

PAYLOAD = b"GGUF" + os.urandom(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def srv() -> Iterator[Running]:
    with serving(Behavior(payload=PAYLOAD)) as running:
        yield running


def _no_final_file(dest: Path) -> bool:
    return not dest.exists()


# --- the downloader --------------------------------------------------------------------------


def test_full_download_verifies_and_places_atomically(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "models" / "tiny.gguf"
    calls: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        assert not dest.exists(), "the final path must never hold a partial file"
        calls.append((done, total))

    got = download.download(srv.url, dest, sha256=SHA, size=len(PAYLOAD), progress=progress)
    assert dest.read_bytes() == PAYLOAD
    assert got.sha256 == SHA
    assert got.size_bytes == len(PAYLOAD)
    assert got.resumed_from == 0
    assert not download.part_path(dest).exists()
    assert calls[0] == (0, len(PAYLOAD))
    assert calls[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert srv.behavior.seen[0]["range"] is None


def test_resume_after_a_cut_fetches_only_the_rest(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    srv.behavior.cut_after = 100_000
    with pytest.raises(DownloadError, match="re-run to resume"):
        download.download(srv.url, dest, sha256=SHA)
    assert _no_final_file(dest)
    assert download.part_path(dest).stat().st_size == 100_000
    srv.behavior.cut_after = None
    got = download.download(srv.url, dest, sha256=SHA)
    assert dest.read_bytes() == PAYLOAD
    assert got.resumed_from == 100_000
    assert srv.behavior.seen[-1]["range"] == "bytes=100000-"
    assert srv.behavior.seen[-1]["sent"] == len(PAYLOAD) - 100_000
    assert not download.part_path(dest).exists()


def test_a_server_that_ignores_range_restarts_cleanly(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    download.part_path(dest).write_bytes(b"GGUF" + b"stale bytes from another file" * 100)
    srv.behavior.ignore_range = True
    got = download.download(srv.url, dest, sha256=SHA)
    assert srv.behavior.seen[0]["range"] is not None
    assert dest.read_bytes() == PAYLOAD
    assert got.resumed_from == 0


def test_a_part_longer_than_the_file_starts_over(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    download.part_path(dest).write_bytes(PAYLOAD + b"extra")
    download.download(srv.url, dest, sha256=SHA)
    assert [s["range"] for s in srv.behavior.seen] == [f"bytes={len(PAYLOAD) + 5}-", None]
    assert dest.read_bytes() == PAYLOAD


def test_checksum_mismatch_is_rejected_and_nothing_is_kept(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    srv.behavior.payload = PAYLOAD[:-1] + bytes([PAYLOAD[-1] ^ 0xFF])  # one wrong byte
    with pytest.raises(DownloadError, match="checksum mismatch") as err:
        download.download(srv.url, dest, sha256=SHA)
    assert SHA in str(err.value)
    assert "deleted" in str(err.value)
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def test_size_mismatch_is_rejected(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    with pytest.raises(DownloadError, match="were expected"):
        download.download(srv.url, dest, size=len(PAYLOAD) + 1)
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def test_404_gives_a_clear_error(srv: Running, tmp_path: Path) -> None:
    srv.behavior.status = 404
    dest = tmp_path / "tiny.gguf"
    with pytest.raises(DownloadError, match=r"HTTP 404.*check the model name or URL"):
        download.download(srv.url, dest)
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def test_server_gone_gives_a_clear_error(srv: Running, tmp_path: Path) -> None:
    srv.stop()
    dest = tmp_path / "tiny.gguf"
    with pytest.raises(DownloadError, match=r"cannot reach 127\.0\.0\.1.*set a mirror"):
        download.download(srv.url, dest, timeout=5)
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def test_server_gone_after_a_cut_keeps_the_part_for_resuming(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    srv.behavior.cut_after = 50_000
    with pytest.raises(DownloadError):
        download.download(srv.url, dest)
    srv.stop()
    with pytest.raises(DownloadError, match="re-run to resume"):
        download.download(srv.url, dest, timeout=5)
    assert _no_final_file(dest)
    assert download.part_path(dest).stat().st_size == 50_000


def test_a_stalled_server_times_out_and_the_part_is_kept(srv: Running, tmp_path: Path) -> None:
    dest = tmp_path / "tiny.gguf"
    srv.behavior.stall_after = 10_000
    try:
        with pytest.raises(DownloadError, match=r"interrupted \(timed out\).*re-run to resume"):
            download.download(srv.url, dest, timeout=0.3)
    finally:
        srv.behavior.release.set()
    assert _no_final_file(dest)
    assert download.part_path(dest).stat().st_size == 10_000


def _little_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    usage = shutil.disk_usage(Path.cwd())
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=free))


def test_too_little_disk_space_is_refused_before_downloading(
    srv: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _little_space(monkeypatch, free=download.DISK_MARGIN)
    dest = tmp_path / "tiny.gguf"
    with pytest.raises(DownloadError, match="not enough free disk space"):
        download.download(srv.url, dest, size=len(PAYLOAD))
    assert srv.behavior.seen == []  # the size was known: no request at all
    with pytest.raises(DownloadError, match="not enough free disk space"):
        download.download(srv.url, dest)  # size from Content-Length, before any byte is written
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def test_disk_full_while_writing_deletes_the_part(
    srv: Running, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def full_disk_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        if self.suffix == ".part" and "a" in mode:
            handle.write = _raise_enospc  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(Path, "open", full_disk_open)
    dest = tmp_path / "tiny.gguf"
    with pytest.raises(DownloadError, match=r"disk full.*free up about"):
        download.download(srv.url, dest)
    assert _no_final_file(dest)
    assert not download.part_path(dest).exists()


def _raise_enospc(_data: bytes) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# --- pull: manifest names, mirrors, the registry, the CLI ------------------------------------


def test_mirror_replaces_the_hugging_face_base(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://huggingface.co/org/repo/resolve/main/m.gguf"
    assert manifest.apply_mirror(url, "") == url
    assert manifest.apply_mirror(url, "https://mirror.example/hf/") == (
        "https://mirror.example/hf/org/repo/resolve/main/m.gguf"
    )
    assert manifest.apply_mirror("https://example.org/m.gguf", "https://m.example") == (
        "https://example.org/m.gguf"
    )
    config = load_config()
    assert manifest.configured_mirror(config) == ""
    _set_config_mirror(home, "https://from-config.example")
    config = load_config()  # config.toml is read once, when a command opens the home
    assert manifest.configured_mirror(config) == "https://from-config.example"
    monkeypatch.setenv(manifest.MIRROR_ENV, "https://from-env.example")
    assert manifest.configured_mirror(config) == "https://from-env.example"
    plan = download.plan_pull(config, "smollm2-135m-instruct")
    assert plan.url.startswith("https://from-env.example/QuantFactory/")


def _set_config_mirror(home: Path, mirror: str) -> None:
    path = home / "config.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[models]\n", f'[models]\nmirror = "{mirror}"\n'), "utf-8")


def test_pull_by_name_goes_through_the_mirror_and_registers(
    srv: Running, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "models.toml"
    toml.write_text(
        '[[model]]\nname = "tiny"\nrole = "embed"\nfile = "tiny.gguf"\n'
        'url = "https://huggingface.co/repo/resolve/main/tiny.gguf"\n'
        f'size_bytes = {len(PAYLOAD)}\nsize_exact = true\nsha256 = "{SHA}"\ndims = 8\n'
        'query_prefix = "q: "\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(manifest, "default_manifest_path", lambda: toml)
    monkeypatch.setenv(manifest.MIRROR_ENV, srv.url.split("/repo/")[0])
    config = load_config()
    result = download.pull_model(config, "tiny")
    assert srv.behavior.seen[0]["path"] == "/repo/resolve/main/tiny.gguf"
    assert result.active
    assert result.model.dims == 8
    assert result.model.query_prefix == "q: "
    assert registry.active_model(config, "embed") == result.model
    assert Path(result.model.path) == registry.models_dir(config) / "tiny.gguf"
    again = download.pull_model(config, "tiny")
    assert again.downloaded is None
    assert len(srv.behavior.seen) == 1


def test_pull_rejects_a_file_that_is_not_gguf(srv: Running, home: Path) -> None:
    srv.behavior.payload = b"<html>Sign in to continue</html>"
    config = load_config()
    with pytest.raises(DownloadError, match="not a GGUF model"):
        download.pull_model(config, srv.url, role="chat")
    assert list(registry.models_dir(config).glob("tiny.gguf*")) == []
    assert registry.installed_models(config) == []


def test_pull_needs_a_role_for_an_unknown_url(srv: Running, home: Path) -> None:
    with pytest.raises(InvalidInputError, match="pass --role chat or --role embed"):
        download.pull_model(load_config(), srv.url)
    assert srv.behavior.seen == []


def test_cli_pull_end_to_end_without_a_terminal(srv: Running, home: Path) -> None:
    result = invoke("models", "pull", srv.url, "--role", "chat", "--sha256", SHA.upper())
    assert result.exit_code == 0, result.output
    assert "Installed tiny" in result.stdout
    assert SHA in result.stdout
    listing = invoke("models", "list", "--json")
    installed = json.loads(listing.stdout)["installed"]
    assert [(m["name"], m["role"], m["active"], m["sha256"]) for m in installed] == [
        ("tiny", "chat", True, SHA)
    ]


def test_cli_pull_errors_are_one_line(srv: Running, home: Path) -> None:
    srv.behavior.payload = b"GGUF" + b"\0" * 1000
    result = invoke("models", "pull", srv.url, "--role", "chat", "--sha256", SHA, "--json")
    assert result.exit_code == 1
    assert result.stderr.startswith("amber: checksum mismatch")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    bad = invoke("models", "pull", srv.url, "--role", "chat", "--sha256", "x")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("amber: --sha256 must be 64 hexadecimal")
