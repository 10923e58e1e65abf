"""Starting the daemon in the background and stopping it, from the CLI.

`start` returns once the daemon is up (its status file names its pid and says running) or
fails with the daemon's own last log lines. The passphrase, when one is needed, reaches the
child through a pipe, never a file or the command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from amber.daemon.errors import DaemonError, DaemonNotRunningError, DaemonRunningError
from amber.daemon.instance import daemon_pid
from amber.daemon.paths import DaemonPaths
from amber.daemon.statusfile import newest_status

if TYPE_CHECKING:
    from amber.config import Config
    from amber.security.keys import PassphrasePrompt

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
POLL_S = 0.1
PASSPHRASE_STDIN = "--passphrase-stdin"


def daemon_command() -> list[str]:
    return [sys.executable, "-m", "amber.cli", "daemon", "run", "--quiet"]


def start_for_user(config: Config, prompt: PassphrasePrompt | None) -> int:
    """Check the key where a terminal is (a wrong one fails here, in one line, before
    anything is detached), then start the daemon; returns its pid."""
    from amber.home import open_home
    from amber.security import keys

    passphrase = None
    if keys.needs_passphrase(config):  # not with a key file: the daemon reads that itself
        passphrase = keys.obtain_passphrase(prompt, confirm=False)
    open_home(config.home, prompt=lambda _: passphrase or "").close()
    return start_detached(DaemonPaths.of(config), passphrase)


def start_detached(
    paths: DaemonPaths, passphrase: str | None, timeout: float = START_TIMEOUT_S
) -> int:
    """Start `amber daemon run` in a new session; returns its pid once it runs."""
    if (pid := daemon_pid(paths)) is not None:
        raise DaemonRunningError(f"the daemon already runs (pid {pid}); `amber daemon status`")
    paths.ensure()
    _rotate(_stderr_path(paths))
    command = daemon_command() + ([PASSPHRASE_STDIN] if passphrase else [])
    env = {**os.environ, "AMBER_HOME": str(paths.home)}
    env.pop("AMBER_PASSPHRASE", None)  # given through the pipe instead, when needed
    with open(_stderr_path(paths), "ab") as errors:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
            close_fds=True,
            cwd=str(paths.home),
            env=env,
        )
    assert child.stdin is not None
    with child.stdin:
        if passphrase:
            child.stdin.write(passphrase.encode("utf-8") + b"\n")
    _wait(lambda: _is_up(paths, child.pid) or child.poll() is not None, timeout)
    if child.poll() is not None or not _is_up(paths, child.pid):
        _fail_start(paths, child)
    return child.pid


def _is_up(paths: DaemonPaths, pid: int) -> bool:
    status, _ = newest_status(paths)  # on a full disk, the spare
    return status.get("pid") == pid and status.get("state") == "running"


def _fail_start(paths: DaemonPaths, child: subprocess.Popen[bytes]) -> None:
    code = child.poll()
    if code is None:
        child.terminate()
        child.wait(STOP_TIMEOUT_S)
    reason = last_problem(paths) or f"it exited with status {code}"
    raise DaemonError(f"the daemon did not start: {reason} (log: {paths.log})")


def last_problem(paths: DaemonPaths) -> str:
    """The last line the daemon wrote to stderr (where `amber: ...` errors go)."""
    try:
        lines = _stderr_path(paths).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    lines = [line for line in lines if line.strip()]
    return lines[-1].removeprefix("amber: ") if lines else ""


def _rotate(path: Path, limit: int = 1_000_000) -> None:
    """The stderr file only grows by start-up failures; keep one old copy past a limit."""
    with contextlib.suppress(OSError):
        if path.stat().st_size > limit:
            os.replace(path, path.with_suffix(".log.1"))


def _stderr_path(paths: DaemonPaths) -> Path:
    return paths.log.with_name("daemon.stderr.log")


def stop_daemon(paths: DaemonPaths, timeout: float = STOP_TIMEOUT_S) -> int:
    """SIGTERM, then wait for the lock to be released; returns the pid that stopped."""
    pid = daemon_pid(paths)
    if pid is None:
        raise DaemonNotRunningError("the daemon is not running")
    if pid <= 0:
        raise DaemonError(f"a daemon holds {paths.lock} but its pid is unknown; try again")
    with contextlib.suppress(ProcessLookupError):  # it just exited
        os.kill(pid, signal.SIGTERM)
    if not _wait(lambda: daemon_pid(paths) is None, timeout):
        raise DaemonError(f"the daemon (pid {pid}) did not stop in {timeout:.0f} s; kill {pid}")
    return pid


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True
