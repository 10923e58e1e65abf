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
from typing import Any, Protocol, runtime_checkable

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

    @hookspec
    def register_sources(self, register: Callable[[CaptureSource], None]) -> None:
        """Register capture sources for the daemon by calling `register(source)`."""


def build_plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    """Create the manager with the built-ins; third-party plugins via entry points."""
    from amber.plugins import importers

    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(HookSpecs)
    manager.register(importers, name="builtin_importers")
    from amber.plugins import sources

    manager.register(sources, name="builtin_sources")
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager


def collect_importers(manager: pluggy.PluginManager) -> dict[str, Importer]:
    found: dict[str, Importer] = {}
    manager.hook.register_importers(register=lambda imp: found.setdefault(imp.name, imp))
    return found


# -- capture sources (the daemon) -------------------------------------------------------------


class CaptureContext(Protocol):
    """What the daemon gives a running source: settings, a way to hand over items, and a
    stop signal. Every wait goes through `wait()` so that shutdown and pause are prompt."""

    name: str
    settings: dict[str, object]  # the `[capture.<name>]` table of config.toml
    home: Path
    db: Any  # the index, for a source's own reads (its progress rows); writes go via emit

    def emit(
        self,
        drafts: list[EventDraft],
        *,
        checkpoint: Callable[[Any], None] | None = None,
        ack: Callable[[], None] | None = None,
    ) -> bool:
        """Queue drafts for commit. `checkpoint(conn)` runs inside the same transaction as the
        insert (for a source's own progress rows); `ack()` runs only after the commit. False:
        the queue was full and the item was dropped (and counted)."""
        ...

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True as soon as the source must stop."""
        ...

    @property
    def stopping(self) -> bool: ...

    def set_state(self, state: str, detail: str = "") -> None:
        """Shown by `amber daemon status`: e.g. ("running", "3 folders"), ("waiting", why)."""
        ...

    def skipped(self, count: int = 1) -> None:
        """Count items seen but deliberately not captured (unchanged, excluded, duplicate)."""
        ...

    def dropped(self, count: int = 1) -> None:
        """Count items lost because processing could not keep up (shown, never silent)."""
        ...

    def error(self, message: str) -> None:
        """Count a problem and show it as the source's last error; the source goes on."""
        ...

    def derive_key(self, purpose: str) -> bytes:
        """A 256-bit key for the source's own encrypted files, derived from the index key
        (so protected like it, and never stored)."""
        ...


@runtime_checkable
class CaptureSource(Protocol):
    """A capture source: `run(ctx)` captures until `ctx.stopping`, in its own thread."""

    name: str  # `amber sources enable NAME`; also its config table `[capture.NAME]`
    description: str
    default_enabled: bool

    def run(self, ctx: CaptureContext) -> None: ...


def collect_sources(manager: pluggy.PluginManager) -> dict[str, CaptureSource]:
    found: dict[str, CaptureSource] = {}
    manager.hook.register_sources(register=lambda src: found.setdefault(src.name, src))
    return found
