"""Service files that start the daemon at login: a systemd user unit (Linux) or a launchd
agent (macOS). The templates are the files in `packaging/systemd/` and `packaging/launchd/`
(a test keeps these copies identical; the packaging folder is not part of the wheel).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from amber.config import Config
from amber.daemon.errors import DaemonError

SYSTEMD_NAME = "amber-daemon.service"
LAUNCHD_LABEL = "org.amber.daemon"

SYSTEMD_TEMPLATE = """\
# Amber capture daemon, as a systemd user service. Installed by `amber daemon install`.
[Unit]
Description=Amber capture daemon (local, encrypted memory)
After=graphical-session.target

[Service]
Type=simple
ExecStart={exec_start}
Environment={home_env}
# Passphrase mode only: a file holding AMBER_PASSPHRASE=... (chmod 600). The OS keyring is
# the better place for the key; `amber init` uses it where one exists.
EnvironmentFile=-{env_file}
Restart=on-failure
RestartSec=10
# A running daemon for the same home exits with status 75; do not retry that.
RestartPreventExitStatus=75
Nice=10
IOSchedulingClass=idle
TimeoutStopSec=60

[Install]
WantedBy=default.target
"""

LAUNCHD_TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" \
"http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Amber capture daemon, as a launchd agent. Installed by `amber daemon install`. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>{label}</string>
  <key>ProgramArguments</key>
  <array>
    <string>{python}</string>
    <string>-m</string>
    <string>amber.cli</string>
    <string>daemon</string>
    <string>run</string>
    <string>--quiet</string>
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>AMBER_HOME</key>
    <string>{home}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ProcessType</key>
  <string>Background</string>
  <key>Nice</key>
  <integer>10</integer>
  <key>StandardErrorPath</key>
  <string>{stderr}</string>
</dict>
</plist>
"""

Runner = Callable[[list[str]], subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class ServiceFile:
    kind: str  # "systemd" or "launchd"
    path: Path
    text: str
    activate: tuple[tuple[str, ...], ...]  # commands run after writing the file
    deactivate: tuple[tuple[str, ...], ...]  # commands run before removing it


def service_file(config: Config, platform: str = sys.platform) -> ServiceFile:
    if platform == "darwin":
        return _launchd(config)
    if platform.startswith("linux"):
        return _systemd(config)
    raise DaemonError(f"no service manager support on {platform}; run `amber daemon start`")


def _systemd(config: Config) -> ServiceFile:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    command = [sys.executable, "-m", "amber.cli", "daemon", "run", "--quiet"]
    text = SYSTEMD_TEMPLATE.format(
        exec_start=" ".join(_systemd_quote(part) for part in command),
        home_env=_systemd_quote(f"AMBER_HOME={config.home}"),
        env_file=_systemd_quote(str(base / "amber" / "daemon.env")),
    )
    ctl = ("systemctl", "--user")
    return ServiceFile(
        "systemd",
        base / "systemd" / "user" / SYSTEMD_NAME,
        text,
        activate=((*ctl, "daemon-reload"), (*ctl, "enable", "--now", SYSTEMD_NAME)),
        deactivate=((*ctl, "disable", "--now", SYSTEMD_NAME),),
    )


def _systemd_quote(value: str) -> str:
    """systemd splits ExecStart like a shell, but only double quotes are safe everywhere."""
    if value and not any(c in value for c in ' "\\$%;\t'):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") + '"'


def _launchd(config: Config) -> ServiceFile:
    path = Path.home() / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"
    text = LAUNCHD_TEMPLATE.format(
        label=LAUNCHD_LABEL,
        python=escape(sys.executable),
        home=escape(str(config.home)),
        stderr=escape(str(config.logs_dir / "daemon.stderr.log")),
    )
    domain = f"gui/{os.getuid()}"
    return ServiceFile(
        "launchd",
        path,
        text,
        activate=(("launchctl", "bootstrap", domain, str(path)),),
        deactivate=(("launchctl", "bootout", domain, str(path)),),
    )


def install(unit: ServiceFile, start: bool, run: Runner | None = None) -> list[str]:
    """Write the file (atomically); with `start`, enable and start it. Returns what was done."""
    unit.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = unit.path.with_suffix(".tmp")
    tmp.write_text(unit.text, encoding="utf-8")
    os.replace(tmp, unit.path)
    done = [f"wrote {unit.path}"]
    if start:
        done += _run_all(unit.activate, run or _run)
    else:
        done.append("to start it: " + " && ".join(shlex.join(c) for c in unit.activate))
    return done


def uninstall(unit: ServiceFile, stop: bool, run: Runner | None = None) -> list[str]:
    if not unit.path.exists():
        raise DaemonError(f"no service file at {unit.path}; nothing to uninstall")
    done = _run_all(unit.deactivate, run or _run) if stop else []
    unit.path.unlink()
    return [*done, f"removed {unit.path}"]


def _run_all(commands: tuple[tuple[str, ...], ...], run: Runner) -> list[str]:
    done = []
    for command in commands:
        try:
            result = run(list(command))
        except FileNotFoundError:
            raise DaemonError(
                f"`{command[0]}` is not available; start the daemon with "
                "`amber daemon start` instead"
            ) from None
        if result.returncode != 0:
            why = (result.stderr or result.stdout or "").strip().splitlines()
            raise DaemonError(f"`{shlex.join(command)}` failed: {why[-1] if why else '?'}")
        done.append(f"ran {shlex.join(command)}")
    return done


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
