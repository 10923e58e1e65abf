"""Reading a file with one importer, all at once, for tests that look at every draft."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from amber.events import EventDraft
from amber.plugins.importers.common import ReadReport

ReportT = TypeVar("ReportT", bound=ReadReport, covariant=True)


class Reading(Protocol[ReportT]):
    """Any importer: each has `read_with_report`, and each its own kind of report."""

    def read_with_report(self, path: Path) -> tuple[Iterator[EventDraft], ReportT]: ...


def read_all(importer: Reading[ReportT], path: Path) -> tuple[list[EventDraft], ReportT]:
    """Every draft `importer` reads from `path`, and its report. The drafts come lazily, so
    they are listed before the report is looked at: only then is it complete."""
    drafts, report = importer.read_with_report(path)
    return list(drafts), report
