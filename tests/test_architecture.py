"""The layers of ARCHITECTURE.md, checked: every `amber.*` import in app/, cli/ and plugins/
is read with `ast` (imports inside functions and under TYPE_CHECKING count) and must point
at a layer its own layer may use. Also: interfaces use the service's methods, never its
parts; every plugin hook and context member is documented; comments cite files in the
repository only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.daemon import daemon_with
from helpers.imports import imported
from helpers.waiting import wait_for

from amber.config import load_config
from amber.daemon.control import Control
from amber.daemon.paths import DaemonPaths
from amber.daemon.settings import set_capture_value
from amber.pluginspec import CaptureContext, CaptureSource, HookSpecs, Importer, SourceProgress
from amber.service import MemoryService

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = {"app": "amber", "cli": "amber.cli", "plugins": "amber.plugins"}

# Layer -> the module prefixes it holds, lowest first. A module belongs to the layer with
# the longest matching prefix.
LAYERS: dict[str, tuple[str, ...]] = {
    "core": (
        "amber",
        "amber.errors",
        "amber.clock",
        "amber.ids",
        "amber.text",
        "amber.events",
        "amber.config",
        "amber.redact",
        "amber.trust",
        "amber.security",
    ),
    "tree": ("amber.tree",),
    "store": ("amber.store",),
    "plugin api": ("amber.pluginspec",),
    "engine": (
        "amber.indexer",
        "amber.writing",
        "amber.ingest",
        "amber.snapshots",
        "amber.retention",
        "amber.compaction",
        "amber.importing",
        "amber.reads",
        "amber.retrieval",
        "amber.embedding",
        "amber.models",
        "amber.ask",
        "amber.lifecycle",
        "amber.maintenance",
        "amber.freshness",
        "amber.forgetting",
        "amber.distill",
        "amber.contexts",
        "amber.sync",
    ),
    "composition": ("amber.home", "amber.service", "amber.watcher"),
    "daemon": ("amber.daemon",),
    "tui": ("amber.tui",),
    "mcp": ("amber.mcp",),
    "cli": ("amber.cli",),
    "plugins": ("amber.plugins",),
}
BELOW_ENGINE = ("core", "tree", "store", "plugin api")
BELOW_INTERFACES = (*BELOW_ENGINE, "engine", "composition")
MAY_USE: dict[str, tuple[str, ...]] = {  # besides itself
    "core": (),
    "tree": ("core",),
    "store": ("core", "tree"),
    "plugin api": ("core",),
    "engine": BELOW_ENGINE,
    "composition": (*BELOW_ENGINE, "engine"),
    "daemon": BELOW_INTERFACES,
    "tui": (*BELOW_INTERFACES, "daemon"),
    "mcp": BELOW_INTERFACES,
    "cli": (*BELOW_INTERFACES, "daemon"),
    "plugins": ("plugin api",),
}
# The few crossings that are the point of a module, each with its reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("amber.pluginspec", "amber.plugins"): "registers the built-in importers and sources",
    ("amber.cli.imports", "amber.plugins.importers"): "commands for the built-in importers",
    ("amber.cli.tui", "amber.tui.launch"): "`amber tui` starts the TUI",
    ("amber.cli.mcp", "amber.mcp.launch"): "`amber mcp` starts the server",
    ("amber.cli.mcp", "amber.mcp.install"): "`amber mcp install` writes client configs",
    ("amber.cli.sources", "amber.plugins.sources.screen.vault"): "decrypts a kept screenshot",
}
# What an interface may not reach through the service (or any `memory` it holds).
SERVICE_PARTS = {"db", "files", "home", "indexer", "reader", "recaller", "writer"}
INTERFACES = ("tui", "mcp", "cli")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path

    @property
    def layer(self) -> str:
        return layer_of(self.name)


def layer_of(name: str) -> str:
    """The layer whose longest prefix matches the module ("" when none does)."""
    matches = [
        (len(prefix), layer)
        for layer, prefixes in LAYERS.items()
        for prefix in prefixes
        if name == prefix or name.startswith(prefix + ".")
    ]
    return max(matches)[1] if matches else ""


def modules() -> list[Module]:
    found = []
    for folder, package in SOURCE_ROOTS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = [*path.relative_to(ROOT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found.append(Module(".".join([package, *parts]), path))
    return found


def crossings(module: Module) -> Iterator[str]:
    source = module.path.read_text(encoding="utf-8")
    is_package = module.path.name == "__init__.py"
    for line, target in imported(source, module.name, is_package):
        if target != "amber" and not target.startswith("amber."):
            continue
        used = layer_of(target)
        if used != module.layer and used not in MAY_USE[module.layer]:
            if _allowed(module.name, target):
                continue
            rel = module.path.relative_to(ROOT)
            yield f"{rel}:{line}: {module.layer} imports {target} ({used})"


def _allowed(importer: str, target: str) -> bool:
    return any(importer == a and (target == b or target.startswith(b + ".")) for a, b in ALLOWED)


HIDDEN = """
from __future__ import annotations
from typing import TYPE_CHECKING
import amber.plugins.sources
from amber.pluginspec import hookimpl
from amber import pluginspec
from . import sibling
if TYPE_CHECKING:
    from amber.store.db import Database
def later():
    import amber.config
    from amber import events
    from .... import service
    importlib.import_module("amber.daemon.paths")
