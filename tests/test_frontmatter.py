"""Round trips of the entry format keep what the user wrote."""

from __future__ import annotations

import pytest

from amber.ids import path_id
from amber.tree import frontmatter as fm
from amber.tree.entry import Entry, parse_entry, render_new, rewrite

USER_FILE = """---
id: 01JD3K5Z8XQ4M7R2T9V0W1Y2Z3      # ULID; stable
title: "Caroline moved to Berlin"
kind: fact
tags:
  - relocation
  - family
my_plugin:   {nested: [1, 2], keep: 'exactly'}
created: 2026-11-20T10:31:00Z
updated: 2026-11-20T10:31:00Z
valid_from: 2023-05
# a comment the user wrote
sources: ["conv:chatgpt/6f1c#m12"]
---
Caroline moved to Berlin in May 2023.

## Relations
- knows [[Melanie]] and [[Jon Snow|Jon]]
"""


def test_parse_reads_owned_fields_and_links() -> None:
    entry = parse_entry("people/caroline.md", USER_FILE)
    assert entry.problem is None
    assert entry.id == "01JD3K5Z8XQ4M7R2T9V0W1Y2Z3"
    assert entry.title == "Caroline moved to Berlin"
    assert entry.tags == ["relocation", "family"]
    assert entry.valid_from == "2023-05"
    assert entry.created == "2026-11-20T10:31:00Z"
    assert entry.sources == ["conv:chatgpt/6f1c#m12"]
    assert entry.links == ["Jon Snow", "Melanie"]


def test_rewrite_touches_only_changed_owned_lines() -> None:
    out = rewrite(USER_FILE, {"updated": "2026-11-21T08:00:00Z", "tags": ["moved"]})
    before = USER_FILE.splitlines()
    after = out.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert "my_plugin:   {nested: [1, 2], keep: 'exactly'}" in after
    assert "# a comment the user wrote" in after
    assert 'title: "Caroline moved to Berlin"' in after
    assert "tags: [moved]" in after
    assert "  - relocation" not in after
    assert "updated: 2026-11-21T08:00:00Z" in after
    assert changed, "something must have changed"
    assert out.endswith("- knows [[Melanie]] and [[Jon Snow|Jon]]\n")


def test_rewrite_with_no_changes_is_byte_identical() -> None:
    assert rewrite(USER_FILE, {}) == USER_FILE


def test_rewrite_adds_missing_and_removes_none() -> None:
    out = rewrite(USER_FILE, {"aliases": ["Caro"], "valid_from": None})
    assert "aliases: [Caro]" in out
    assert "valid_from" not in out


def test_crlf_files_stay_crlf() -> None:
    text = USER_FILE.replace("\n", "\r\n")
    out = rewrite(text, {"title": "New title"})
    assert "\r\n" in out
    assert "\n" not in out.replace("\r\n", "")
    assert parse_entry("a.md", out).title == "New title"


@pytest.mark.parametrize(
    "value",
    [
        "plain words",
        "colon: inside",
        "# hash",
        "yes",
        "null",
        "123",
        "[brackets]",
        'quote " s',
        "ünïcödé",
        "a, b",
        "- dash",
        "2023-05",
        "2024-13-01",
        "2023-02-30",
        "",
    ],
)
def test_rendered_values_read_back(value: str) -> None:
    entry = Entry(id="01ABC", title=value or "x", tags=[value] if value else [], aliases=["a,b"])
    back = parse_entry("n/x.md", render_new(entry))
    assert back.title == (value or "x")
    assert back.aliases == ["a,b"]
    if value:
        assert back.tags == [value]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: x\nno closing fence\n", "no closing"),
        ("---\ntitle: [unclosed\n---\nbody\n", "not valid YAML"),
        ("---\n- just\n- a list\n---\nbody\n", "mapping"),
        ("---\na: &a [*a]\n---\nbody\n", "YAML alias (*a)"),  # refers to itself
        (
            "---\n"
            + "\n".join(
                ["a0: &a0 [lol, lol]"]
                + [  # "billion laughs": 4^24 strings
                    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
                    for i in range(1, 25)
                ]
            )
            + "\n---\nbody\n",
            "YAML alias (*a0)",
        ),
    ],
)
def test_broken_frontmatter_becomes_plain_text(text: str, problem: str) -> None:
    entry = parse_entry("notes/broken.md", text)
    assert problem in (entry.problem or "")
    assert entry.body == text
    assert entry.id == path_id("notes/broken.md")
    assert not entry.has_own_id


def test_file_without_frontmatter_gets_title_from_heading() -> None:
    entry = parse_entry("notes/ideas.md", "# Garden plans\n\nPlant tomatoes.\n")
    assert entry.title == "Garden plans"
    assert entry.problem is None
    assert not entry.has_own_id
    assert parse_entry("notes/my_ideas.md", "Just text").title == "my ideas"


def test_set_fields_handles_block_lists() -> None:
    block = "tags:\n  - a\n  - b\nkeep: 1"
    assert fm.set_fields(block, {"tags": ["c"]}) == "tags: [c]\nkeep: 1"


def test_a_date_that_does_not_exist_stays_text() -> None:
    entry = parse_entry(
        "n/typo.md",
        "---\ntitle: Typo\nupdated: 2024-13-45\n"
        "created: 2024-02-30\nvalid_from: 2024-05-01\n---\nbody\n",
    )
    assert (entry.problem, entry.updated, entry.created) == (None, "2024-13-45", "2024-02-30")
    assert entry.valid_from == "2024-05-01"
