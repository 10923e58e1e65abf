"""The screen source under a real X server (Xvfb): text in a window comes out of OCR and
into recall; unchanged frames and unchanged text are skipped; excluded windows are never
captured; kept screenshots are encrypted; a missing tesseract is reported, not fatal."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.daemon import daemon_with
from helpers.waiting import wait_for
from PIL import Image, ImageDraw

from amber.daemon.daemon import Daemon
from amber.daemon.settings import set_capture_value
from amber.errors import ConfigError
from amber.plugins.sources.files import FileSource
from amber.plugins.sources.screen import ScreenSource
from amber.plugins.sources.screen.settings import ScreenSettings
from amber.plugins.sources.screen.similarity import frame_hash, hash_distance
from amber.plugins.sources.screen.source import clean_ocr_text
from amber.plugins.sources.screen.vault import ImageVault
from amber.security.keys import derive_key
from amber.service import MemoryService

WINDOW = """
import sys, tkinter as tk
root = tk.Tk()
root.title(sys.argv[2])
root.geometry(sys.argv[3])
tk.Label(root, text=sys.argv[1], font=("DejaVu Sans", 30), bg="white", fg="black",
         wraplength=900).pack(expand=True, fill="both")
root.after(200, root.focus_force)
root.after(600, lambda: print("ready", flush=True))
root.mainloop()
"""
OCR_S = 60.0  # how long a wait for OCR may take: Xvfb and tesseract on a busy machine


def _missing_tools() -> str:
    missing = [tool for tool in ("Xvfb", "tesseract", "xdotool") if not shutil.which(tool)]
    try:
        import tkinter  # noqa: F401
    except ImportError:
        missing.append("tkinter")
    return ", ".join(missing)


needs_x = pytest.mark.skipif(
    bool(_missing_tools()), reason=f"needs {_missing_tools()}: run scripts/system-deps.sh"
)


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private X server on a free display number, screen saver off."""
    number = next(
        n
        for n in range(90, 400)
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists()
    )
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-s", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), "Xvfb's socket", timeout=20)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


