"""The daemon in a thread of this process: for embedding (and tests), stopped in order.

with DaemonThread(home, sources=...) as daemon:
    ...  # daemon.stats, daemon.sink; the status file is written as usual
"""

from __future__ import annotations

import threading
from pathlib import Path

from amber.daemon.daemon import Daemon, DaemonOptions
from amber.daemon.run import run_daemon
from amber.pluginspec import CaptureSource

START_TIMEOUT_S = 60.0


class DaemonThread:
    def __init__(
        self,
        home: Path | None = None,
        *,
        sources: dict[str, CaptureSource] | None = None,
        options: DaemonOptions | None = None,
    ) -> None:
        self.home = home
        self.sources = sources
        self.options = options or DaemonOptions()
        self.daemon: Daemon | None = None
        self.failure: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="amber-daemon", daemon=True)

    def __enter__(self) -> Daemon:
        self._thread.start()
        self._ready.wait(START_TIMEOUT_S)
        if self.daemon is None:
            if self.failure is not None:
                raise self.failure
            raise RuntimeError("the daemon did not start in time")
        return self.daemon

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self, timeout: float = 60.0) -> None:
        if self.daemon is not None:
            self.daemon.request_stop()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError("the daemon thread did not stop")

    def _run(self) -> None:
        try:
            run_daemon(
                self.home,
                foreground=False,
                sources=self.sources,
                options=self.options,
                on_ready=self._started,
            )
        except BaseException as exc:  # reported by __enter__ / stop
            self.failure = exc
        finally:
            self._ready.set()

    def _started(self, daemon: Daemon) -> None:
        self.daemon = daemon
        self._ready.set()
