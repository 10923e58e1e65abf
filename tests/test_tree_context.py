"""Each folder's context.md: what it says for a small tree, that it is never memory, when
it is refreshed (a distill run, an undo, a forget, `amber tree --context`, never a single
write), that a person's edit is kept, that refreshing twice changes nothing, and that odd
folder names and emptied folders are handled."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.cli import amber

from amber.distill import Distiller
from amber.errors import NotFoundError
from amber.importing import available_importers, import_file
from amber.service import MemoryService
from amber.store import entries as entry_rows
from amber.tree import context
from amber.tree.entry import parse_entry
from amber.tree.layout import is_entry_file
from amber.tui.outline import build_outline, find_folder

DAY1 = datetime(2023, 5, 8, 13, 0, tzinfo=UTC)
DAY2 = datetime(2023, 6, 15, 9, 0, tzinfo=UTC)
TALK = [
    (DAY1, "Maria", "I went to a pottery class yesterday and made a blue bowl."),
    (DAY1, "Tom", "I ran a charity race for mental health last Saturday."),
    (DAY1, "Maria", "My sister Anna moved to Utrecht last month."),
    (DAY1, "Tom", "I started playing violin five years ago."),
    (DAY1, "Maria", "We adopted a greyhound called Biscuit from the shelter yesterday."),
    (DAY2, "Maria", "Anna and I finished the pottery course, I made a vase for my mom."),
    (DAY2, "Maria", "Researching adoption agencies, it has been a dream of mine for years."),
]


def import_talk(service: MemoryService, tmp_path: Path, talk: list, name: str = "talk") -> None:
    rows = [
        {"id": f"m{i}", "speaker": who, "timestamp": (when + timedelta(seconds=i)).isoformat()}
        | {"text": text}
        for i, (when, who, text) in enumerate(talk)
    ]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"id": "talk", "title": "Maria and Tom", "messages": rows}))
    import_file(service.db, path, available_importers(False)["generic"], "test")


def distill(service: MemoryService) -> object:
    return Distiller(service.distill_parts()).run()


def read(service: MemoryService, rel: str) -> str:
    return (service.config.tree_dir / rel).read_text(encoding="utf-8")


def contexts(service: MemoryService) -> dict[str, bytes]:
    tree = service.config.tree_dir
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("context.md")}


def hand_written(service: MemoryService, rel: str, text: str) -> None:
    path = service.config.tree_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def small_tree(service: MemoryService, tmp_path: Path) -> MemoryService:
    """People and episodes from a conversation, and a person's own nested folders."""
    service.remember("Dentist: Dr. Ortiz, Tuesdays", path="health", tags=["teeth"])
    service.remember("Allergic to penicillin since 2010", path="health", tags=["allergy"])
    service.remember("Run 5k on Sundays with the club", path="health/sport", tags=["running"])
    import_talk(service, tmp_path, TALK)
    distill(service)
    service.refresh_contexts()
    return service


def test_a_small_tree_says_what_each_folder_holds(small_tree: MemoryService) -> None:
    assert set(contexts(small_tree)) == {
        "context.md",
        "people/context.md",
        "episodes/context.md",
        "episodes/2023/context.md",
        "health/context.md",
        "health/sport/context.md",
    }
    root = read(small_tree, "context.md")
    assert root.startswith("# Context Tree\n\nEverything Amber keeps, by domain")
    assert "entries in 3 folders, 2023-05-08 to " in root
    assert "- [health/](health/context.md) 3 entries: Health: allergy, running, teeth." in root
    assert "- [people/](people/context.md) 3 entries: People: a page each" in root

    people = read(small_tree, "people/context.md")
    assert people.startswith("# people/\n\nPeople: a page each")
    assert "3 entries, " in people
    assert {"- [Maria](maria.md)", "- [Tom](tom.md)", "- [Anna](anna.md)"} <= set(
        people.splitlines()
    )

    episodes = read(small_tree, "episodes/context.md")
    assert "- [2023/](2023/context.md) 3 entries: Episodes of 2023." in episodes
    year = read(small_tree, "episodes/2023/context.md")
    assert "\nEpisodes of 2023.\n" in year
    assert " entries, 2023-05-08 to 2023-06-15.\n" in year
    assert "](2023-06-15-maria" in year

    health = read(small_tree, "health/context.md")
    assert "3 entries (2 here, 1 in 1 folder)" in health
    assert "- [sport/](sport/context.md) 1 entry: Sport: running." in health
    assert health.rstrip().splitlines()[-1].startswith("<!-- amber:context ")


