"""The plugin API (pluggy). Built-in importers and capture sources in `amber.plugins`
register through the same hooks as third-party packages (entry-point group `amber.plugins`).

This is the one Amber module a plugin imports: the hook marker, the event draft it
produces, the errors it raises, the source state names, and the protocols of what it
implements (`Importer`, `CaptureSource`) and of what the daemon hands a running source
(`CaptureContext`). A plugin that needs anything else from Amber is asking for an API
change, not for an import (tests/test_architecture.py holds the built-ins to that;
ARCHITECTURE.md, "Writing a plugin", documents every hook and member).

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

from amber.errors import ConfigError, ImportFormatError
from amber.events import EventDraft

__all__ = [
    "DISABLED",
    "ERROR",
    "PAUSED",
    "RUNNING",
    "STARTING",
    "STOPPED",
    "WAITING",
    "CaptureContext",
    "CaptureSource",
    "ConfigError",
    "EventDraft",
    "ImportFormatError",
    "Importer",
    "ProgressWrite",
    "SourceProgress",
    "hookimpl",
]

PROJECT = "amber"
ENTRY_POINT_GROUP = "amber.plugins"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@runtime_checkable
class Importer(Protocol):
    """Reads one kind of export file into event drafts. Amber redacts secrets from the
    text, stores the drafts in batches and drops those it already has (by their ids), so
    an importer only reads.

    Attributes:
        name: the format's name on the command line
            (`amber import conversation FILE --format NAME`).
        description: one line for `amber import formats`.
    """

    name: str
    description: str

    def detect(self, path: Path) -> bool:
        """True when the file looks like this importer's format (cheap sniffing)."""
        ...

    def read(self, path: Path) -> Iterator[EventDraft]:
        """Yield events in source order; raise ImportFormatError on malformed input (the
        drafts yielded before it are kept)."""
        ...


class HookSpecs:
    """The hooks a plugin implements (with `@hookimpl`, as module-level functions)."""

    @hookspec
    def register_importers(self, register: Callable[[Importer], None]) -> None:
        """Register conversation/export importers by calling `register(importer)`.

        Called each time an `amber import` command lists the importers. The first
        importer registered under a name wins, and `detect` is asked in that order.
        pluggy calls the plugin registered last first: a third-party plugin (loaded after
        the built-ins) is asked first, and takes a name it shares with a built-in."""

    @hookspec
    def register_sources(self, register: Callable[[CaptureSource], None]) -> None:
        """Register capture sources for the daemon by calling `register(source)`.

        Called when the daemon starts and when `amber sources` lists them, so registering
        must stay cheap: import heavy dependencies inside `run`. As with importers, the
        first source registered under a name wins, third-party plugins first."""


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
    """Every registered importer by name, in registration order."""
    found: dict[str, Importer] = {}
    manager.hook.register_importers(register=lambda imp: found.setdefault(imp.name, imp))
    return found


# -- capture sources (the daemon) -------------------------------------------------------------

# The states of a source, shown by `amber daemon status` with the detail line the source
# gives. A source sets RUNNING, WAITING (for something outside it: a display, a folder)
# and ERROR (it cannot work until the user acts); the daemon sets the others.
STARTING = "starting"
RUNNING = "running"
WAITING = "waiting"
PAUSED = "paused"
DISABLED = "disabled"
ERROR = "error"
STOPPED = "stopped"

# A write of a source's progress, made by `SourceProgress` and handed to `emit(checkpoint=)`.
# The daemon calls it with the open database connection inside the transaction that
# commits the events it belongs to; a source never calls it itself.
ProgressWrite = Callable[[Any], None]


