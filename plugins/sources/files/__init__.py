"""The files source: watched folders, chunked by headings, only changed chunks captured.

This module stays light (listing sources imports it); the work is in `source.py`.
"""

from __future__ import annotations

from amber.pluginspec import CaptureContext


class FileSource:
    name = "files"
    description = "text, markdown, code and PDF files in the folders of [capture.files]"
    default_enabled = True

    def run(self, ctx: CaptureContext) -> None:
        from amber.plugins.sources.files.source import run_files

        run_files(ctx)


__all__ = ["FileSource"]
