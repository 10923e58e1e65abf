"""Source threads: started when enabled and not paused, stopped otherwise, restarted with
back-off after a crash. One failing source is logged and counted; the others go on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from amber.daemon.context import SourceContext
from amber.daemon.control import ControlState
from amber.daemon.stats import SourceStats
from amber.pluginspec import DISABLED, ERROR, PAUSED, STARTING, STOPPED, CaptureSource

log = logging.getLogger("amber.daemon")

RESTART_S = (5.0, 30.0, 120.0, 300.0)
JOIN_S = 10.0


class SourceRunner:
    def __init__(
        self, source: CaptureSource, stats: SourceStats, make_context: Callable[[], SourceContext]
    ) -> None:
        self.source = source
        self.stats = stats
        self._make_context = make_context
        self._ctx: SourceContext | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._ctx = self._make_context()
        self.stats.set_state(STARTING)
        self._thread = threading.Thread(
            target=self._loop,
            args=(self._ctx,),
            name=f"amber-source-{self.source.name}",
            daemon=True,
        )
        self._thread.start()

    def signal_stop(self) -> None:
        if self._ctx is not None:
            self._ctx.stop.set()

    def join(self, state: str, detail: str = "") -> None:
        if self._thread is not None:
            self._thread.join(JOIN_S)
            if self._thread.is_alive():
                log.warning("source %s did not stop within %.0f s", self.source.name, JOIN_S)
        self._thread = self._ctx = None
        self.stats.set_state(state, detail)

    def _loop(self, ctx: SourceContext) -> None:
        attempt = 0
        while not ctx.stopping:
            try:
                self.source.run(ctx)
            except Exception as exc:  # a plugin's bug must not take the daemon down
                log.exception("source %s failed", self.source.name)
                self.stats.error(f"{type(exc).__name__}: {exc}")
                delay = RESTART_S[min(attempt, len(RESTART_S) - 1)]
                self.stats.set_state(ERROR, f"failed ({exc}); restarting in {delay:.0f} s")
                attempt += 1
                if ctx.wait(delay):
                    return
                continue
            if not ctx.stopping:
                self.stats.set_state(STOPPED, "the source finished")
            return


class Supervisor:
    def __init__(self, runners: dict[str, SourceRunner]) -> None:
        self.runners = runners

    def apply(self, control: ControlState, hold: str = "") -> None:
        """Start what should run and stop what should not; a change takes effect at once.
        `hold`: why nothing may capture now (the disk is full), shown as each source's
        pause; the user's own switches come back when the hold ends."""
        to_stop: list[tuple[SourceRunner, str, str]] = []
        for name, runner in self.runners.items():
            if not control.enabled(name, runner.source.default_enabled):
                to_stop.append((runner, DISABLED, ""))
            elif control.paused(name):
                to_stop.append((runner, PAUSED, _until(control, name)))
            elif hold:
                to_stop.append((runner, PAUSED, hold))
            else:
                runner.start()
        for runner, _, _ in to_stop:  # signal all first, so they wind down together
            runner.signal_stop()
        for runner, state, detail in to_stop:
            if runner.running or (runner.stats.state, runner.stats.detail) != (state, detail):
                runner.join(state, detail)

    def stop_all(self) -> None:
        for runner in self.runners.values():
            runner.signal_stop()
        for runner in self.runners.values():
            if runner.running:
                runner.join(STOPPED, "daemon stopped")


def _until(control: ControlState, name: str) -> str:
    until = control.paused_until(name) or control.paused_until(None)
    return f"until {until}" if until else ""