class SourceProgress(Protocol):
    """A source's own progress, kept in the index next to its events (so it is encrypted
    like them and can never be ahead of them). Reads answer at once; every write comes
    back as a `ProgressWrite` for `ctx.emit(drafts, checkpoint=...)`, so it is committed
    in the same transaction as those drafts: after a crash or a `kill -9`, either the
    events and the progress are both stored or neither is, and what was acknowledged is
    never read again nor lost. Scoped to the source: two sources never see each other's."""

    def file_marks(self) -> dict[str, tuple[int, int]]:
        """(mtime_ns, size) of every file with saved progress, by path: enough to tell an
        unchanged file without reading it; the chunk hashes stay on disk."""
        ...

    def file_chunks(self, path: str) -> frozenset[str]:
        """The content hashes saved for `path` (empty when none): which chunks of a
        changed file were already captured."""
        ...

    def save_file(
        self, path: str, mtime_ns: int, size: int, chunks: frozenset[str]
    ) -> ProgressWrite:
        """Replace the progress of `path` with this mtime, size and set of chunk hashes."""
        ...

    def forget_file(self, path: str) -> ProgressWrite:
        """Drop the progress of `path` (the file is gone; its events stay, as history)."""
        ...

    def checkpoint(self) -> dict[str, Any]:
        """The JSON state last saved by `save_checkpoint` ({} before the first save): where
        a tailing source stopped reading."""
        ...

    def save_checkpoint(self, state: dict[str, Any]) -> ProgressWrite:
        """Replace the saved state with `state` (JSON-able: dicts, lists, text, numbers).
        It is serialised when the transaction runs, so hand over a dict you no longer change."""
        ...


class CaptureContext(Protocol):
    """What the daemon gives a running source: settings, a way to hand over items, and a
    stop signal. Every wait goes through `wait()` so that shutdown and pause are prompt.
    A source reaches into the Amber home only through `private_dir` and `progress`.

    Attributes:
        name: the source's name; its counters, state and progress are kept under it.
        settings: the `[capture.<name>]` table of config.toml ({} when there is none).
        home: the Amber home, for messages only; nothing of a source's is written there
            except under `private_dir` and through `progress`.
        never_capture: folders whose files must never become events: the Amber home and
            the Context Tree (capturing them would feed Amber its own output, and the
            index and keys with it).
        private_dir: the folder for the source's own files (the screen source's encrypted
            screenshots); the same on every run, and not created until the source does.
        progress: the source's progress rows in the index, written with its events.
    """

    name: str
    settings: dict[str, object]
    home: Path
    never_capture: tuple[Path, ...]
    private_dir: Path
    progress: SourceProgress

    def emit(
        self,
        drafts: list[EventDraft],
        *,
        checkpoint: ProgressWrite | None = None,
        ack: Callable[[], None] | None = None,
        wait: bool = False,
    ) -> bool:
        """Queue drafts for commit (an empty list is fine: progress alone). `checkpoint`
        (from `progress`) runs inside the same transaction as the insert; `ack()` runs
        only after the commit, so in-memory marks never run ahead of the disk. `wait`:
        when the queue is full, wait for room (until stopped) instead of dropping; for a
        source that would not see the same input again soon. False: the item was not
        queued (dropped and counted, or stopping), so the source keeps its old position."""
        ...

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True as soon as the source must stop."""
        ...

    @property
    def stopping(self) -> bool:
        """True once the source must return from `run` (shutdown, pause, disable)."""
        ...

    def set_state(self, state: str, detail: str = "") -> None:
        """Shown by `amber daemon status`: e.g. (RUNNING, "3 folders"), (WAITING, why)."""
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
        (so protected like it, and never stored); the same for the same purpose."""
        ...


@runtime_checkable
class CaptureSource(Protocol):
    """A capture source: `run(ctx)` captures until `ctx.stopping`, in its own thread.

    Attributes:
        name: `amber sources enable NAME`; also its config table `[capture.NAME]`.
        description: one line for `amber sources list`.
        default_enabled: whether it runs before the user enables or disables it; False
            unless capturing it is what every user of Amber expects.
    """

    name: str
    description: str
    default_enabled: bool

    def run(self, ctx: CaptureContext) -> None:
        """Capture until `ctx.stopping`, then return. An exception is counted, shown and
        answered with a restart after a back-off; returning early shows the source as
        stopped. A pause or a disable sets `ctx.stopping`; the next run gets a new `ctx`."""
        ...


def collect_sources(manager: pluggy.PluginManager) -> dict[str, CaptureSource]:
    """Every registered capture source by name, in registration order."""
    found: dict[str, CaptureSource] = {}
    manager.hook.register_sources(register=lambda src: found.setdefault(src.name, src))
    return found
