"""What every Amber screen shares: the services, and refreshing when memory changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from amber.service import MemoryService
from amber.tui.services import TuiServices

if TYPE_CHECKING:
    from amber.tui.app import AmberApp


class AmberScreen(Screen[Any]):
    """Subscribes to memory changes; a screen in the background refreshes when shown."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stale = False

    @property
    def services(self) -> TuiServices:
        return cast("AmberApp", self.app).services

    @property
    def memory(self) -> MemoryService:
        return self.services.memory

    def on_mount(self) -> None:
        cast("AmberApp", self.app).memory_changed.subscribe(self, self._memory_changed)
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh_data()

    def _memory_changed(self, _: object) -> None:
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def refresh_data(self) -> None:
        """Reload what the screen shows (start a worker; never block here)."""
