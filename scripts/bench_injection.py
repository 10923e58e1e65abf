"""Measure the prompt-injection detector: attacks caught, benign texts flagged, time per text.

Targets: catch >= 90 % of the attacks while flagging <= 1 % of the benign texts, and stay
fast enough for every untrusted event at ingest and every result the MCP server returns
(within 2x the time per KB of the detector before the corpus existed).

Corpora (tests/data/injection/, see its README.md):
  attacks   attacks.jsonl: one injection a line, with its style (override, hidden-comment,
            base64, fake-marker...) and language
  benign    benign.jsonl: ordinary notes, chats, docs, commits, code and logs that mention
            prompts, instructions, AI, base64, HTML comments, tool output; none may be flagged
  real      (--real) paragraphs of real text on this machine: package READMEs and docs in
            site-packages, /usr/share/doc, the stdlib's code; each distinct paragraph once.
            A flag there is an upper bound on false flags (a README may quote an attack).

Speed is the time `looks_like_instructions` takes on texts of 1 KB (benign texts joined to
1,024 characters: the common case, where no strong signal ends the work early), the best
of several rounds, and the mean time per corpus text. `--against OLD` measures another
version of the detector too, timed in the same rounds, so that a busy machine slows both
alike and the ratio stays fair: a copy of the package app/trust/
(`mkdir /tmp/old && git archive REV app/trust | tar -x -C /tmp/old`, then `--against
/tmp/old/app/trust`), or, from before it was a package, the one module
(`git show REV:app/trust.py > /tmp/old_trust.py`).

Usage: .venv/bin/python scripts/bench_injection.py [--show 20] [--rounds 7] [--real]
           [--against /tmp/old/app/trust] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import site
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from amber import trust

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "injection"
KB = 1024
PROSE_SUFFIXES = {".md", ".rst", ".txt"}


@dataclass(frozen=True)
class Detector:
    name: str
    flags: Callable[[str], bool]
    signals: Callable[[str], list[str]]


def detector(module: object, name: str) -> Detector:
    return Detector(name, module.looks_like_instructions, module.instruction_signals)  # type: ignore[attr-defined]


def load_module(path: Path) -> object:
    """Another version of the detector: a copy of the package app/trust/, or a trust.py of
    before it was a package, imported under a name of its own."""
    if path.is_dir():
        return load_package(path)
    spec = importlib.util.spec_from_file_location("bench_injection_other", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def load_package(path: Path) -> object:
    """A copy of app/trust/. Its modules import one another as `amber.trust.*`, so it is
    imported as `amber.trust` while this version's modules step aside; they come back after."""
    ours = {name: module for name, module in sys.modules.items() if is_trust(name)}
    for name in ours:
        del sys.modules[name]
    try:
        spec = importlib.util.spec_from_file_location(
            "amber.trust", path / "__init__.py", submodule_search_locations=[str(path)]
        )
        assert spec and spec.loader, path
        module = importlib.util.module_from_spec(spec)
        sys.modules["amber.trust"] = module
        spec.loader.exec_module(module)
    finally:
        for name in [name for name in sys.modules if is_trust(name)]:
            del sys.modules[name]
        sys.modules.update(ours)
    return module


def is_trust(name: str) -> bool:
    return name == "amber.trust" or name.startswith("amber.trust.")