def test_entries_are_latest_first_and_capped(service: MemoryService) -> None:
    for n in range(53):
        hand_written(
            service,
            f"log/day-{n:02d}.md",
            f"---\ntitle: Day {n:02d}\nupdated: 2024-01-01T00:00:{n:02d}Z\n---\nx\n",
        )
    service.reconcile()
    service.refresh_contexts()
    lines = read(service, "log/context.md").splitlines()
    listed = [line for line in lines if line.startswith("- [")]
    assert listed[0] == "- [Day 52](day-52.md)"
    assert len(listed) == 50
    assert "- and 3 more entries" in lines


def test_context_md_is_never_memory(service: MemoryService) -> None:
    service.remember("Ana is my neighbour", path="people", kind="person")
    hand_written(service, "people/context.md", "# Zebracorn neighbours and friends\n")
    hand_written(service, "context.md", "no frontmatter, zebracorn\n")
    hand_written(service, "notes/plain.md", "A plain note without frontmatter, quokkaberry\n")
    report = service.reconcile()
    assert report.added == ["notes/plain.md"]  # a file without frontmatter is an entry
    assert service.recall("zebracorn") == []
    assert [h.path for h in service.recall("quokkaberry")] == ["notes/plain.md"]
    assert service.entry_count() == 2
    assert all(not row.path.endswith("context.md") for row in service.outline())
    assert service.index_file("people/context.md") == "unchanged"
    assert service.doctor().clean
    with pytest.raises(NotFoundError, match=r"context\.md, not an entry"):
        service.get("people/context.md")
    assert not is_entry_file("context.md")
    assert not is_entry_file("people/work/context.md")
    assert is_entry_file("people/context-2.md")


def test_an_index_that_held_a_context_md_lets_it_go(service: MemoryService) -> None:
    """An index written before context.md stopped being an entry drops its row."""
    hand_written(service, "people/context.md", "# Everyone I know\n")
    stat = service.config.tree_dir / "people/context.md"
    entry = parse_entry("people/context.md", stat.read_text())
    with service.db.write() as conn:
        st = stat.stat()
        entry_rows.upsert_entry(conn, entry, "old", st.st_mtime_ns, st.st_size, "manual")
    assert service.entry_count() == 1
    service.reconcile()
    assert service.entry_count() == 0
    assert service.doctor().clean


def test_tree_listings_read_descriptions_from_the_files(small_tree: MemoryService) -> None:
    hand_written(small_tree, "people/context.md", "---\nx: 1\n---\n# Everyone I know\n")
    root = small_tree.tree()
    assert root.children["people"].description == "Everyone I know"
    assert root.children["episodes"].children["2023"].description == "Episodes of 2023."
    outline = build_outline(small_tree.outline(), small_tree.folder_description)
    health = find_folder(outline, "health")
    assert health is not None
    assert health.description == "Health: allergy, running, teeth."
    assert outline.count == small_tree.entry_count()  # no context.md counted


def test_a_distill_run_refreshes_the_folders_it_changed(
    service: MemoryService, tmp_path: Path
) -> None:
    import_talk(service, tmp_path, TALK[:3])
    report = distill(service)
    assert "people/context.md" in report.contexts
    assert "context.md" in report.contexts
    before = read(service, "context.md")
    service.remember("Run 5k on Sundays", path="health")  # a person's write: not refreshed
    assert read(service, "context.md") == before
    assert not (service.config.tree_dir / "health/context.md").exists()
    import_talk(service, tmp_path, TALK)
    distill(service)
    root = read(service, "context.md")
    assert "[health/](health/context.md) 1 entry" in root  # parents up to the root
    assert not (service.config.tree_dir / "health/context.md").exists()  # not touched
    assert "- [Anna](anna.md)" in read(service, "people/context.md")


def test_a_context_md_a_person_edited_is_kept(small_tree: MemoryService, tmp_path: Path) -> None:
    path = small_tree.config.tree_dir / "people/context.md"
    path.write_text(path.read_text() + "My own line.\n")
    mine = path.read_bytes()
    small_tree.remember("Zoe is a friend", path="people", kind="person")
    report = small_tree.refresh_contexts()
    assert path.read_bytes() == mine
    assert report.kept == ["people/context.md"]
    assert "context.md" in report.written  # the root counts the new person
    code, out, _ = amber("tree", "--context")
    assert code == 0
    assert "kept people/context.md: you edited it" in out
    path.unlink()
    assert "people/context.md" in small_tree.refresh_contexts().written
    assert "- [Zoe is a friend]" in path.read_text()


