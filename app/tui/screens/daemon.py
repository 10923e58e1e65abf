"""The capture daemon: its sources, last capture, queue and errors; pause and resume,
start and stop. Sized for 80 columns: the table holds short cells only (every counter
stays in view), and what a source says about itself goes on lines below it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from amber.errors import AmberError
from amber.tui.blocking import off_loop
from amber.tui.dialogs.confirm import ConfirmDialog
from amber.tui.dialogs.passphrase import PassphraseDialog
from amber.tui.protocols import DaemonStatus
from amber.tui.screens.base import AmberScreen

REFRESH_S = 2.0  # the daemon rewrites its status every 2 s
NO_DAEMON = "The capture daemon is not running."
NO_CONTROL = "This installation has no capture daemon to show."
COLUMNS = (  # (label, width): 68 columns with the cells' padding, within 80
    ("source", 10),
    ("state", 9),
    ("captured", 8),
    ("dropped", 7),
    ("errors", 6),
    ("last capture", 16),
)
STOP_DETAIL = "Sources stop and queued captures are written first. S starts it again."


def stamp(value: str | None) -> str:
    return (value or "-")[:19].replace("T", " ")


def summary(status: DaemonStatus | None) -> Text:
    if status is None:
        return Text(NO_CONTROL, style="bold")
    if not status.running:
        text = Text.assemble((NO_DAEMON, "bold"))
    else:
        running = f"Daemon running · pid {status.pid} · since {stamp(status.started_at)}"
        text = Text.assemble((running, "bold"))
        queue = f"{status.queue_depth}/{status.queue_capacity or '?'}"
        text.append(
            f"\nlast capture {stamp(status.last_capture)} · queue {queue} · "
            f"dropped {status.dropped} · errors {status.errors}"
        )
    if status.sync:
        failed = "last error" in status.sync or "conflicts" in status.sync
        text.append(f"\n{status.sync}", style="yellow" if failed else "")
    if status.disk:
        text.append(f"\n{status.disk}", style="bold red")
    if status.paused:
        until = f" until {stamp(status.paused_until)}" if status.paused_until else ""
        text.append(f"\nCAPTURE PAUSED{until} · u resumes", style="bold reverse")
    for note in status.notes:
        text.append(f"\n{note}", style="dim")
    return text


def error_lines(status: DaemonStatus | None) -> Text:
    return _per_source(status, "last_error")


def detail_lines(status: DaemonStatus | None) -> Text:
    """What each source says about its state (too long for the table at 80 columns)."""
    return _per_source(status, "detail")


def _per_source(status: DaemonStatus | None, field: str) -> Text:
    """One "source: value" line for each source whose `field` says something."""
    text = Text()
    for src in status.sources if status else ():
        value = getattr(src, field)
        if value:
            text.append(f"{src.name}: ", style="bold")
            text.append(f"{value}\n")
    text.rstrip()
    return text


class DaemonScreen(AmberScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("S", "start", "Start daemon"),
        Binding("X", "stop", "Stop daemon"),
        Binding("p", "pause", "Pause capture"),
        Binding("u", "resume", "Resume"),
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="daemon")
        self.status: DaemonStatus | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Daemon · capture sources", style="bold"), classes="status-line")
        yield Static(id="daemon-summary")
        yield DataTable(id="daemon-sources", cursor_type="row", zebra_stripes=True)
        yield Static(id="daemon-details")
        yield Static(id="daemon-errors")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        super().on_mount()
        self.set_interval(REFRESH_S, self._tick)

    def _tick(self) -> None:
        if self.is_current:
            self.refresh_data()

    def refresh_data(self) -> None:
        self.load()

    @work(exclusive=True, group="daemon")
    async def load(self) -> None:
        control = self.services.daemon
        try:
            status = None if control is None else await off_loop(self, control.status)
        except (AmberError, OSError) as exc:
            self.query_one("#daemon-summary", Static).update(Text(f"{NO_DAEMON} ({exc})"))
            return
        self.status = status
        self._show(status)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "resume"):
            paused = bool(self.status and self.status.paused)
            has_control = self.services.daemon is not None
            return has_control and (paused if action == "resume" else not paused)
        if action in ("start", "stop"):
            known = self.services.daemon is not None and self.status is not None
            running = bool(self.status and self.status.running)
            return known and (running if action == "stop" else not running)
        return True

    def _show(self, status: DaemonStatus | None) -> None:
        self.refresh_bindings()
        self.query_one("#daemon-summary", Static).update(summary(status))
        table = self.query_one(DataTable)
        table.clear()
        for src in status.sources if status else ():
            table.add_row(
                src.name,
                src.state,
                Text(str(src.captured), justify="right"),
                Text(str(src.dropped), justify="right"),
                Text(str(src.errors), justify="right"),
                stamp(src.last_capture)[:16],
            )
        table.display = bool(status and status.sources)
        for place, text in (("#daemon-details", detail_lines), ("#daemon-errors", error_lines)):
            lines = text(status)
            shown = self.query_one(place, Static)
            shown.update(lines)
            shown.display = bool(lines)

    @work(group="daemon-switch")
    async def _switch(self, pause: bool) -> None:
        control = self.services.daemon
        if control is None:
            self.notify(NO_CONTROL, severity="warning", timeout=3)
            return
        try:
            await off_loop(self, control.pause if pause else control.resume)
        except (AmberError, OSError) as exc:
            self.notify(str(exc), severity="error", timeout=5)
            return
        self.notify("Capture paused" if pause else "Capture resumed", timeout=3)
        self.load()

    def action_start(self) -> None:
        control = self.services.daemon
        if control is None:
            self.notify(NO_CONTROL, severity="warning", timeout=3)
        elif control.needs_passphrase():
            question = "Start the capture daemon"
            detail = "It needs your passphrase to open the encrypted index. Esc cancels."
            dialog = PassphraseDialog(question, detail)
            self.app.push_screen(dialog, lambda typed: self._start(typed) if typed else None)
        else:
            self._start(None)

    @work(exclusive=True, group="daemon-process")
    async def _start(self, passphrase: str | None) -> None:
        control = self.services.daemon
        assert control is not None
        self.notify("Starting the daemon…", timeout=3)
        try:
            pid = await off_loop(self, control.start, passphrase)
        except (AmberError, OSError) as exc:
            self.notify(
                f"The daemon could not start: {exc}", severity="error", timeout=10, markup=False
            )
        else:
            self.notify(f"Daemon started (pid {pid})", timeout=4)
        self.load()

    def action_stop(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._stop()

        dialog = ConfirmDialog("Stop the capture daemon?", STOP_DETAIL, yes="Stop")
        self.app.push_screen(dialog, answered)

    @work(exclusive=True, group="daemon-process")
    async def _stop(self) -> None:
        control = self.services.daemon
        assert control is not None
        self.notify("Stopping the daemon…", timeout=3)
        try:
            pid = await off_loop(self, control.stop)
        except (AmberError, OSError) as exc:
            self.notify(
                f"The daemon could not be stopped: {exc}",
                severity="error",
                timeout=10,
                markup=False,
            )
        else:
            self.notify(f"Daemon stopped (pid {pid})", timeout=4)
        self.load()

    def action_pause(self) -> None:
        self._switch(True)

    def action_resume(self) -> None:
        self._switch(False)

    def action_refresh_now(self) -> None:
        self.load()
