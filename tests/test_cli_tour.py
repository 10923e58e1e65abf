"""README's two-minute tour, run as written in a fresh home: every command succeeds, and
the recall with filters finds what the tour's own `remember` stored (it found nothing when
the tour asked for "what did I note last May": no word of that is in the memory, and
"last May" meant May of this year)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from helpers.cli import amber

ROOT = Path(__file__).resolve().parents[1]
NEEDS_A_TERMINAL = {"tui", "watch"}  # `amber watch` runs until Ctrl-C: test_cli_edges.py
CHAT = {
    "id": "trip-2023",
    "title": "Trip planning",
    "participants": ["Ana", "Ben"],
    "messages": [
        {
            "id": "m1",
            "speaker": "Ana",
            "timestamp": "2023-05-08T13:56:00Z",
            "text": "Booked the flat",
        }
    ],
}


def tour_commands() -> list[list[str]]:
    """The tour's commands as argument lists, without `amber` and the comments."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A two-minute tour", 1)[1].split("```bash\n", 1)[1].split("```")[0]
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        for command in line.split(" · "):
            words = shlex.split(command, comments=True)
            if words:
                assert words[0] == "amber", line
                commands.append(words[1:])
    return commands


def test_the_tour_runs_as_written(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chat.json").write_text(json.dumps(CHAT), encoding="utf-8")
    (tmp_path / "questions.txt").write_text("where does caroline live\nBooked\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", "true")  # the editor saves nothing
    commands = tour_commands()
    assert len(commands) > 20
    for args in commands:
        if args[0] in NEEDS_A_TERMINAL:
            continue
        if args[0] == "forget":
            args = [*args, "--yes"]  # the tour says it asks first; a test has no terminal
        code, out, err = amber(*args)
        assert code == 0, (args, out, err)
        if args[0] == "recall" and "--kind" in args:
            hits = json.loads(amber(*args, "--json")[1])
            assert hits, f"the tour's `amber {shlex.join(args)}` finds nothing"
            assert hits[0]["title"].startswith("Caroline moved to Berlin")
