"""The screen source: OCR of the active monitor, de-duplicated, excluded windows skipped.

This module stays light (listing sources imports it); the work is in `source.py`.
"""

from __future__ import annotations

from amber.pluginspec import CaptureContext


class ScreenSource:
    name = "screen"
    description = "text on screen: OCR of the active monitor every few seconds (X11, macOS)"
    default_enabled = True

    def run(self, ctx: CaptureContext) -> None:
        from amber.plugins.sources.screen.source import run_screen

        run_screen(ctx)


__all__ = ["ScreenSource"]
