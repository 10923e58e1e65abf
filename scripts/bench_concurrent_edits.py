"""Hand edits during updates: how many lines a person appends are lost while Amber
rewrites the same file (an agent's update_memory, a distiller run) as fast as it can.

Each round: a thread appends N lines to one entry, a few milliseconds apart, the way a
person or a script saving often would, while the main thread updates the entry's tags in
a loop. Afterwards every appended line must still be in the file. Reports lines lost out
of all appended, and how many updates ran.

    .venv/bin/python scripts/bench_concurrent_edits.py [--rounds 10] [--lines 300]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import threading
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--gap-ms", type=float, default=2.0, help="between two appends")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amber-edits-") as tmp:
        service = open_service(Path(tmp) / "home")
        lost = updates = 0
        for round_no in range(args.rounds):
            got = run_round(service, round_no, args.lines, args.gap_ms / 1000)
            lost += got[0]
            updates += got[1]
        service.close()
    appended = args.rounds * args.lines
    print(f"lines lost: {lost} of {appended} appended, while {updates} updates ran")


def open_service(home: Path):
    os.environ.update(AMBER_HOME=str(home), AMBER_PASSPHRASE="bench concurrent edits")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from amber.home import init_home
    from amber.service import MemoryService

    init_home(home, use_passphrase=True)
    return MemoryService.open(home)


def run_round(service, round_no: int, lines: int, gap_s: float) -> tuple[int, int]:
    from amber.errors import ConflictError

    entry = service.remember(f"Log {round_no}", title=f"Weekly log {round_no}")
    path = service.files.abspath(entry.path)
    done = threading.Event()

    def hand_edits() -> None:
        for i in range(lines):
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"hand line {i}\n")
            done.wait(gap_s)
        done.set()

    editor = threading.Thread(target=hand_edits)
    editor.start()
    updates = 0
    while not done.is_set():
        with contextlib.suppress(ConflictError):  # saved three times in a row: refused
            service.update(entry.id, tags=[f"t{updates % 3}"])
        updates += 1
    editor.join()
    text = path.read_text(encoding="utf-8")
    return sum(f"hand line {i}\n" not in text for i in range(lines)), updates


if __name__ == "__main__":
    main()
