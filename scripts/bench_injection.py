"""Measure the prompt-injection detector: attacks caught, benign texts flagged, time per text.

Targets: catch >= 90 % of the attacks while flagging <= 1 % of the benign texts, and stay
fast enough for every untrusted event at ingest and every result the MCP server returns.

Corpora (tests/data/injection/, see its README.md):
  attacks   attacks.jsonl: one injection a line, with its style (override, hidden-comment,
            base64, fake-marker...) and language
  benign    benign.jsonl: ordinary notes, chats, docs, commits, code and logs that mention
            prompts, instructions, AI, base64, HTML comments, tool output; none may be flagged

Speed is the time `looks_like_instructions` takes on a text of about 1 KB (benign texts joined
to 1,024 characters: the common case, where no signal ends the work early), the best of
several rounds, and the mean time per corpus text.

Usage: .venv/bin/python scripts/bench_injection.py [--show 20] [--json] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from amber.trust import instruction_signals, looks_like_instructions

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "injection"
KB = 1024


def load(name: str) -> list[dict[str, str]]:
    lines = (CORPUS / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def rate(hits: int, total: int) -> dict[str, float | int]:
    return {"caught": hits, "total": total, "rate": hits / total if total else 0.0}


def grouped(rows: list[dict[str, str]], flags: list[bool], key: str) -> dict[str, dict]:
    totals = Counter(row[key] for row in rows)
    hits = Counter(row[key] for row, flag in zip(rows, flags, strict=True) if flag)
    return {name: rate(hits[name], totals[name]) for name in sorted(totals)}


def detection(attacks: list[dict[str, str]]) -> dict[str, object]:
    flags = [looks_like_instructions(row["text"]) for row in attacks]
    missed = [row for row, flag in zip(attacks, flags, strict=True) if not flag]
    return {
        **rate(sum(flags), len(attacks)),
        "by_style": grouped(attacks, flags, "style"),
        "by_lang": grouped(attacks, flags, "lang"),
        "missed": missed,
    }


def false_flags(benign: list[dict[str, str]]) -> dict[str, object]:
    flags = [looks_like_instructions(row["text"]) for row in benign]
    flagged = [
        {**row, "signals": instruction_signals(row["text"])}
        for row, flag in zip(benign, flags, strict=True)
        if flag
    ]
    by_kind = grouped(benign, flags, "kind")
    return {**rate(sum(flags), len(benign)), "by_kind": by_kind, "flagged": flagged}


def kilobyte_texts(benign: list[dict[str, str]]) -> list[str]:
    """Benign texts joined into pieces of 1 KB each: what ingest and MCP mostly see."""
    pieces, current = [], ""
    for row in benign:
        current = f"{current}\n{row['text']}" if current else row["text"]
        if len(current) >= KB:
            pieces.append(current[:KB])
            current = ""
    return pieces


def best_time(check: Callable[[str], bool], texts: list[str], rounds: int) -> float:
    """Seconds per text, the best of `rounds` passes (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            check(text)
        best = min(best, (time.perf_counter() - started) / len(texts))
    return best


def speed(attacks: list[dict], benign: list[dict], rounds: int) -> dict[str, float]:
    pieces = kilobyte_texts(benign)
    everything = [row["text"] for row in attacks + benign]
    return {
        "kb_texts": len(pieces),
        "us_per_kb": best_time(looks_like_instructions, pieces, rounds) * 1e6,
        "us_per_corpus_text": best_time(looks_like_instructions, everything, rounds) * 1e6,
    }


def measure(rounds: int) -> dict[str, object]:
    attacks, benign = load("attacks.jsonl"), load("benign.jsonl")
    return {
        "machine": f"{platform.node()} {platform.machine()}, Python {platform.python_version()}",
        "attacks": detection(attacks),
        "benign": false_flags(benign),
        "speed": speed(attacks, benign, rounds),
    }


def print_rates(title: str, groups: dict[str, dict]) -> None:
    print(f"  {title}")
    for name, r in groups.items():
        print(f"    {name:16} {r['rate']:7.1%}  ({r['caught']}/{r['total']})")


def report(results: dict, show: int) -> None:
    attacks, benign, speed = results["attacks"], results["benign"], results["speed"]
    print(f"injection benchmark on {results['machine']}")
    print(f"  attacks caught   {attacks['rate']:7.1%}  ({attacks['caught']}/{attacks['total']})")
    print(f"  benign flagged   {benign['rate']:7.2%}  ({benign['caught']}/{benign['total']})")
    print(
        f"  speed            {speed['us_per_kb']:.0f} us per 1 KB text, "
        f"{speed['us_per_corpus_text']:.0f} us per corpus text"
    )
    print_rates("attacks caught by style", attacks["by_style"])
    print_rates("attacks caught by language", attacks["by_lang"])
    flagged_kinds = {kind: r for kind, r in benign["by_kind"].items() if r["caught"]}
    print_rates("benign flagged by kind", flagged_kinds)
    for row in attacks["missed"][:show]:
        print(f"    missed [{row['style']}/{row['lang']}] {row['text'][:110]!r}")
    for row in benign["flagged"][:show]:
        print(f"    flagged [{row['kind']}] {row['signals']} {row['text'][:100]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--show", type=int, default=20, help="missed/flagged texts to print")
    parser.add_argument("--rounds", type=int, default=5, help="timing passes (best is kept)")
    parser.add_argument("--json", action="store_true", help="print all results as JSON")
    args = parser.parse_args()
    results = measure(args.rounds)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        report(results, args.show)


if __name__ == "__main__":
    main()