"""


def test_the_import_reader_sees_every_kind_of_import() -> None:
    found = {name for _, name in imported(HIDDEN, "amber.plugins.sources.files.source", False)}
    assert found == {
        "__future__",
        "typing",
        "amber.plugins.sources",
        "amber.pluginspec",
        "amber.plugins.sources.files",
        "amber.store.db",
        "amber.config",
        "amber.events",
        "amber.service",
        "amber.daemon.paths",
    }
    plugin = Module("amber.plugins.sources.files.source", Path("x.py"))
    assert plugin.layer == "plugins"
    used = {layer_of(n) for n in found if n.startswith("amber")}
    assert used - {"plugins", *MAY_USE["plugins"]} == {
        "store",
        "core",
        "composition",
        "daemon",
    }


def test_every_module_has_a_layer() -> None:
    unplaced = [m.name for m in modules() if not m.layer]
    assert not unplaced, f"add these to LAYERS (and to ARCHITECTURE.md): {unplaced}"
    assert len(modules()) > 150


def test_imports_follow_the_layers() -> None:
    problems = [problem for module in modules() for problem in crossings(module)]
    assert not problems, "imports against ARCHITECTURE.md's layers:\n" + "\n".join(problems)


def test_each_allowed_crossing_is_still_needed() -> None:
    by_name = {m.name: m for m in modules()}
    for importer, target in ALLOWED:
        found = {t for _, t in imported(by_name[importer].path.read_text(), importer, False)}
        assert any(t == target or t.startswith(target + ".") for t in found), (importer, target)


@pytest.mark.parametrize("layer", INTERFACES)
def test_interfaces_use_the_service_not_its_parts(layer: str) -> None:
    problems = [
        f"{m.path.relative_to(ROOT)}:{line}: .{attr}"
        for m in modules()
        if m.layer == layer
        for line, attr in _service_parts_used(m.path.read_text(encoding="utf-8"))
    ]
    assert not problems, "use a MemoryService method instead:\n" + "\n".join(problems)


def _service_parts_used(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in SERVICE_PARTS:
            holder = node.value
            name = holder.attr if isinstance(holder, ast.Attribute) else getattr(holder, "id", "")
            if name in ("service", "memory"):
                yield node.lineno, node.attr


def test_the_distiller_never_sees_the_service() -> None:
    for module in modules():
        if module.name.startswith("amber.distill"):
            found = {t for _, t in imported(module.path.read_text(), module.name, False)}
            assert "amber.service" not in found, module.name


def architecture_text() -> str:
    return (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_every_plugin_hook_is_documented() -> None:
    """As datasette does: a hook nobody can read about is a hook nobody can use."""
    text = architecture_text()
    hooks = [n for n in vars(HookSpecs) if n.startswith("register_")]
    assert hooks
    missing = [hook for hook in hooks if f"`{hook}(" not in text]
    assert not missing, f"document these hooks in ARCHITECTURE.md: {missing}"


@pytest.mark.parametrize("protocol", [Importer, CaptureSource, CaptureContext, SourceProgress])
def test_every_member_of_the_plugin_api_is_documented(protocol: type) -> None:
    text = architecture_text()
    members = [
        n
        for n in {*vars(protocol), *getattr(protocol, "__annotations__", {})}
        if not n.startswith("_")
    ]
    assert members
    missing = [n for n in members if f"`{n}" not in text]
    assert not missing, f"document these {protocol.__name__} members: {missing}"


STRAY_REFERENCE = re.compile(r"DESIGN\.md|ENGINEERING\.md|\bissue \d+", re.I)


def test_comments_cite_files_in_the_repository() -> None:
    """A comment that points at a document outside the repository (or at an issue number
    in a tracker a reader cannot see) explains nothing to the next reader."""
    found = []
    for folder in ("app", "cli", "plugins", "scripts", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if STRAY_REFERENCE.search(line) and path.name != "test_architecture.py":
                    found.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not found, "cite README.md or ARCHITECTURE.md instead:\n" + "\n".join(found)


def plugin_example(title: str, name: str) -> Any:
    """An instance of class `name` from the `### Example: <title>` code of "Writing a
    plugin", run as written there."""
    text = architecture_text().split("## Writing a plugin", 1)[1]
    found = re.findall(r"### Example: ([^\n]+)\n.*?```python\n(.*?)```", text, re.S)
    code = {heading.strip(): block for heading, block in found}[title]
    namespace: dict[str, Any] = {}
    exec(compile(code, "ARCHITECTURE.md", "exec"), namespace)
    return namespace[name]()


def test_the_example_importer_imports(service: MemoryService, tmp_path: Path) -> None:
    importer = plugin_example("an importer", "NotesImporter")
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "n1", "text": "Ferry leaves at 7", "at": "2024-05-01T07:00"}\n')
    assert importer.detect(notes)
    result = service.import_file(notes, importer)
    assert result.added == 1
    assert service.import_file(notes, importer).added == 0  # imported twice, stored once
    assert [h.type for h in service.recall("ferry")] == ["event"]


def test_the_example_source_captures(home: Path, tmp_path: Path) -> None:
    source = plugin_example("a capture source", "JournalSource")
    journal = tmp_path / "journal.txt"
    journal.write_text("Met Ana at the bakery\nhalf a line")
    set_capture_value(home, "journal", "file", str(journal))
    Control(DaemonPaths.of(load_config(home))).enable("journal", True)  # off by default
    with daemon_with(home, source) as daemon:
        wait_for(lambda: daemon.stats["journal"].captured >= 1, "the journal's first line")
    with MemoryService.open(home) as service:
        texts = [service.get_event(h.id).text for h in service.recall("bakery")]
    assert texts == ["Met Ana at the bakery"]
