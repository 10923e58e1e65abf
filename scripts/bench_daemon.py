#!/usr/bin/env python
"""Resource use of the capture daemon (README, "Benchmarks"): CPU% and RSS over two minutes with the
files and screen sources active, under Xvfb, no model loaded.

Set-up: a fresh home; a watched folder of 300 markdown notes (captured during a warm-up
that is not measured; the idle-time distiller is off unless `--distill`, which digests the
notes before measuring); a private Xvfb display with a window
showing text; the daemon started with `amber daemon start` exactly as a user would, with
default settings except the display and `idle_after_s` (Xvfb has no keyboard, so the user
would always look idle and captures would slow to once a minute; the benchmark keeps the
10 s cadence while frames change).

Scenarios (`--activity`):
  idle   nothing changes: the targets are CPU < 1% and RSS < 200 MB.
  light  a note is edited every 10 s and the window's text changes every 30 s (OCR runs).

CPU% is the daemon's CPU time (its threads, plus tesseract and the helper processes it
started and waited for) over wall time, as a share of one core.

    .venv/bin/python scripts/bench_daemon.py [--seconds 120] [--activity idle|light]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from amber.daemon.settings import set_capture_value

ROOT = Path(__file__).resolve().parents[1]
NOTES = 300
PASSPHRASE = "bench passphrase"
WINDOW = """
import sys, tkinter as tk
root = tk.Tk(); root.title("Bench notes"); root.geometry("1000x600+0+0")
label = tk.Label(root, text="", font=("DejaVu Sans", 22), bg="white", wraplength=900)
label.pack(expand=True, fill="both")
def show(n=0):
    label.config(text=f"Screen text number {n}: the quick brown fox jumps over the lazy dog")
    root.after(int(sys.argv[1]) * 1000, show, n + 1)
show()
root.after(200, root.focus_force)
root.after(600, lambda: print("ready", flush=True))
root.mainloop()
"""


def amber(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amber.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_daemon: timed out waiting for {what}")
        time.sleep(0.5)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    number = next(
        n
        for n in range(120, 400)
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists()
    )
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-s", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 20, "Xvfb")
    return server, f":{number}"


def make_notes(folder: Path) -> None:
    folder.mkdir(parents=True)
    for n in range(NOTES):
        sections = "\n\n".join(
            f"## Section {s}\n\nNote {n}, section {s}: plans, people, places and numbers {n * s}."
            for s in range(4)
        )
        (folder / f"note-{n:03d}.md").write_text(f"# Note {n}\n\n{sections}\n")


def status(env: dict[str, str]) -> dict:
    return json.loads(amber("daemon", "status", "--json", env=env).stdout)


def measure(pid: int, seconds: float, tick: Callable[[float], None]) -> dict[str, float]:
    proc = psutil.Process(pid)
    cpu0 = _cpu(proc)
    began = time.monotonic()
    rss: list[int] = []
    while (elapsed := time.monotonic() - began) < seconds:
        rss.append(proc.memory_info().rss)
        tick(elapsed)
        time.sleep(1.0)
    wall = time.monotonic() - began
    used = _cpu(proc) - cpu0
    return {
        "seconds": round(wall, 1),
        "cpu_percent": round(100 * used / wall, 3),
        "rss_mb_mean": round(sum(rss) / len(rss) / 2**20, 1),
        "rss_mb_max": round(max(rss) / 2**20, 1),
    }


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def run(seconds: float, activity: str, distill: bool) -> dict[str, object]:
    for tool in ("Xvfb", "tesseract", "xdotool"):
        if not shutil.which(tool):
            raise SystemExit(f"bench_daemon: {tool} is missing; run scripts/system-deps.sh")
    work = Path(tempfile.mkdtemp(prefix="amber-bench-daemon-"))
    server, display = start_xvfb()
    env = {
        **os.environ,
        "AMBER_HOME": str(work / "home"),
        "AMBER_PASSPHRASE": PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "DISPLAY": display,
    }
    window = None
    started = False
    try:
        amber("init", env=env)
        notes = work / "notes"
        make_notes(notes)
        amber("sources", "set", "files", "folders", json.dumps([str(notes)]), env=env)
        amber("sources", "set", "screen", "display", json.dumps(display), env=env)
        amber("sources", "set", "screen", "idle_after_s", "1000000", env=env)
        if not distill:  # measure capture alone; the distiller is idle work, not overhead
            set_capture_value(work / "home", None, "distill_when_idle", False)
        change_every = 30 if activity == "light" else 100_000
        window = subprocess.Popen(
            [sys.executable, "-c", WINDOW, str(change_every)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert window.stdout is not None
        assert window.stdout.readline().strip() == "ready"
        amber("daemon", "start", env=env)
        started = True
        wait_for(
            lambda: status(env)["sources"]["files"]["captured"] >= NOTES * 4,
            600,
            "the notes to be captured",
        )
        wait_for(lambda: status(env)["sources"]["screen"]["captured"] >= 1, 120, "a screen")
        # The distiller digests the captured notes while the machine is idle: measure the
        # steady state after it (if the machine stays busy it may not finish; reported).
        if distill:
            with contextlib.suppress(SystemExit):
                wait_for(lambda: status(env)["distiller"]["backlog"] == 0, 900, "distilling")
        time.sleep(15)  # let the warm-up's last work settle
        before = status(env)
        edits = [0]

        def tick(elapsed: float) -> None:
            if activity == "light" and elapsed >= 10 * (edits[0] + 1):
                edits[0] += 1
                note = notes / f"note-{edits[0]:03d}.md"
                note.write_text(note.read_text() + f"\n\n## Edit\n\nChanged {edits[0]}.\n")

        result = measure(before["pid"], seconds, tick)
        after = status(env)
    finally:
        if started:
            amber("daemon", "stop", env=env)
        if window is not None:
            window.terminate()
            window.wait(10)
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    new = {
        name: after["sources"][name]["captured"] - before["sources"][name]["captured"]
        for name in ("files", "screen")
    }
    skipped = {
        name: after["sources"][name]["skipped"] - before["sources"][name]["skipped"]
        for name in ("files", "screen")
    }
    return {
        "activity": activity,
        **result,
        "captured_during": new,
        "skipped_during": skipped,
        "errors": {n: s["errors"] for n, s in after["sources"].items()},
        "distiller": {
            "on": distill,
            "backlog": [before["distiller"]["backlog"], after["distiller"]["backlog"]],
        },
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "targets": {"cpu_percent": "< 1 (idle)", "rss_mb": "< 200"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--activity", choices=("idle", "light"), default="idle")
    parser.add_argument(
        "--distill",
        action="store_true",
        help="let the distiller digest the notes first (needs an idle machine)",
    )
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.activity, args.distill), indent=2))


if __name__ == "__main__":
    main()
