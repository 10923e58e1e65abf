"""The screen source: a screenshot of the active monitor every few seconds, OCR'd into an
event when it shows something new.

Per tick: skip when the screen is locked or the active window is excluded; grab the frame;
skip it when its perceptual hash is close to the last one; otherwise hand it to the OCR
worker (which never blocks this loop). After OCR, the text is handed over as a snapshot of
its window (`EventDraft.view`): Amber merges text nearly the same as the window's event
into that event's time span (amber/snapshots.py). Captures slow down while the user is
idle or nothing changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from datetime import UTC, datetime

from amber.plugins.sources.screen.desktop import LockProbe, Window, active_window, display_problem
from amber.plugins.sources.screen.ocr import (
    NO_TESSERACT,
    Frame,
    OcrError,
    OcrWorker,
    ocr_image,
    tesseract_path,
)
from amber.plugins.sources.screen.settings import LOCKERS, ScreenSettings
from amber.plugins.sources.screen.similarity import frame_signature, hash_distance
from amber.plugins.sources.screen.vault import KEY_PURPOSE, ImageVault
from amber.plugins.sources.screen.xidle import XIdle
from amber.pluginspec import ERROR, RUNNING, WAITING, CaptureContext, EventDraft

EVENT_SOURCE = "screen"
RECHECK_S = 60.0  # how often to look again for a display or tesseract that was missing
UNCHANGED_FOR_IDLE = 6  # identical frames in a row after which captures slow down
EXPIRE_EVERY_S = 3600.0


def run_screen(ctx: CaptureContext) -> None:
    _ScreenCapture(ctx, ScreenSettings.from_table(ctx.settings)).run()


class _ScreenCapture:
    def __init__(self, ctx: CaptureContext, settings: ScreenSettings) -> None:
        self.ctx = ctx
        self.settings = settings
        self.display = settings.display or os.environ.get("DISPLAY", "")
        self.vault = self._vault()
        self.previous_hash: int | None = None
        self.previous_exact = b""
        self.ocr_at = 0.0
        self.unchanged = 0
        self.expired_at = 0.0

    def _vault(self) -> ImageVault | None:
        if not self.settings.keep_images:
            return None
        key = self.ctx.derive_key(KEY_PURPOSE)
        return ImageVault(self.ctx.private_dir, key, self.settings.retention_days)

    def run(self) -> None:
        if not self._wait_until_possible():
            return
        from mss.exception import ScreenShotError

        from amber.plugins.sources.screen.grab import Grabber

        try:
            grabber = Grabber(self.display)
        except ScreenShotError as exc:
            raise RuntimeError(f"cannot open the display {self.display!r}: {exc}") from exc
        idle = XIdle(self.display)
        lock = LockProbe()
        done = threading.Event()
        worker = OcrWorker(self._ocr, self.ctx.dropped, done)
        worker.start()
        try:
            while not self.ctx.wait(self._tick(grabber, idle, lock, worker)):
                pass
        finally:
            done.set()
            worker.join(self.settings.ocr_timeout_s)
            grabber.close()
            idle.close()

    def _wait_until_possible(self) -> bool:
        """Wait (reporting why) until there is a display and tesseract; False: stopping."""
        reported = ""
        while True:
            problem = display_problem(self.display) or ("" if tesseract_path() else NO_TESSERACT)
            if not problem:
                return True
            if problem != reported:  # counted once, not once a minute
                self.ctx.error(problem)
                reported = problem
            self.ctx.set_state(ERROR if problem == NO_TESSERACT else WAITING, problem)
            if self.ctx.wait(RECHECK_S):
                return False

    def _tick(self, grabber: object, idle: XIdle, lock: LockProbe, worker: OcrWorker) -> float:
        s = self.settings
        self._expire_images()
        user = idle.query()  # (idle seconds, screen saver on) or None
        window = active_window(self.display)
        if lock.locked() or (user and user[1]) or window.app in LOCKERS:
            self.ctx.set_state(WAITING, "screen locked or blanked")
            return s.idle_interval_s
        if s.excluded(window.title, window.app):
            self.ctx.skipped()
            self.previous_hash = None  # the next frame is new
            self.previous_exact = b""
            self.ctx.set_state(RUNNING, "excluded window in front")
            return s.interval_s
        user_idle = user is not None and user[0] >= s.idle_after_s
        self._grab(grabber, window, worker, user_idle)
        # Without an idle time from the X server, frames that stop changing stand in for it.
        slow = user_idle if user is not None else self.unchanged >= UNCHANGED_FOR_IDLE
        every = s.idle_interval_s if slow else s.interval_s
        why = " (idle)" if slow else ""
        self.ctx.set_state(RUNNING, f"every {every:g} s{why}{_unknown(window)}")
        return every

    def _grab(self, grabber: object, window: Window, worker: OcrWorker, user_idle: bool) -> None:
        """Stage one of de-duplication. An identical frame is skipped; a nearly identical
        one (a cursor, a clock, one edited word) too, unless the user is active and the
        last OCR is `recheck_s` old: small edits are captured within a minute, while a
        blinking cursor costs at most one OCR a minute and none once the user is idle."""
        from mss.exception import ScreenShotError

        try:
            image, monitor = grabber.grab(window)  # type: ignore[attr-defined]
        except ScreenShotError as exc:
            self.ctx.error(f"screenshot failed: {exc}")
            return
        digest, exact = frame_signature(image)
        near = self.previous_hash is not None and (
            hash_distance(digest, self.previous_hash) <= self.settings.hash_distance
        )
        stale = time.monotonic() - self.ocr_at >= self.settings.recheck_s
        if exact == self.previous_exact or (near and (user_idle or not stale)):
            self.ctx.skipped()
            self.unchanged += 1
            return
        self.unchanged = self.unchanged + 1 if near else 0
        self.previous_hash = digest
        self.previous_exact = exact
        self.ocr_at = time.monotonic()
        worker.submit(Frame(image, window, datetime.now(UTC), monitor, digest))

    def _ocr(self, frame: Frame) -> None:
        """In the OCR worker: text out of the frame, then into an event if it is new."""
        try:
            text = clean_ocr_text(
                ocr_image(frame.image, self.settings.language, self.settings.ocr_timeout_s)
            )
        except OcrError as exc:
            self.ctx.error(str(exc))
            return
        if sum(c.isalnum() for c in text) < self.settings.min_chars:
            self.ctx.skipped()
            return
        self.ctx.emit([self._draft(frame, text, self._keep(frame))])

    def _keep(self, frame: Frame) -> str | None:
        if self.vault is None:
            return None  # the frame is dropped with this function's last reference
        try:
            return self.vault.store(frame.image, frame.taken, _frame_id(frame))
        except OSError as exc:  # disk full: the text is still worth keeping
            self.ctx.error(f"could not keep the screenshot: {exc.strerror or exc}")
            return None

    def _draft(self, frame: Frame, text: str, image: str | None) -> EventDraft:
        window = frame.window
        meta: dict[str, object] = {
            "window": window.title,
            "app": window.app,
            "monitor": frame.monitor,
        }
        if image:
            meta["image"] = image
        return EventDraft(
            source=EVENT_SOURCE,
            text=text,
            uri=f"screen:{self.display or 'main'}",
            conversation=window.app or window.title or "screen",
            message_id=_frame_id(frame),
            author=window.app,
            title=window.title,
            timestamp=frame.taken,
            trust="untrusted",
            meta=meta,
            view=window.key,
        )

    def _expire_images(self) -> None:
        if self.vault is None or time.monotonic() - self.expired_at < EXPIRE_EVERY_S:
            return
        self.expired_at = time.monotonic()
        try:
            self.vault.expire()
        except OSError as exc:
            self.ctx.error(f"could not expire old screenshots: {exc}")


def clean_ocr_text(text: str) -> str:
    """Drop lines without a letter or digit (OCR of borders and icons), squeeze blanks."""
    lines = [line.rstrip() for line in text.splitlines()]
    kept = [line if any(c.isalnum() for c in line) else "" for line in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _frame_id(frame: Frame) -> str:
    digest = hashlib.blake2b(frame.frame_hash.to_bytes(32, "big"), digest_size=4).hexdigest()
    return f"{frame.taken:%Y%m%dT%H%M%S%f}-{digest}"


def _unknown(window: Window) -> str:
    return "" if window.title or window.app else "; active window unknown"
