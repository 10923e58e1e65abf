"""The screen source: OCR of the active monitor, de-duplicated, excluded windows skipped.
The work, and mss and tesseract with it, is in `source.py`."""

from __future__ import annotations

from amber.plugins.sources.deferred import DeferredSource

__all__ = ["ScreenSource"]


class ScreenSource(DeferredSource):
    name = "screen"
    description = "text on screen: OCR of the active monitor every few seconds (X11, macOS)"
    default_enabled = True
    work = "amber.plugins.sources.screen.source:run_screen"