class Windows:
    def __init__(self, display: str) -> None:
        self.display = display
        self.open: list[subprocess.Popen[str]] = []

    def show(self, text: str, title: str, geometry: str = "1000x600+0+0") -> subprocess.Popen:
        env = {**os.environ, "DISPLAY": self.display}
        proc = subprocess.Popen(
            [sys.executable, "-c", WINDOW, text, title, geometry],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        self.open.append(proc)
        return proc

    def close(self, proc: subprocess.Popen[str]) -> None:
        proc.terminate()
        proc.wait(10)
        if proc.stdout:
            proc.stdout.close()
        self.open.remove(proc)


@pytest.fixture
def windows(xvfb: str) -> Iterator[Windows]:
    shown = Windows(xvfb)
    yield shown
    for proc in list(shown.open):
        shown.close(proc)


def configure(home: Path, display: str, **extra: object) -> None:
    values = {"display": display, "interval_s": 1, "idle_interval_s": 2, "idle_after_s": 10**6}
    for key, value in {**values, **extra}.items():
        set_capture_value(home, "screen", key, value)


def screen_events(home: Path) -> list[tuple[str, str, str]]:
    with MemoryService.open(home, interface="test") as svc:
        rows = svc.db.query("SELECT title, text, meta FROM events WHERE source = 'screen'")
    return [tuple(r) for r in rows]


def stats(daemon: Daemon) -> object:
    return daemon.stats["screen"]


@needs_x
@pytest.mark.integration
def test_window_text_comes_out_of_ocr_and_into_recall(
    home: Path, windows: Windows, amber_cli
) -> None:
    windows.show("Amber remembers the purple giraffe 4711", "Field notes")
    configure(home, windows.display)
    with daemon_with(home, ScreenSource()) as daemon:
        wait_for(lambda: stats(daemon).captured == 1, "1 OCR capture", OCR_S)
        # the same frame again and again:
        wait_for(lambda: stats(daemon).skipped >= 3, "3 skipped frames", OCR_S)
        assert stats(daemon).captured == 1
        assert stats(daemon).errors == 0
    found = amber_cli("recall", "purple giraffe", "--source", "screen", "--json")
    hit = json.loads(found.stdout)[0]
    assert "giraffe" in hit["snippet"].lower()
    assert "4711" in hit["snippet"]
    assert hit["trust"] == "untrusted"
    assert hit["sources"][0]["source"] == "screen"
    title, _, meta = screen_events(home)[0]
    assert title == "Field notes"
    assert json.loads(meta)["app"] == "tk"
    assert "image" not in json.loads(meta)
    assert not (home / "screens").exists()


@needs_x
def test_same_text_in_a_moved_window_is_skipped_new_text_is_not(
    home: Path, windows: Windows
) -> None:
    """Stage two: the frame changed (the window moved), its text did not: the window's
    event is seen for longer (amber/snapshots.py), no new one."""
    first = windows.show("Quarterly report draft for the harbour project", "Editor")
    configure(home, windows.display)
    with daemon_with(home, ScreenSource()) as daemon:
        wait_for(lambda: stats(daemon).captured == 1, "1 OCR capture", OCR_S)
        windows.close(first)
        skipped = stats(daemon).skipped
        windows.show("Quarterly report draft for the harbour project", "Editor", "900x500+200+150")
        wait_for(lambda: stats(daemon).skipped >= skipped + 3, "3 more skipped frames", OCR_S)
        assert stats(daemon).captured == 1
        windows.show("Lunch with Priya moved to Thursday at noon", "Calendar", "900x500+50+50")
        wait_for(lambda: stats(daemon).captured == 2, "2 OCR captures", OCR_S)
    events = screen_events(home)
    assert "harbour" in events[0][1]
    assert "Priya" in events[1][1]
    span = json.loads(events[0][2])
    assert span["frames"] >= 2 and span["last_seen"] > span["first_seen"]


@needs_x
def test_a_small_edit_is_captured_at_the_next_recheck(home: Path, windows: Windows) -> None:
    """One changed number barely moves the perceptual hash; it is OCR'd again once the last
    OCR is `recheck_s` old, and the new text is captured."""
    first = windows.show("Invoice 4417 is due on the first of March", "Billing")
    configure(home, windows.display, recheck_s=3)
    with daemon_with(home, ScreenSource()) as daemon:
        wait_for(lambda: stats(daemon).captured == 1, "1 OCR capture", OCR_S)
        windows.close(first)
        windows.show("Invoice 4418 is due on the first of March", "Billing")
        wait_for(lambda: stats(daemon).captured == 2, "2 OCR captures", OCR_S)
    assert "4418" in screen_events(home)[1][1]


@needs_x
def test_excluded_windows_are_never_captured(home: Path, windows: Windows) -> None:
    windows.show("Vault entry: bank PIN zebra 9931", "KeePassXC - Passwords.kdbx")
    configure(home, windows.display, exclude_titles=["Online Banking"])
    with daemon_with(home, ScreenSource()) as daemon:
        wait_for(lambda: stats(daemon).skipped >= 3, "3 skipped frames", OCR_S)
        assert stats(daemon).detail.startswith("excluded window")
        windows.show("Balance 12,345.67 on account zebra", "Online Banking - Browser")
        wait_for(lambda: stats(daemon).skipped >= 6, "6 skipped frames", OCR_S)
        assert stats(daemon).captured == 0
    assert screen_events(home) == []


@needs_x
@pytest.mark.integration
def test_kept_screenshots_are_encrypted(
    home: Path, windows: Windows, tmp_path: Path, amber_cli
) -> None:
    windows.show("Kept screenshot of the violet octopus", "Gallery")
    configure(home, windows.display, keep_images=True, retention_days=3)
    with daemon_with(home, ScreenSource()) as daemon:
        wait_for(lambda: stats(daemon).captured == 1, "1 OCR capture", OCR_S)
        key = daemon.derive_key("screen:screenshots")
    stored = list((home / "screens").rglob("*.png.enc"))
    assert len(stored) == 1
    data = stored[0].read_bytes()
    assert b"\x89PNG" not in data
    assert b"IHDR" not in data
    name = json.loads(screen_events(home)[0][2])["image"]
    vault = ImageVault(home / "screens", key, 3)
    image = Image.open(io.BytesIO(vault.load(name)))
    assert image.size == (1280, 800)
    with pytest.raises(Exception):  # noqa: B017 - any key but the right one fails to decrypt
        ImageVault(home / "screens", bytes(32), 3).load(name)
    with MemoryService.open(home, interface="test") as svc:
        event_id = svc.db.one("SELECT id FROM events WHERE source = 'screen'")[0]
    shown = amber_cli("sources", "screenshot", event_id, "-o", str(tmp_path / "shot.png"))
    assert shown.returncode == 0, shown.stderr
    with Image.open(tmp_path / "shot.png") as written:
        assert written.size == (1280, 800)
    assert vault.expire(datetime.now(UTC) + timedelta(days=2)) == 0
    assert vault.expire(datetime.now(UTC) + timedelta(days=5)) == 1
    assert not list((home / "screens").rglob("*.png.enc"))
    gone = amber_cli("sources", "screenshot", event_id, "-o", str(tmp_path / "again.png"))
    assert gone.returncode == 4
    assert "expired" in gone.stderr


@needs_x
def test_missing_tesseract_is_reported_and_files_go_on(
    home: Path, windows: Windows, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    windows.show("Nothing will be read here", "Notes")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# Note\n\nThe files source keeps going.\n")
    set_capture_value(home, "files", "folders", [str(notes)])
    configure(home, windows.display)
    with daemon_with(home, ScreenSource(), FileSource()) as daemon:
        wait_for(lambda: daemon.stats["files"].captured == 1, "the note captured", OCR_S)
        wait_for(lambda: stats(daemon).errors == 1, "the missing tesseract reported", OCR_S)
        assert stats(daemon).state == "error"
        assert "tesseract is not installed" in stats(daemon).detail
        assert "system-deps.sh" in stats(daemon).last_error


# -- without an X server --------------------------------------------------------------------


def _picture(text: str, shift: int = 0) -> Image.Image:
    image = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(image)
    for row in range(6):
        draw.text((20 + shift, 20 + row * 40), f"{text} line {row}", fill="black")
    draw.rectangle((400, 300, 600, 380), fill="navy")
    return image


def test_frame_hash_separates_changes_from_noise() -> None:
    base = _picture("alpha beta gamma")
    same = _picture("alpha beta gamma")
    same.putpixel((5, 5), (0, 0, 0))  # a blinking cursor
    other = _picture("a different screen entirely", shift=120)
    assert hash_distance(frame_hash(base), frame_hash(same)) <= 6
    assert hash_distance(frame_hash(base), frame_hash(other)) > 6


def test_settings_exclusions_and_checks() -> None:
    settings = ScreenSettings.from_table({"exclude_titles": ["Bank"], "exclude_apps": ["zoom"]})
    assert settings.excluded("Private Browsing - Firefox", "firefox")
    assert settings.excluded("anything", "keepassxc")
    assert settings.excluded("My Bank", "x")
    assert settings.excluded("Call", "zoom")
    assert not settings.excluded("Call", "zoomer")
    assert not settings.excluded("README.md - Editor", "code")
    with pytest.raises(ConfigError, match="unknown keys: intervl"):
        ScreenSettings.from_table({"intervl": 5})
    with pytest.raises(ConfigError):
        ScreenSettings.from_table({"interval_s": "often"})


def test_clean_ocr_text_drops_border_noise() -> None:
    raw = "  | — |\nInvoice 2231 due Friday  \n\n\n\n~~~\nTotal: 80 EUR\n"
    assert clean_ocr_text(raw) == "Invoice 2231 due Friday\n\nTotal: 80 EUR"


def test_vault_keys_differ_by_purpose_and_home() -> None:
    assert derive_key(b"k" * 32, "screen:screenshots") != derive_key(b"k" * 32, "other")
    assert derive_key(b"k" * 32, "x") != derive_key(b"j" * 32, "x")
    assert len(derive_key(b"k" * 32, "x")) == 32
