"""The Amber TUI application and its factory (used by `amber tui` and by the tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal

from amber.errors import AmberError
from amber.tui.blocking import off_loop
from amber.tui.changes import ChangeFeed
from amber.tui.screens.daemon import DaemonScreen
from amber.tui.screens.help import HelpScreen
from amber.tui.screens.main import MainScreen
from amber.tui.screens.review import ReviewScreen
from amber.tui.screens.timeline import TimelineScreen
from amber.tui.screenshot import default_folder, save_screenshot
from amber.tui.services import TuiServices

LIGHT = "textual-light"
DARK = "textual-dark"
SECTIONS = {
    "browse": "Browse and search the Context Tree",
    "timeline": "Timeline of recent events by source",
    "review": "The distiller's review queue",
    "daemon": "The capture daemon: sources, queue, errors",
}


class AmberApp(App[None]):
    CSS_PATH = "amber.tcss"
    TITLE = "Amber"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "browse": MainScreen,
        "timeline": TimelineScreen,
        "review": ReviewScreen,
        "daemon": DaemonScreen,
    }
    DEFAULT_MODE = "browse"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help"),
        Binding("b", "section('browse')", "Browse", show=False),
        Binding("t", "section('timeline')", "Timeline"),
        Binding("r", "section('review')", "Review"),
        Binding("s", "section('daemon')", "Daemon"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(self, services: TuiServices, *, theme: str | None = None) -> None:
        super().__init__()
        self.services = services
        self.feed = ChangeFeed(services.memory)
        self.memory_changed: Signal[None] = Signal(self, "memory-changed")
        self.watch_state = ""
        self.screenshot_dir: Path | None = None  # None: Downloads, else the current folder
        self._polling = False
        if theme:
            self.theme = theme

    def on_mount(self) -> None:
        self.set_interval(self.services.poll_s, self._poll)
        self._poll()  # the first poll records where memory stands
        if self.services.watch_tree:
            self._start_watching()

    async def on_unmount(self) -> None:
        await asyncio.to_thread(self.feed.stop)
        await asyncio.to_thread(self.services.memory.flush_lifecycle)  # opened results

    def _poll(self) -> None:
        # Skipped while a poll runs: cancelling one could lose the change it just saw.
        if not self._polling:
            self._polling = True
            self._check_memory()

    @work(group="poll")
    async def _check_memory(self) -> None:
        try:
            if await off_loop(self, self.feed.changed):
                self.memory_changed.publish(None)
        finally:
            self._polling = False

    @work(group="watch")
    async def _start_watching(self) -> None:
        self.watch_state = "indexing edits"
        try:
            watching = await off_loop(self, self.feed.start_watching)
        except (OSError, AmberError) as exc:  # e.g. the inotify watch limit: poll only
            self.watch_state = f"not watching the tree ({exc})"
        else:
            self.watch_state = "watching the tree" if watching else "another process watches"
        self.memory_changed.publish(None)  # the start-up reconcile may have changed memory

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Sections switch only from a section's own screen, never under a dialog or editor.
        return action != "section" or len(self.screen_stack) <= 1

    def action_section(self, mode: str) -> None:
        if self.current_mode != mode and len(self.screen_stack) <= 1:
            self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save the screen as SVG and say where, or why it could not be saved."""
        folder = Path(path) if path else self.screenshot_dir or default_folder()
        try:
            saved = save_screenshot(self, folder)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            note = f"Screenshot not saved: cannot write in {folder}: {reason}"
            self.notify(note, title="Screenshot", severity="error", timeout=8, markup=False)
            return
        self.notify(f"Screenshot saved to {saved}", title="Screenshot", timeout=6, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's: silent where ~/Downloads is missing
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG picture of the screen (Downloads, else the current folder)",
            lambda: self.set_timer(0.1, self.action_screenshot),  # once the palette is gone
        )
        for mode, help_text in SECTIONS.items():
            yield SystemCommand(mode.capitalize(), help_text, self._switcher(mode))
        yield SystemCommand("Help", "Every key binding", self.action_help)
        yield SystemCommand(
            "Light or dark", "Switch between light and dark", self.action_toggle_theme
        )
        if isinstance(screen, MainScreen):
            yield from screen.commands()

    def _switcher(self, mode: str) -> Callable[[], None]:
        return lambda: self.action_section(mode)


def create_app(services: TuiServices, *, theme: str | None = None) -> AmberApp:
    """The app over the given services; nothing is opened or started until it runs."""
    return AmberApp(services, theme=theme)
