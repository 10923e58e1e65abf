"""`amber review`: list, show, accept, reject and edit what the distiller proposed for
entries a person wrote."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from helpers.caroline import PARIS, PARIS_FACT
from helpers.cli import amber
from helpers.events import store_events

from amber.distill import Distiller
from amber.distill.scripted import ScriptedModel
from amber.events import EventDraft
from amber.service import MemoryService


def queue_a_proposal(home: Path, action: str = "SUPERSEDE") -> tuple[str, Path]:
    """A hand-written entry, and a distilled fact that contradicts it: one review item."""
    with MemoryService.open(home) as service:
        title = "Caroline lives in Berlin"
        when = datetime.fromisoformat("2024-03-02T18:00:00Z")
        mine = service.remember(f"{title} since 2023", title=title, path="people/caroline")
        draft = EventDraft(
            source="conversation",
            text=PARIS,
            conversation="chat-1",
            message_id="m2",
            author="Caroline",
            timestamp=when,
        )
        store_events(service, [draft])
        model = ScriptedModel([PARIS_FACT], {"Paris": (action, "Berlin")})
        assert Distiller(service.distill_parts(), model).run().review == 1
        return mine.id, service.config.tree_dir / mine.path


def test_list_show_and_accept(home: Path) -> None:
    mine, path = queue_a_proposal(home)
    code, out, _ = amber("review", "--json")
    [item] = json.loads(out)
    assert code == 0
    assert item["action"] == "supersede"
    assert item["target_id"] == mine
    code, out, _ = amber("review", "show", item["id"][:10], "--json")
    assert "- Caroline moved to Paris." in json.loads(out)["preview"]
    code, out, _ = amber("review")
    assert "supersede Caroline lives in Berlin" in out
    assert "+ Caroline moved to Paris." in out
    code, out, _ = amber("review", "accept", item["id"])
    assert code == 0
    assert not path.exists()
    hits = json.loads(amber("recall", "Caroline", "--type", "entry", "--json")[1])
    assert hits[0]["title"] == "Caroline lives in Paris"
    assert amber("review", "accept", item["id"])[0] == 2  # already accepted
    op = out.split("operation ")[1].split()[0]
    assert amber("undo", op)[0] == 0
    assert path.exists()
    assert json.loads(amber("review", "--json")[1])[0]["id"] == item["id"]  # waits again


def test_reject_writes_nothing(home: Path) -> None:
    _, path = queue_a_proposal(home, "UPDATE")
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
    _, path = queue_a_proposal(home, "UPDATE")
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('- Moved in March.\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    [item] = json.loads(amber("review", "--json")[1])
    assert amber("review", "edit", item["id"])[0] == 0
    text = path.read_text()
    assert "Caroline lives in Berlin since 2023" in text
    assert "- Moved in March.\n" in text
    assert "conversation:chat-1#m2" in text  # the evidence joins the sources
    assert not list(home.glob("review-*.md"))  # the temporary copy is gone