def load(name: str) -> list[dict[str, str]]:
    lines = (CORPUS / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def rate(hits: int, total: int) -> dict[str, float | int]:
    return {"caught": hits, "total": total, "rate": hits / total if total else 0.0}


def grouped(rows: list[dict[str, str]], flags: list[bool], key: str) -> dict[str, dict]:
    totals = Counter(row[key] for row in rows)
    hits = Counter(row[key] for row, flag in zip(rows, flags, strict=True) if flag)
    return {name: rate(hits[name], totals[name]) for name in sorted(totals)}


def detection(det: Detector, attacks: list[dict[str, str]]) -> dict[str, object]:
    flags = [det.flags(row["text"]) for row in attacks]
    missed = [row for row, flag in zip(attacks, flags, strict=True) if not flag]
    return {
        **rate(sum(flags), len(attacks)),
        "by_style": grouped(attacks, flags, "style"),
        "by_lang": grouped(attacks, flags, "lang"),
        "missed": missed,
    }


def false_flags(det: Detector, benign: list[dict[str, str]]) -> dict[str, object]:
    flags = [det.flags(row["text"]) for row in benign]
    flagged = [
        {**row, "signals": det.signals(row["text"])}
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


def best_times(dets: list[Detector], texts: list[str], rounds: int) -> dict[str, float]:
    """Seconds per text for each detector, the best of `rounds` passes; the detectors take
    turns within each round, so load on the machine falls on all of them."""
    best = {det.name: float("inf") for det in dets}
    for _ in range(rounds):
        for det in dets:
            started = time.perf_counter()
            for text in texts:
                det.flags(text)
            best[det.name] = min(best[det.name], (time.perf_counter() - started) / len(texts))
    return best


def speed(dets: list[Detector], attacks: list[dict], benign: list[dict], rounds: int) -> dict:
    pieces = kilobyte_texts(benign)
    everything = [row["text"] for row in attacks + benign]
    per_kb = best_times(dets, pieces, rounds)
    per_text = best_times(dets, everything, rounds)
    return {
        det.name: {"us_per_kb": per_kb[det.name] * 1e6, "us_per_text": per_text[det.name] * 1e6}
        for det in dets
    }


def paragraphs(paths: list[Path], root: Path) -> Iterator[tuple[str, str]]:
    for path in paths:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        where = path.relative_to(root).as_posix()
        for paragraph in text.split("\n\n"):
            if 40 <= len(paragraph.strip()) <= 4000:
                yield where, paragraph.strip()


def real_texts() -> dict[str, list[tuple[str, str]]]:
    """Distinct paragraphs of real prose and code on this machine."""
    packages = Path(site.getsitepackages()[0])
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    docs = Path("/usr/share/doc")
    sources = {
        "prose": (
            [
                p
                for p in sorted(packages.rglob("*"))
                if p.suffix in PROSE_SUFFIXES or p.name == "METADATA"
            ],
            packages,
        ),
        "docs": ([p for p in sorted(docs.rglob("*")) if p.suffix != ".gz"], docs),
        "code": (
            [p for p in sorted(stdlib.rglob("*.py")) if "site-packages" not in p.parts],
            stdlib,
        ),
    }
    found = {}
    for name, (paths, root) in sources.items():
        files = [p for p in paths if p.is_file() and p.stat().st_size < 2_000_000]
        found[name] = list({text: where for where, text in paragraphs(files, root)}.items())
    return found


def real_flags(det: Detector, texts: dict[str, list[tuple[str, str]]]) -> dict[str, dict]:
    results = {}
    for name, rows in texts.items():
        flagged = [
            {"where": where, "signals": det.signals(text), "text": text[:160]}
            for text, where in rows
            if det.flags(text)
        ]
        results[name] = {**rate(len(flagged), len(rows)), "flagged": flagged}
    return results


def measure(dets: list[Detector], rounds: int, real: bool) -> dict[str, object]:
    attacks, benign = load("attacks.jsonl"), load("benign.jsonl")
    texts = real_texts() if real else {}
    return {
        "machine": f"{platform.node()} {platform.machine()}, Python {platform.python_version()}",
        "speed": speed(dets, attacks, benign, rounds),
        "detectors": {
            det.name: {
                "attacks": detection(det, attacks),
                "benign": false_flags(det, benign),
                **({"real": real_flags(det, texts)} if real else {}),
            }
            for det in dets
        },
    }


def print_rates(title: str, groups: dict[str, dict]) -> None:
    print(f"  {title}")
    for name, r in groups.items():
        print(f"    {name:16} {r['rate']:7.1%}  ({r['caught']}/{r['total']})")


def report_one(name: str, results: dict, speed: dict, show: int) -> None:
    attacks, benign = results["attacks"], results["benign"]
    print(f"[{name}]")
    print(f"  attacks caught   {attacks['rate']:7.1%}  ({attacks['caught']}/{attacks['total']})")
    print(f"  benign flagged   {benign['rate']:7.2%}  ({benign['caught']}/{benign['total']})")
    for where, r in results.get("real", {}).items():
        print(f"  real {where:11} {r['rate']:7.3%}  ({r['caught']}/{r['total']:,} paragraphs)")
    print(
        f"  speed            {speed['us_per_kb']:.0f} us per 1 KB text, "
        f"{speed['us_per_text']:.0f} us per corpus text"
    )
    print_rates("attacks caught by style", attacks["by_style"])
    print_rates("attacks caught by language", attacks["by_lang"])
    flagged_kinds = {kind: r for kind, r in benign["by_kind"].items() if r["caught"]}
    print_rates("benign flagged by kind", flagged_kinds)
    for row in attacks["missed"][:show]:
        print(f"    missed [{row['style']}/{row['lang']}] {row['text'][:110]!r}")
    for row in benign["flagged"][:show]:
        print(f"    flagged [{row['kind']}] {row['signals']} {row['text'][:100]!r}")
    for where, r in results.get("real", {}).items():
        for row in r["flagged"][:show]:
            print(f"    flagged [{where}] {row['where']} {row['signals']} {row['text'][:90]!r}")


def report(results: dict, show: int) -> None:
    print(f"injection benchmark on {results['machine']}")
    for name, one in results["detectors"].items():
        report_one(name, one, results["speed"][name], show)
    times = [s["us_per_kb"] for s in results["speed"].values()]
    if len(times) == 2:
        print(f"time per KB, this version / the other: {times[0] / times[1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--show", type=int, default=20, help="missed/flagged texts to print")
    parser.add_argument("--rounds", type=int, default=7, help="timing passes (best is kept)")
    parser.add_argument("--real", action="store_true", help="also flag real text on this machine")
    parser.add_argument("--against", type=Path, help="another app/trust/ to measure too")
    parser.add_argument("--json", action="store_true", help="print all results as JSON")
    args = parser.parse_args()
    dets = [detector(trust, "this version")]
    if args.against:
        dets.append(detector(load_module(args.against), f"other: {args.against}"))
    results = measure(dets, args.rounds, args.real)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        report(results, args.show)


if __name__ == "__main__":
    main()
