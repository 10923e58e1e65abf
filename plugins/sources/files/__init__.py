"""The files source: watched folders, chunked by headings, only changed chunks captured.
The work, and watchdog with it, is in `source.py`."""

from __future__ import annotations

from amber.plugins.sources.deferred import DeferredSource

__all__ = ["FileSource"]


class FileSource(DeferredSource):
    name = "files"
    description = "text, markdown, code and PDF files in the folders of [capture.files]"
    default_enabled = True
    work = "amber.plugins.sources.files.source:run_files"
