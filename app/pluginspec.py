"""Plugin hooks (pluggy). Built-in importers and capture sources in `amber.plugins`
register through the same hooks as third-party packages (entry-point group `amber.plugins`).

This module is `amber.pluginspec`, not `amber.plugins`: that name is the plugins folder
package, so plugins import the marker with `from amber.pluginspec import hookimpl`.

The manager is built by the app factory, never at import time, so tests can register
fakes without reloading modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import pluggy

from amber.events import EventDraft

PROJECT = "amber"
ENTRY_POINT_GROUP = "amber.plugins"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@runtime_checkable
class Importer(Protocol):
    """Reads one kind of export file into event drafts."""

    name: str  # used on the command line: `amber import conversation FILE --format NAME`
    description: str

    def detect(self, path: Path) -> bool:
        """True when the file looks like this importer's format (cheap sniffing)."""
        ...

    def read(self, path: Path) -> Iterator[EventDraft]:
        """Yield events in source order; raise ImportFormatError on malformed input."""
        ...


class HookSpecs:
    @hookspec
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        """Register conversation/export importers by calling `register(importer)`."""


def build_plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    """Create the manager with the built-ins; third-party plugins via entry points."""
    from amber.plugins import importers

    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(HookSpecs)
    manager.register(importers, name="builtin_importers")
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


def collect_importers(manager: pluggy.PluginManager) -> dict[str, Importer]:
    found: dict[str, Importer] = {}
    manager.hook.register_importers(register=lambda imp: found.setdefault(imp.name, imp))
    return found
