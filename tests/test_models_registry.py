"""The model manifest, the registry of installed models, and `amber models add|rm|use|list`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from helpers.cli import amber

from amber.config import Config, load_config
from amber.errors import InvalidInputError, NotFoundError
from amber.models import manifest, registry

ROOT = Path(__file__).resolve().parents[1]
HF_URL = "https://huggingface.co/{repo}/resolve/main/{file}"


def _gguf(folder: Path, name: str = "local-model.gguf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"GGUF" + os.urandom(2048))
    return path


# --- the manifest ----------------------------------------------------------------------------


def test_manifest_lists_chat_and_embed_models_honestly() -> None:
    models = manifest.load_manifest()
    roles = {m.role for m in models.values()}
    assert roles == {"chat", "embed"}
    for model in models.values():
        assert model.sha256 == "" or re.fullmatch(r"[0-9a-f]{64}", model.sha256), model.name
        assert model.url in ("", HF_URL.format(repo=model.repo, file=model.file)), model.name
        assert model.size_bytes > 0, model.name
        assert model.license, model.name
        assert model.ram_gb > 0, model.name
        assert model.file.endswith(".gguf"), model.name
        assert (model.dims or 0) > 0 if model.role == "embed" else (model.context or 0) > 0
    nomic = models["nomic-embed-text-v1.5"]
    assert (nomic.query_prefix, nomic.document_prefix) == ("search_query: ", "search_document: ")
    minilm = models["all-minilm-l6-v2"]
    assert minilm.url == ""
    assert minilm.expected_size == 25_282_432
    assert "Research" in models["qwen2.5-3b-instruct"].license  # not Apache-2.0


def test_packaged_manifest_copy_is_identical_to_the_checkout_one() -> None:
    """The wheel ships app/models/models.toml; a checkout reads models/models.toml."""
    canonical = ROOT / "models" / "models.toml"
    packaged = ROOT / "app" / "models" / "models.toml"
    assert packaged.read_bytes() == canonical.read_bytes(), "copy models/models.toml over"
    assert manifest.default_manifest_path() == canonical
    assert manifest.load_manifest(packaged) == manifest.load_manifest()


def test_a_broken_manifest_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "models.toml"
    bad.write_text('[[model]]\nname = "x"\nrole = "sing"\nfile = "x.gguf"\nurl = ""\n', "utf-8")
    with pytest.raises(manifest.ManifestError, match="role 'sing'"):
        manifest.load_manifest(bad)


# --- the registry ----------------------------------------------------------------------------


def test_add_registers_in_place_and_the_first_of_a_role_is_active(
    config: Config, tmp_path: Path
) -> None:
    assert registry.active_model(config, "chat") is None
    path = _gguf(tmp_path / "elsewhere")
    model, active = registry.add_local(config, path, "chat")
    assert active
    assert model.name == "local-model"
    assert model.path == str(path.resolve())
    assert model.size_bytes == path.stat().st_size
    assert model.source == "local"
    assert not list(registry.models_dir(config).glob("*.gguf"))  # not copied
    second, active = registry.add_local(config, _gguf(tmp_path, "other.gguf"), "chat")
    assert not active
    assert registry.active_model(config, "chat") == model
    registry.set_active(config, second.name)
    assert registry.active_model(config, "chat") == second
    assert registry.active_model(config, "embed") is None


def test_add_copy_and_manifest_hints(config: Config, tmp_path: Path) -> None:
    path = _gguf(tmp_path, "all-MiniLM-L6-v2.Q8_0.gguf")
    model, _ = registry.add_local(config, path, None, copy=True)
    assert model.name == "all-minilm-l6-v2"
    assert model.role == "embed"
    assert model.dims == 384
    assert Path(model.path).parent == registry.models_dir(config)
    assert Path(model.path).read_bytes() == path.read_bytes()
    assert not list(registry.models_dir(config).glob("*.part"))


def test_add_refuses_bad_input(config: Config, tmp_path: Path) -> None:
    path = _gguf(tmp_path)
    with pytest.raises(InvalidInputError, match="pass --role"):
        registry.add_local(config, path, None)
    with pytest.raises(InvalidInputError, match="with role embed, not chat"):
        registry.add_local(config, _gguf(tmp_path, "all-MiniLM-L6-v2.Q8_0.gguf"), "chat")
    with pytest.raises(InvalidInputError, match="must be lowercase"):
        registry.add_local(config, path, "chat", name="Bad Name")
    registry.add_local(config, path, "chat")
    with pytest.raises(InvalidInputError, match="registered already"):
        registry.add_local(config, path, "chat", copy=True)
    assert not list(registry.models_dir(config).glob("*.gguf"))  # no stray copy
    with pytest.raises(NotFoundError, match="no file"):
        registry.add_local(config, tmp_path / "absent.gguf", "chat")


def test_remove_deletes_only_files_in_the_models_folder(config: Config, tmp_path: Path) -> None:
    outside = _gguf(tmp_path / "mine")
    registry.add_local(config, outside, "chat", name="outside")
    inside, _ = registry.add_local(config, _gguf(tmp_path, "in.gguf"), "embed", copy=True)
    removed = registry.remove(config, "outside")
    assert removed.was_active
    assert not removed.deleted_file
    assert outside.exists()
    removed = registry.remove(config, inside.name)
    assert removed.deleted_file
    assert not Path(inside.path).exists()
    assert registry.installed_models(config) == []
    with pytest.raises(NotFoundError):
        registry.remove(config, "outside")


def test_use_refuses_a_model_whose_file_is_gone(config: Config, tmp_path: Path) -> None:
    path = _gguf(tmp_path)
    registry.add_local(config, path, "chat")
    path.unlink()
    with pytest.raises(NotFoundError, match="is gone"):
        registry.set_active(config, "local-model")


def test_a_corrupt_registry_says_what_to_do(config: Config, tmp_path: Path) -> None:
    registry.add_local(config, _gguf(tmp_path), "chat")
    registry.registry_path(config).write_text("{not json", encoding="utf-8")
    with pytest.raises(registry.RegistryError, match="fix or delete it"):
        registry.installed_models(config)


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_add_rejects_a_file_that_is_not_gguf(home: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.gguf"
    text.write_text("just some text", encoding="utf-8")
    code, out, err = amber("models", "add", str(text), "--role", "chat")
    assert code == 2
    assert out == ""
    assert err.startswith("amber: ")
    assert "is not a GGUF model file" in err


def test_cli_add_list_use_rm(home: Path, tmp_path: Path) -> None:
    first = _gguf(tmp_path, "a.gguf")
    second = _gguf(tmp_path, "b.gguf")
    code, out, _ = amber("models", "add", str(first), "--role", "chat", "--json")
    assert code == 0
    assert json.loads(out)["active"] is True
    code, out, _ = amber("models", "add", str(second), "--role", "chat", "--name", "bee", "--copy")
    assert code == 0
    assert "models use bee" in out
    assert amber("models", "use", "bee")[0] == 0
    listing = json.loads(amber("models", "list", "--json")[1])
    assert listing["active"] == {"chat": "bee"}
    assert {m["name"]: m["active"] for m in listing["installed"]} == {"a": False, "bee": True}
    recommended = {m["name"]: m for m in listing["recommended"]}
    assert not recommended["smollm2-135m-instruct"]["installed"]
    code, _, err = amber("models", "rm", "bee")
    assert code == 2
    assert "pass --yes" in err
    code, out, _ = amber("models", "rm", "bee", "--yes", "--json")
    copied = registry.models_dir(load_config()) / "b.gguf"
    assert json.loads(out) == {
        "name": "bee",
        "path": str(copied),
        "deleted_file": True,
        "was_active": True,
    }
    assert first.exists()
    assert second.exists()
    code, out, _ = amber("models", "list")
    assert code == 0
    assert "installed models" in out
    assert "nomic-embed-text-v1.5" in out


def test_cli_list_without_models_and_errors(home: Path) -> None:
    code, out, _ = amber("models", "list")
    assert code == 0
    assert "zero-LLM mode" in out
    code, _, err = amber("models", "use", "nothing")
    assert code == 4
    assert "no installed model named 'nothing'" in err
    code, _, err = amber("models", "pull", "no-such-model")
    assert code == 4
    assert "no model named 'no-such-model' in the manifest" in err
    code, _, err = amber("models", "pull", "all-minilm-l6-v2")
    assert code == 2
    assert "amber models add PATH --role embed" in err


def test_cli_needs_an_initialized_home() -> None:
    code, _, err = amber("models", "list")
    assert code == 1
    assert "amber init" in err
