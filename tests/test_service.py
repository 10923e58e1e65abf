"""MemoryService: remember, get, update, move, forget, tree, stats, audit."""

from __future__ import annotations

import pytest

from amber.errors import InvalidInputError, NotFoundError
from amber.maintenance import stats, tree
from amber.service import MemoryService


def test_remember_writes_an_entry_file_and_indexes_it(service: MemoryService) -> None:
    entry = service.remember(
        "Caroline moved to Berlin in May 2023.",
        kind="fact",
        path="People/Caroline",
        tags=["relocation"],
        aliases=["Caro"],
        valid_from="2023-05",
    )
    assert entry.path == "people/caroline/caroline-moved-to-berlin-in-may-2023.md"
    text = (service.config.tree_dir / entry.path).read_text()
    assert text.startswith(f"---\nid: {entry.id}\n")
    assert "valid_from: 2023-05" in text
    view = service.get("Caro")
    assert view.entry.id == entry.id
    assert view.entry.kind == "fact"
    assert service.get(entry.id[:8]).entry.id == entry.id
    assert service.get(entry.path).entry.id == entry.id


def test_same_title_gets_a_new_file_not_an_overwrite(service: MemoryService) -> None:
    first = service.remember("Buy milk", path="todo")
    second = service.remember("Buy milk", path="todo")
    assert first.path != second.path
    assert second.path.endswith("buy-milk-2.md")


def test_remember_rejects_bad_input(service: MemoryService) -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        service.remember("   ")
    with pytest.raises(InvalidInputError, match="unknown kind"):
        service.remember("x", kind="gossip")
    with pytest.raises(InvalidInputError, match="leaves the tree"):
        service.remember("x", path="../outside")

    with pytest.raises(InvalidInputError, match="skips folders named node_modules"):
        service.remember("x", path="projects/web/Node Modules")
    with pytest.raises(InvalidInputError, match="empty"):
        service.remember("\x00\x1b \r\n")
    with pytest.raises(InvalidInputError, match="'banana' is not a date"):
        service.remember("x", valid_from="banana")
    assert service.remember("y", valid_from=" 2023 ").valid_from == "2023"
    assert service.get(service.remember("z", valid_from="2023").id).entry.valid_from == "2023"


def test_control_characters_never_reach_a_file(service: MemoryService) -> None:
    """A NUL would make the file 'binary' to the indexer: the memory would vanish."""
    entry = service.remember(
        "Vacuum \x00the lab\x1b[2J on Fridays\r\nthen log it",
        title="   ",
        tags=["lab\x00", " \x07 "],
        aliases=["the\nlab"],
    )
    assert entry.title == "Vacuum the lab[2J on Fridays"  # from the text, the blank ignored
    raw = (service.config.tree_dir / entry.path).read_bytes()
    assert b"\x00" not in raw
    assert b"\x1b" not in raw
    assert b"\r" not in raw
    view = service.get(entry.id)
    assert (view.entry.tags, view.entry.aliases) == (["lab"], ["the lab"])
    service.update(entry.id, body="Vacuum the lab\x00 on Mondays", tags=["lab", "x\x00y"])
    assert service.recall("mondays")[0].id == entry.id  # still indexed, still found
    assert service.get(entry.id).entry.tags == ["lab", "xy"]
    assert service.audit_log(1)[0]["detail"]["fields"] == ["tags", "text"]
    with pytest.raises(InvalidInputError, match="new title is empty"):
        service.update(entry.id, title=" \t ")
    with pytest.raises(InvalidInputError, match="new text is empty"):
        service.update(entry.id, body="\x00 ")


def test_secrets_are_redacted_before_storage(service: MemoryService) -> None:
    entry = service.remember("deploy key AKIAIOSFODNN7EXAMPLE for the staging bucket")
    text = (service.config.tree_dir / entry.path).read_text()
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert "[REDACTED:aws_access_key]" in text


def test_update_changes_owned_fields_and_keeps_user_lines(service: MemoryService) -> None:
    entry = service.remember("Prefers tea over coffee", kind="preference")
    path = service.config.tree_dir / entry.path
    path.write_text(path.read_text().replace("kind: preference", "kind: preference\nmood: calm"))
    service.reconcile()
    updated = service.update(entry.id, body="Prefers green tea.\n", tags=["drinks"])
    text = path.read_text()
    assert "mood: calm" in text
    assert "tags: [drinks]" in text
    assert updated.body == "Prefers green tea.\n"
    assert service.recall("green tea")[0].id == entry.id