def test_refreshing_twice_changes_nothing(small_tree: MemoryService) -> None:
    tree = small_tree.config.tree_dir
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("context.md")}
    audited = small_tree.last_write()
    report = small_tree.refresh_contexts()
    assert not report.changed
    assert report.unchanged == len(before)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("context.md")} == before
    assert small_tree.last_write() == audited  # nothing written, nothing audited
    code, out, _ = amber("tree", "--context", "--json")
    assert code == 0
    assert json.loads(out)["written"] == []


def test_an_emptied_folder_loses_its_context_md(small_tree: MemoryService) -> None:
    tree = small_tree.config.tree_dir
    hand_written(small_tree, "health/notes.md", "# Notes\n")  # holds the folder up
    small_tree.reconcile()
    small_tree.forget("Run 5k on Sundays with the club")  # forgetting refreshes at once
    assert not (tree / "health/sport").exists()
    assert "sport/" not in read(small_tree, "health/context.md")
    small_tree.forget("Dentist: Dr. Ortiz, Tuesdays")
    assert "Dentist" not in read(small_tree, "health/context.md")  # no trace of it left
    hand_written(small_tree, "health/context.md", "# My health folder\n")
    for title in ("Allergic to penicillin since 2010", "Notes"):
        small_tree.forget(title)
    assert (tree / "health/context.md").read_text() == "# My health folder\n"  # theirs
    assert "health/" not in read(small_tree, "context.md")


def test_undoing_a_run_puts_context_files_back(service: MemoryService, tmp_path: Path) -> None:
    import_talk(service, tmp_path, TALK[:5])
    distill(service)
    before = contexts(service)
    import_talk(service, tmp_path, TALK)
    report = distill(service)
    assert contexts(service) != before
    service.distiller(use_model=False).undo_run(report.run_id)
    assert contexts(service) == before


def test_odd_folder_and_file_names(service: MemoryService) -> None:
    hand_written(service, "Close Friends (2020)/Ana [old].md", "# Ana [the first]\nhi\n")
    hand_written(service, "Close Friends (2020)/we met #1.md", "# We met\nhi\n")
    hand_written(service, "café ☕/menu.md", "# Menu du jour\n")
    (service.config.tree_dir / "a/context.md").mkdir(parents=True)  # a folder of that name
    hand_written(service, "a/context.md/inside.md", "# Inside\n")
    service.reconcile()
    report = service.refresh_contexts()
    assert "a/context.md" not in report.written
    friends = read(service, "Close Friends (2020)/context.md")
    assert friends.startswith("# Close Friends (2020)/\n\nClose Friends (2020).\n")
    assert "- [Ana \\[the first\\]](Ana%20[old].md)" in friends
    assert "- [We met](we%20met%20%231.md)" in friends
    root = read(service, "context.md")
    assert "- [Close Friends (2020)/](Close%20Friends%20%282020%29/context.md) 2 entries" in root
    assert "- [café ☕/](café%20☕/context.md) 1 entry: Café ☕." in root
    assert context.owner(read(service, "café ☕/context.md")) == "amber"


def test_an_entry_titled_context_is_not_written_as_one(service: MemoryService) -> None:
    entry = service.remember("Context of the project", title="Context", path="projects")
    assert entry.path == "projects/context-2.md"
    code, _, err = amber("mv", entry.id, "projects/context.md")
    assert code == 2
    assert "context.md" in err


def test_a_signature_only_matches_what_amber_wrote() -> None:
    signed = context.sign("# x/\n\nX.\n")
    assert context.owner(signed) == "amber"
    assert context.owner(None) == "absent"
    assert context.owner(signed.replace("X.", "Y.")) == "person"
    assert context.owner(signed + "more\n") == "person"
    assert context.owner(signed.replace("\n", "\r\n")) == "person"
    assert context.owner("# people\n") == "person"


@pytest.mark.skipif(os.name != "posix", reason="a symlinked context.md")
def test_a_linked_context_md_gives_no_description(service: MemoryService, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not show this\n")
    service.remember("Ana is my neighbour", path="people", kind="person")
    (service.config.tree_dir / "people/context.md").symlink_to(secret)
    assert service.folder_description("people") == ""


def test_amber_tree_context_for_one_folder(service: MemoryService) -> None:
    service.remember("Run 5k on Sundays", path="health/sport")
    service.remember("Ana is my neighbour", path="people", kind="person")
    code, out, _ = amber("tree", "Health", "--context")
    assert code == 0
    assert set(contexts(service)) == {"context.md", "health/context.md", "health/sport/context.md"}
    assert "wrote health/sport/context.md" in out
    assert "3 written, 0 removed, 0 unchanged, 0 yours kept" in out
