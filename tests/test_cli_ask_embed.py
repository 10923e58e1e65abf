"""`amber embed`, `amber recall --channels`, `amber ask` through the CLI with real models."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.local_models import minilm, smollm2


def test_without_models_recall_is_lexical_and_ask_shows_evidence(home: Path) -> None:
    amber("remember", "The car needs new tyres before winter")
    code, _, err = amber("recall", "car", "--channels", "vector")
    assert code == 2
    assert "needs an embedding model" in err
    code, out, _ = amber("ask", "what does the car need", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["answer"] is None
    assert "no chat model" in data["note"]
    assert data["evidence"][0]["title"].startswith("The car")
    code, _, err = amber("embed")
    assert code != 0
    assert "no embed model" in err


@pytest.mark.integration
def test_embed_then_vector_and_hybrid_recall_then_ask(home: Path) -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")
    model = minilm()
    car = json.loads(amber("remember", "The car needs new tyres before winter", "--json")[1])
    amber("remember", "Caroline moved to Berlin in May 2023")
    assert amber("models", "add", str(model), "--role", "embed")[0] == 0
    code, out, _ = amber("embed", "--json")
    assert code == 0
    assert json.loads(out)["embedded"] == 2
    code, out, _ = amber("recall", "automobile maintenance", "--channels", "vector", "--json")
    assert json.loads(out)[0]["id"] == car["id"]
    hybrid = json.loads(amber("recall", "car tyres", "--json")[1])[0]
    assert hybrid["id"] == car["id"]
    assert set(hybrid["channels"]) == {"lexical", "vector"}
    assert hybrid["match"] == "strong"
    code, out, _ = amber("recall", "zzqqxx")  # vectors always find a nearest neighbour
    assert code == 0
    assert "No memories match" in out
    assert amber("models", "add", str(smollm2()), "--role", "chat")[0] == 0
    code, out, _ = amber("ask", "Where did Caroline move?", "--json")
    data = json.loads(out)
    evidence_ids = {e["id"] for e in data["evidence"]}
    assert code == 0
    assert set(data["citations"]) <= evidence_ids
    assert data["model"] == "smollm2-135m-instruct"
    # The 135M test model samples (temperature 0.1) and now and then writes no answer that
    # fits (seen once in a full run on the 2-core VM, not reproduced alone): then the
    # evidence is the answer, and the result says why.
    if data["found"] is None:
        assert data["answer"] is None
        assert data["note"].startswith("the model could not answer: ")
        assert data["evidence"]
    else:
        assert isinstance(data["found"], bool)


@pytest.mark.integration
def test_an_embed_model_whose_file_is_gone_leaves_lexical_recall_working(
    home: Path, tmp_path: Path, amber_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    """Each command a new process, as for a user: the model is loaded from its file."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")
    model = minilm()
    copy = tmp_path / "minilm.gguf"
    copy.write_bytes(model.read_bytes())
    assert amber_cli("models", "add", str(copy), "--role", "embed").returncode == 0
    assert amber_cli("remember", "Caroline moved to Berlin in May 2023").returncode == 0
    copy.unlink()
    stored = amber_cli("remember", "The dentist is on Tuesdays", "--json")
    assert stored.returncode == 0  # a retry would duplicate
    assert "not embedded" in stored.stderr
    assert json.loads(stored.stdout)["title"].startswith("The dentist")
    found = amber_cli("recall", "dentist", "--json")
    assert found.returncode == 0
    assert json.loads(found.stdout)[0]["title"].startswith("The dentist")
    assert "vector recall left out" in found.stderr
    vector = amber_cli("recall", "dentist", "--channels", "vector")
    assert vector.returncode != 0
    assert "missing" in vector.stderr


def test_a_corrupt_model_registry_costs_vectors_not_memory(
    home: Path, amber_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    registry = home / "models" / "models.json"
    registry.parent.mkdir(exist_ok=True)
    registry.write_text("{bad", encoding="utf-8")
    stored = amber_cli("remember", "The boiler is serviced in March")
    assert stored.returncode == 0
    assert "working without vectors" in stored.stderr
    found = amber_cli("recall", "boiler", "--json")
    assert found.returncode == 0
    assert json.loads(found.stdout)[0]["title"].startswith("The boiler")
    listed = amber_cli("models", "list")
    assert listed.returncode != 0
    assert "Traceback" not in listed.stderr
