"""The `amber` command: in-process with Typer's runner, and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import amber


def test_first_run_tour(home: Path, tmp_path: Path) -> None:
    code, out, _ = amber(
        "remember",
        "Dentist is Dr. Ortiz, Tuesdays",
        "--path",
        "health",
        "--tag",
        "dentist",
        "--json",
    )
    assert code == 0
    entry = json.loads(out)
    assert entry["path"] == "health/dentist-is-dr-ortiz-tuesdays.md"
    code, out, _ = amber("recall", "dentist tuesday", "--json")
    hits = json.loads(out)
    assert code == 0
    assert hits[0]["id"] == entry["id"]
    code, out, _ = amber("show", entry["id"][:10], "--json")
    shown = json.loads(out)
    assert shown["tags"] == ["dentist"]
    assert shown["lifecycle"]["maturity"] == "draft"
    assert shown["lifecycle"]["access_count"] == 1  # the recall above
    code, out, _ = amber("show", entry["id"])
    assert "draft · importance" in out
    assert "recalled 1×" in out
    code, out, _ = amber("tree", "--json")
    assert json.loads(out)["children"][0]["name"] == "health"
    code, out, _ = amber("mv", entry["id"], "people/doctors", "--json")
    assert json.loads(out)["path"] == "people/doctors/dentist-is-dr-ortiz-tuesdays.md"
    code, out, _ = amber("forget", entry["id"], "--yes")
    assert code == 0
    assert amber("recall", "dentist", "--json")[1].strip() == "[]"
    code, out, _ = amber("audit", "--json")
    assert [r["action"] for r in json.loads(out)][:3] == ["forget", "move", "remember"]


def test_search_alias_and_queries_file(home: Path, tmp_path: Path) -> None:
    amber("remember", "Seed potatoes go in after the last frost")
    amber("remember", "The router admin page is at the usual address")
    assert json.loads(amber("search", "potatoes", "--json")[1])[0]["title"].startswith("Seed")
    queries = tmp_path / "q.txt"
    queries.write_text("potatoes\n\nrouter admin\nnothing matches zzzz\n")
    code, out, _ = amber("recall", "--queries", str(queries))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [line["query"] for line in lines] == ["potatoes", "router admin", "nothing matches zzzz"]
    assert lines[1]["hits"][0]["title"].startswith("The router")
    assert lines[2]["hits"] == []


def test_import_conversation_and_recall_by_message(home: Path, tmp_path: Path) -> None:
    conv = tmp_path / "c.json"
    conv.write_text(
        json.dumps(
            {
                "id": "c9",
                "title": "Plans",
                "messages": [
                    {
                        "id": "m1",
                        "speaker": "Jo",
                        "timestamp": "2026-03-01T10:00:00Z",
                        "text": "Let's book the Lisbon flat",
                    }
                ],
            }
        )
    )
    code, out, err = amber("import", "conversation", str(conv), "--json")
    assert code == 0
    assert json.loads(out)["added"] == 1
    assert "stored 1 messages" in err
    hit = json.loads(amber("recall", "Lisbon", "--json")[1])[0]
    assert hit["type"] == "event"
    assert hit["sources"][0]["message_id"] == "m1"
    assert json.loads(amber("import", "conversation", str(conv), "--json")[1])["added"] == 0


def test_edit_uses_editor_and_reindexes(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = json.loads(amber("remember", "Gate code 1234", "--json")[1])
    monkeypatch.setenv("EDITOR", "sed -i s/1234/9876/")
    code, _, err = amber("edit", entry["id"])
    assert code == 0
    assert "updated" in err
    assert json.loads(amber("recall", "9876", "--json")[1])[0]["id"] == entry["id"]


def test_doctor_reindex_stats_version(home: Path) -> None:
    amber("remember", "Something to count")
    code, out, _ = amber("doctor", "--json")
    assert code == 0
    assert json.loads(out)["clean"] is True
    (home / "tree" / "broken.md").write_text("---\ntitle: [oops\n---\nstill searchable moonbeam\n")
    code, out, _ = amber("doctor", "--json")
    report = json.loads(out)
    assert code == 1
    assert report["drift"]["new"] == ["broken.md"]
    code, out, _ = amber("reindex", "--json")
    assert code == 0
    code, out, _ = amber("doctor", "--json")
    assert code == 1
    assert "not valid YAML" in json.loads(out)["problems"]["broken.md"]
    assert json.loads(amber("recall", "moonbeam", "--json")[1])[0]["path"] == "broken.md"
    assert json.loads(amber("stats", "--json")[1])["entries"] == 2
    assert json.loads(amber("version", "--json")[1])["version"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("recall", "x", "-k", "0"), "k must be between"),
        (("show", "01NOSUCHENTRY"), "no entry"),
        (("remember", "x", "--kind", "gossip"), "unknown kind"),
        (("mv", "anything", "../out"), "no entry"),
        (("recall", "x", "--since", "the day after never"), "cannot read"),
        (("import", "conversation", "/no/such/file.json"), "no such file"),
    ],
)
def test_user_errors_are_one_line(home: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = amber(*args)
    assert code != 0
    assert message in err.lower()
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_not_initialized_is_explained(amber_env: Path) -> None:
    code, _, err = amber("recall", "x")
    assert code != 0
    assert "amber init" in err


@pytest.mark.integration
def test_subprocess_init_remember_recall(amber_env: Path, amber_cli: object) -> None:
    run = amber_cli  # type: ignore[assignment]
    first = run("init")
    assert first.returncode == 0
    assert "Created Amber home" in first.stdout
    assert "Already set up" in run("init").stdout
    assert run("remember", "Bike is in the basement, left corner").returncode == 0
    result = run("recall", "where is the bike", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["title"].startswith("Bike")
    wrong = run("recall", "bike", env_extra={"AMBER_PASSPHRASE": "wrong"})
    assert wrong.returncode == 3
    assert "wrong key or passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_cli_start_does_not_import_heavy_modules() -> None:
    code = (
        "import sys, amber.cli.main; "
        "heavy = ('watchdog', 'rich.markdown', 'llama_cpp', 'textual'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_command_is_registered_by_the_module_that_owns_it() -> None:
    """`amber CMD` builds only CMD's module (a fast start): the table must say who owns what."""
    import importlib

    import typer

    from amber.cli.main import COMMANDS, modules_for

    for module, commands in COMMANDS.items():
        app = typer.Typer()
        importlib.import_module(f"amber.cli.{module}").register(app)
        names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
        assert (*names, *(g.name for g in app.registered_groups)) == commands
        assert {modules_for([command, "--help"])[0] for command in commands} == {module}
    assert modules_for(["--help"]) == list(COMMANDS)
    assert modules_for(["recal", "x"]) == list(COMMANDS)  # a typo still gets every suggestion
