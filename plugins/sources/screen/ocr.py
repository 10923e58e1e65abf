"""OCR in a bounded, low-priority worker that never blocks capture.

The frame is piped to the `tesseract` binary (found the way pytesseract finds it) on stdin
and the text read from stdout: pytesseract's own calls write the screenshot and its text
to temporary files, and screen content must never reach the disk in plaintext. The worker
thread lowers its own priority (Linux niceness is per thread, and inherited by the
tesseract it starts), and tesseract runs with OMP_THREAD_LIMIT=1 so it takes one core.

The queue holds one frame: a newer frame replaces a waiting one (the replaced one is
counted as dropped), so a slow OCR never makes capture wait or memory grow.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from amber.plugins.sources.screen.desktop import Window

log = logging.getLogger("amber.daemon")
NICENESS = 10
NO_TESSERACT = (
    "tesseract is not installed: run scripts/system-deps.sh (Debian: apt-get install "
    "tesseract-ocr; macOS: brew install tesseract)"
)


class OcrError(Exception):
    """Tesseract failed on a frame (the message says how)."""


@dataclass
class Frame:
    image: Image.Image
    window: Window
    taken: datetime
    monitor: int
    frame_hash: int


def tesseract_path() -> str | None:
    import pytesseract

    return shutil.which(pytesseract.pytesseract.tesseract_cmd)


def ocr_image(image: Image.Image, language: str, timeout: float) -> str:
    binary = tesseract_path()
    if binary is None:
        raise OcrError(NO_TESSERACT)
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")  # uncompressed: cheapest to hand over
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [binary, "stdin", "stdout", "-l", language]
    try:
        done = subprocess.run(
            command,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed: {why[-1] if why else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


class OcrWorker:
    def __init__(
        self,
        handle: Callable[[Frame], None],
        on_dropped: Callable[[], None],
        stop: threading.Event,
    ) -> None:
        self._handle = handle
        self._on_dropped = on_dropped
        self._stop = stop
        self._cond = threading.Condition()
        self._waiting: Frame | None = None
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="amber-screen-ocr", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, frame: Frame) -> None:
        with self._cond:
            if self._waiting is not None:
                self._on_dropped()
            self._waiting = frame
            self._cond.notify()

    def join(self, timeout: float) -> None:
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        _lower_priority()
        while True:
            with self._cond:
                while self._waiting is None and not self._stop.is_set():
                    self._cond.wait(5.0)  # submit() and join() notify
                if self._stop.is_set():
                    return
                frame = self._waiting
                self._waiting = None
                self.busy = True
            try:
                self._handle(frame)
            finally:
                self.busy = False


def _lower_priority() -> None:
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
        except OSError:  # not permitted: run at normal priority
            log.info("screen: could not lower the OCR thread's priority")
    # elsewhere niceness is per process; the whole daemon already runs niced from its unit
