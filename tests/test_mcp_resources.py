"""Entries as MCP resources: resources/list pages through what the scope can read, in a
stable order; reading one that does not exist is the error code the client's protocol
version asks for; arguments that do not fit a tool come back as one readable line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import Implementation, Resource

from amber.mcp import resources
from amber.mcp.scope import Scope
from amber.mcp.server import ServerOptions, build_server
from amber.service import MemoryService

pytestmark = pytest.mark.anyio
AGENT = Implementation(name="test-agent", version="1.2")


@asynccontextmanager
async def connect(scope: Scope, mode: str = "auto") -> AsyncIterator[Client]:
    server = build_server(ServerOptions(scope=scope, watch=False))
    async with Client(server, client_info=AGENT, mode=mode) as client:  # type: ignore[arg-type]
        yield client


async def every_page(client: Client) -> list[list[Resource]]:
    pages, cursor = [], None
    while True:
        listed = await client.list_resources(cursor=cursor, cache_mode="refresh")
        pages.append(listed.resources)
        cursor = listed.next_cursor
        if cursor is None:
            return pages


async def test_resources_list_pages_through_the_scope_in_path_order(
    home: Path, service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "PAGE_SIZE", 3)
    mine = [service.remember(f"Demo note {n}", path="projects/demo").id for n in range(5)]
    prefs = service.remember("Prefers tabs", path="preferences").id
    service.remember("Other project note", path="projects/other")
    service.remember("Ana's birthday is in May", path="people/ana")
    archive = home / "tree" / "_archive" / "projects" / "demo"
    archive.mkdir(parents=True)
    (archive / "old.md").write_text("# Old demo note\n\nSuperseded long ago.\n")
    service.reconcile()
    assert service.get("_archive/projects/demo/old.md")  # indexed, but not listed
    async with connect(Scope("projects/demo")) as client:
        pages = await every_page(client)
    assert [len(page) for page in pages] == [3, 3]
    listed = [r for page in pages for r in page]
    assert sorted(r.uri for r in listed) == sorted(f"amber://entry/{i}" for i in [*mine, prefs])
    assert [r.name for r in listed] == sorted(r.name for r in listed)  # by path
    first = listed[0]
    assert first.mime_type == "text/markdown"
    assert first.title == "Demo note 0" or first.name.startswith("preferences/")
    assert all(r.description for r in listed)


async def test_paging_neither_repeats_nor_skips_while_entries_change(
    home: Path, service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "PAGE_SIZE", 2)
    ids = [service.remember(f"Note {n}", path="projects/demo", title=f"n{n}").id for n in range(6)]
    async with connect(Scope("projects/demo")) as client:
        first = await client.list_resources(cache_mode="refresh")
        seen = [r.uri for r in first.resources]
        service.remember("Before them all", path="projects/demo", title="a0")  # sorts first
        service.forget(ids[5])
        cursor = first.next_cursor
        while cursor:
            page = await client.list_resources(cursor=cursor, cache_mode="refresh")
            seen += [r.uri for r in page.resources]
            cursor = page.next_cursor
    assert seen == [f"amber://entry/{i}" for i in ids[:5]]


async def test_a_cursor_amber_did_not_give_is_invalid_params(home: Path) -> None:
    async with connect(Scope()) as client:
        with pytest.raises(MCPError) as caught:
            await client.list_resources(cursor="not-a-cursor!", cache_mode="refresh")
    assert caught.value.code == -32602
    assert "list again without a cursor" in caught.value.message


@pytest.mark.parametrize(("mode", "code"), [("legacy", -32002), ("auto", -32602)])
async def test_a_missing_resource_is_the_code_the_protocol_version_asks_for(
    home: Path, service: MemoryService, mode: str, code: int
) -> None:
    """-32002 up to the 2025-11-25 specification, -32602 from 2026-07-28 on."""
    outside = service.remember("Ana's birthday is in May", path="people/ana").id
    async with connect(Scope("projects/demo"), mode) as client:
        for uri in ("amber://entry/NOPE123456", f"amber://entry/{outside}"):
            with pytest.raises(MCPError) as caught:
                await client.read_resource(uri)
            assert caught.value.code == code
            assert caught.value.data == {"uri": uri}
            assert "no memory" in caught.value.message
        with pytest.raises(MCPError) as caught:
            await client.read_resource("file:///etc/passwd")
    assert caught.value.code == code
    assert "amber://entry/<id>" in caught.value.message


async def test_bad_arguments_name_the_argument_and_what_it_expects(home: Path) -> None:
    async with connect(Scope("projects/demo")) as client:
        result = await client.call_tool("search_memory", {"query": "a", "k": "many"})
        missing = await client.call_tool("get_memory", {})
        several = await client.call_tool("browse_tree", {"path": 3, "depth": 9})
    text = result.content[0].text
    assert result.is_error
    assert text == (
        "bad arguments for search_memory: 'k' must be a whole number, got \"many\" "
        "(see the tool's input schema)"
    )
    assert missing.content[0].text.startswith("bad arguments for get_memory: 'id' is required")
    assert "'path' must be text" in several.content[0].text
    assert "'depth' must be at most 6, got 9" in several.content[0].text
    for shown in (text, missing.content[0].text, several.content[0].text):
        assert "http" not in shown
        assert "\n" not in shown
        assert "validation error" not in shown