def test_move_keeps_the_id_and_hand_made_files_get_one(service: MemoryService) -> None:
    hand = service.config.tree_dir / "inbox" / "idea.md"
    hand.parent.mkdir(parents=True)
    hand.write_text("# Solar roof\n\nAsk about panels.\n")
    service.reconcile()
    before = service.get("inbox/idea.md").entry
    assert not before.has_own_id
    moved = service.move(before.id, "projects/house")
    assert moved.path == "projects/house/idea.md"
    assert moved.id == before.id
    assert moved.has_own_id
    assert not hand.exists()
    assert not hand.parent.exists()
    assert service.recall("solar panels")[0].path == "projects/house/idea.md"


def test_forget_deletes_file_index_rows_and_tokens(service: MemoryService) -> None:
    keep = service.remember("The spare key is under the blue flowerpot")
    gone = service.remember("Surprise party plan involves xylophonequartet rehearsal")
    service.forget(gone.id)
    assert not (service.config.tree_dir / gone.path).exists()
    with pytest.raises(NotFoundError):
        service.get(gone.id)
    assert service.recall("xylophonequartet") == []
    service.db.conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search, row)")
    terms = {r[0] for r in service.db.query("SELECT term FROM temp.vocab")}
    assert "xylophonequartet" not in terms
    assert "flowerpot" in terms
    log = service.audit_log()
    assert log[0]["action"] == "forget"
    assert log[0]["target"] == gone.id
    assert "xylophone" not in str(log[0])
    assert service.recall("flowerpot")[0].id == keep.id


def test_tree_listing_counts_and_context_descriptions(service: MemoryService) -> None:
    service.remember("Alice is my sister", kind="person", path="people/family")
    service.remember("Bob is a colleague", kind="person", path="people/work")
    service.remember("Use 2 spaces in YAML", kind="preference")
    ctx = service.config.tree_dir / "people" / "context.md"
    ctx.write_text("# Everyone I know\n")
    service.reconcile()
    root = tree(service.db, describe=service.folder_description)
    assert root.count == 3
    assert root.children["people"].count == 2
    assert root.children["people"].description == "Everyone I know"
    assert set(root.children["people"].children) == {"family", "work"}
    data = stats(service.config, service.db)
    assert data["entries"] == 3  # a folder's context.md is not an entry
    assert data["kinds"]["person"] == 2


def test_reindex_gives_the_same_recall(service: MemoryService) -> None:
    for text in ("Paris trip in June", "Pack the travel adapter", "Paris museum passes"):
        service.remember(text)
    before = [(h.id, h.title) for h in service.recall("paris travel")]
    report = service.reindex()
    assert len(report.added) == 3
    assert [(h.id, h.title) for h in service.recall("paris travel")] == before


def test_audit_names_the_interface(home: object) -> None:
    with MemoryService.open(interface="mcp") as service:
        entry = service.remember("written by an agent")
        record = service.audit_log(1)[0]
    assert record["interface"] == "mcp"
    assert record["action"] == "remember"
    assert record["target"] == entry.id


def test_a_copy_refused_an_id_takes_it_when_the_original_is_forgotten(
    service: MemoryService,
) -> None:
    original = service.remember("Original walrus entry", path="a")
    tree_dir = service.config.tree_dir
    copy = tree_dir / "b" / "copy.md"
    copy.parent.mkdir()
    copy.write_text((tree_dir / original.path).read_text().replace("Original walrus", "Copied"))
    service.reconcile()

    def indexed_copy() -> tuple:
        return service.db.one("SELECT id, problem FROM entries WHERE path = 'b/copy.md'") or ()

    copy_id, problem = indexed_copy()
    assert copy_id != original.id
    assert "duplicate id" in problem
    service.forget(original.id)
    assert indexed_copy() == (original.id, None)


def test_folders_in_other_scripts_keep_their_names(service: MemoryService) -> None:
    arabic = service.remember("مرحبا", path="ملاحظات")
    greek = service.remember("Γειά", path="Σημειώσεις/Δουλειά")
    assert arabic.path.startswith("ملاحظات/")
    assert greek.path.startswith("σημειώσεις/δουλειά/")
    with pytest.raises(InvalidInputError, match="no letters or digits"):
        service.remember("x", path="~")
