"""A capture source declared apart from its work: the daemon and `amber sources` import
every source to list it, so the module that does the work, with its heavy dependencies
(watchdog, mss, pytesseract), is imported only when the source runs."""

from __future__ import annotations

from importlib import import_module

from amber.pluginspec import CaptureContext


class DeferredSource:
    """Subclasses declare the source and name its work as ``"package.module:function"``,
    a function that takes the `CaptureContext` and captures until it is stopping."""

    name = ""
    description = ""
    default_enabled = False  # capture is opt-in unless a source says otherwise
    work = ""

    def run(self, ctx: CaptureContext) -> None:
        module, _, function = self.work.partition(":")
        getattr(import_module(module), function)(ctx)
