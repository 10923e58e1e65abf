"""Merging what two or three devices changed: field by field, line by line, never losing
a side's text; forgetting wins over an edit made elsewhere."""

from __future__ import annotations

from pathlib import Path

from helpers.sync import bare_remote, capture, chat, device, new_device, recalls, sync

from amber.sync.git import Git
from amber.sync.merge import merge_entry

BASE = """---
id: 01JD3K5Z8XQ4M7R2T9V0W1Y2Z3
title: Packing list
kind: note
tags: [trip]
mood: calm  # my own key
created: 2024-05-01T10:00:00Z
updated: 2024-05-01T10:00:00Z
---
- passport
- charger
- sunscreen
- hat
- book
"""


def _edit(text: str, **swaps: str) -> str:
    for old, new in swaps.items():
        text = text.replace(old.replace("_", " "), new)
    return text


def test_fields_merge_field_by_field_and_lines_three_ways(tmp_path: Path) -> None:
    git = Git(tmp_path)
    ours = BASE.replace("tags: [trip]", "tags: [trip, summer]").replace(
        "updated: 2024-05-01T10:00:00Z", "updated: 2024-05-03T09:00:00Z"
    )
    ours = ours.replace("- passport", "- passport and visa")
    theirs = BASE.replace("tags: [trip]", "tags: [trip, hvar]").replace(
        "updated: 2024-05-01T10:00:00Z", "updated: 2024-05-04T08:00:00Z"
    )
    theirs = theirs.replace("- book", "- two books").replace("mood: calm", "mood: excited")
    merged = merge_entry(git, "travel/packing.md", BASE, ours, theirs)
    assert merged.clean
    assert "tags: [trip, summer, hvar]" in merged.text
    assert "updated: 2024-05-04T08:00:00Z" in merged.text  # the later one
    assert "mood: excited" in merged.text  # the person's own key, merged as text
    assert "- passport and visa" in merged.text and "- two books" in merged.text


def test_the_same_line_changed_twice_keeps_mine_and_says_so(tmp_path: Path) -> None:
    git = Git(tmp_path)
    ours = BASE.replace("- hat", "- straw hat")
    theirs = BASE.replace("- hat", "- cap").replace("title: Packing list", "title: Bag")
    merged = merge_entry(git, "travel/packing.md", BASE, ours, theirs)
    assert not merged.clean
    assert "- straw hat" in merged.text and "<<<<<<<" not in merged.text
    assert "title: Bag" in merged.text  # changed on one side only: taken


def test_three_devices_editing_and_capturing_at_once_converge(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    homes = [new_device(tmp_path, name, remote) for name in ("a", "b", "c")]
    shared = ""
    with device(homes[0]) as service:
        shared = service.remember("House rules\n\nline one\n\nline two\n\nline three\n").id
    sync(*homes)
    for n, home in enumerate(homes):
        with device(home) as service:
            service.remember(f"Device {n} note about the {['owl', 'fox', 'elk'][n]}")
            body = service.get(shared).entry.body.replace(
                f"line {['one', 'two', 'three'][n]}", f"line {n} changed"
            )
            service.update(shared, body=body)
        capture(
            home,
            chat(f"talk-{n}", f"Conversation {n} mentions the {['heron', 'otter', 'lynx'][n]}"),
        )
    sync(*homes, *homes)
    for home in homes:
        for word in ("heron", "otter", "lynx"):
            assert recalls(home, word), (home.name, word)
        for word in ("owl", "fox", "elk"):
            assert recalls(home, word, "entry"), (home.name, word)
        with device(home) as service:
            body = service.get(shared).entry.body
            assert all(f"line {n} changed" in body for n in range(3)), body
            assert not service.review_queue().items()
            assert service.event_source_counts() == {"conversation": 3}


def test_forgetting_wins_over_an_edit_made_elsewhere(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        entry = service.remember("An old address I no longer want kept", path="places")
    sync(a, b)
    with device(a) as service:
        service.forget(entry.id)
    with device(b) as service:
        service.update(entry.id, body="An old address, with the postcode added")
    sync(a, b, a)
    for home in (a, b):
        assert not recalls(home, "old address", "entry"), home.name


def test_two_new_entries_at_one_path_are_both_kept(tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        first = service.remember("Shopping list: milk and eggs", title="Shopping", path="lists")
    with device(b) as service:
        second = service.remember("Shopping list: nails and glue", title="Shopping", path="lists")
    sync(a, b, a)
    for home in (a, b):
        with device(home) as service:
            assert "milk" in service.get(first.id).entry.body
            assert "nails" in service.get(second.id).entry.body


def test_a_file_whose_frontmatter_does_not_parse_merges_as_text(tmp_path: Path) -> None:
    git = Git(tmp_path)
    base = "---\ntitle: never closed\n\nline a\nline b\nline c\nline d\nline e\n"
    ours = base.replace("line a", "line A")
    theirs = base.replace("line e", "line E")
    merged = merge_entry(git, "notes/broken.md", base, ours, theirs)
    assert merged.clean and "line A" in merged.text and "line E" in merged.text
