"""Cold start of `amber recall`: the wall time a person waits for one command.

Runs `amber recall QUERY` in a fresh process N times (median reported) against a small
home, in passphrase mode (the scrypt stretch included) and in keyring mode (a file-backed
keyring, as a desktop keyring would answer), beside `python -c pass` for the interpreter's
own start. Targets (README, "Benchmarks"): 400 ms with a passphrase, 250 ms with a keyring.

    .venv/bin/python scripts/bench_startup.py [--runs 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_MS = {"passphrase": 400.0, "keyring": 250.0}
PASSPHRASE = "bench startup passphrase"
NOTES = [f"Note {i}: the ferry to island {i} leaves at {7 + i % 12} o'clock" for i in range(50)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amber-startup-") as tmp:
        results = {"python -c pass": timed([sys.executable, "-c", "pass"], {}, args.runs)}
        for mode in ("passphrase", "keyring"):
            env = mode_env(Path(tmp) / mode, mode)
            setup_home(env, mode)
            command = [sys.executable, "-m", "amber.cli", "recall", "ferry island"]
            results[f"amber recall ({mode})"] = timed(command, env, args.runs)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def mode_env(root: Path, mode: str) -> dict[str, str]:
    env = {"AMBER_HOME": str(root / "home"), "AMBER_INIT_DAEMON": "0"}
    if mode == "passphrase":
        env["AMBER_PASSPHRASE"] = PASSPHRASE
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    else:
        env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
        env["XDG_DATA_HOME"] = str(root / "xdg")  # where that keyring keeps its file
    return env


def setup_home(env: dict[str, str], mode: str) -> None:
    run(
        [
            sys.executable,
            "-m",
            "amber.cli",
            "init",
            *(["--passphrase"] if mode == "passphrase" else []),
        ],
        env,
    )
    for note in NOTES:
        run([sys.executable, "-m", "amber.cli", "remember", note], env)


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True)


def timed(command: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    run(command, env)  # warm the page cache; every timed run is still a fresh process
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(command, env)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}


def report(results: dict[str, dict[str, float]]) -> None:
    base = results["python -c pass"]["median_ms"]
    for name, numbers in results.items():
        mode = name.removeprefix("amber recall (").removesuffix(")")
        target = TARGETS_MS.get(mode)
        verdict = ""
        if target is not None:
            passed = "PASS" if numbers["median_ms"] <= target else "FAIL"
            verdict = f"  target <= {target:.0f} ms: {passed}"
        print(
            f"{name:28} median {numbers['median_ms']:7.1f} ms  (min {numbers['min_ms']:.1f}, "
            f"{numbers['median_ms'] - base:+.1f} over python){verdict}"
        )


if __name__ == "__main__":
    main()
