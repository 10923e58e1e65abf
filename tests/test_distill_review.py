"""`amber review`: list, show, accept, reject and edit what the distiller proposed for
pages a person edited."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers.caroline import LINES, TALK, add_talk
from helpers.cli import amber

from amber.distill import Distiller
from amber.service import MemoryService

NOTE = "My own note: Caroline's studio is in Kreuzberg.\n"


def queue_a_proposal(home: Path) -> tuple[str, Path]:
    """Caroline's page, edited by a person, then more of the conversation: the lines the
    rebuilt page has that the edited one does not wait as one review item."""
    with MemoryService.open(home) as service:
        add_talk(service, TALK[:1])
        Distiller(service.distill_parts()).run()
        page = service.config.tree_dir / "people/caroline.md"
        page.write_text(page.read_text() + NOTE)
        service.reconcile()
        add_talk(service)
        assert Distiller(service.distill_parts()).run().review == 1
        return service.get("people/caroline.md").entry.id, page


def test_list_show_and_accept(home: Path) -> None:
    mine, path = queue_a_proposal(home)
    before = path.read_bytes()
    code, out, _ = amber("review", "--json")
    [item] = json.loads(out)
    assert code == 0
    assert item["action"] == "update"
    assert item["target_id"] == mine
    code, out, _ = amber("review", "show", item["id"][:10], "--json")
    assert f"- {LINES['m4']}" in json.loads(out)["preview"]
    code, out, _ = amber("review")
    assert "update Caroline" in out
    assert f"+ {LINES['m4']}" in out
    code, out, _ = amber("review", "accept", item["id"])
    assert code == 0
    text = path.read_text()
    assert NOTE in text and LINES["m4"] in text
    assert amber("review", "accept", item["id"])[0] == 2  # already accepted
    op = out.split("operation ")[1].split()[0]
    assert amber("undo", op)[0] == 0
    assert path.read_bytes() == before
    assert json.loads(amber("review", "--json")[1])[0]["id"] == item["id"]  # waits again


def test_reject_writes_nothing(home: Path) -> None:
    _, path = queue_a_proposal(home)
    before = path.read_bytes()
    [item] = json.loads(amber("review", "--json")[1])
    assert amber("review", "reject", item["id"])[0] == 0
    assert path.read_bytes() == before
    assert json.loads(amber("review", "--json")[1]) == []
    assert json.loads(amber("review", "--status", "rejected", "--json")[1])[0]["id"] == item["id"]
    assert amber("review", "reject", "NOSUCHITEM")[0] == 4


def test_edit_accepts_the_persons_text(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = queue_a_proposal(home)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('- Moved in May.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    [item] = json.loads(amber("review", "--json")[1])
    assert amber("review", "edit", item["id"])[0] == 0
    text = path.read_text()
    assert NOTE in text
    assert "- Moved in May.\n" in text
    assert "conversation:chat-1#m4" in text  # the evidence joins the sources
    assert not list(home.glob("review-*.md"))  # the temporary copy is gone
