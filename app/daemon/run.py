"""Running the daemon in this process: lock, logging, memory, sources, signals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from amber.config import load_config
from amber.daemon.daemon import Daemon, DaemonOptions, install_signal_handlers
from amber.daemon.health import DiskHealth
from amber.daemon.idle import Housekeeping, distiller_work
from amber.daemon.instance import InstanceLock
from amber.daemon.logs import close_logging, setup_logging
from amber.daemon.paths import DaemonPaths
from amber.errors import ConfigError
from amber.home import open_home
from amber.pluginspec import CaptureSource, build_plugin_manager, collect_sources
from amber.security import keys
from amber.service import MemoryService


def available_sources(load_entry_points: bool = True) -> dict[str, CaptureSource]:
    return collect_sources(build_plugin_manager(load_entry_points))


def run_daemon(
    home: Path | None = None,
    *,
    prompt: keys.PassphrasePrompt | None = None,
    foreground: bool = True,
    sources: dict[str, CaptureSource] | None = None,
    options: DaemonOptions | None = None,
    on_ready: Callable[[Daemon], None] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (in-process: until `Daemon.request_stop()`, reachable through
    `on_ready`); raises DaemonRunningError when another daemon holds this home."""
    config = load_config(home)
    if config.capture.problem:
        raise ConfigError(f"{config.capture.problem}; the daemon did not start")
    paths = DaemonPaths.of(config)
    lock = InstanceLock(paths)
    lock.acquire()
    health = DiskHealth()  # one record of write trouble: the log's, the index's, the status's
    logger = setup_logging(paths.log, foreground, health)
    try:
        with MemoryService(open_home(config=config, prompt=prompt), "daemon") as service:
            found = available_sources() if sources is None else sources
            opts = options or DaemonOptions()
            wanted = opts.distill_when_idle and config.capture.distill_when_idle
            if opts.idle_work is None and wanted:
                opts = replace(opts, idle_work=distiller_work(service))
            if opts.housekeeping is None:
                opts = replace(opts, housekeeping=Housekeeping(service))
            daemon = Daemon(service, found, opts, service.derived_key, health)
            if on_ready is not None:
                on_ready(daemon)
            _run_with_signals(daemon)
    except Exception:
        logger.exception("daemon failed")
        raise
    finally:
        lock.release()
        close_logging()


def _run_with_signals(daemon: Daemon) -> None:
    if threading.current_thread() is not threading.main_thread():
        daemon.run()  # in-process use (tests): stopped with request_stop()
        return
    restore = install_signal_handlers(daemon)
    try:
        daemon.run()
    finally:
        restore()
