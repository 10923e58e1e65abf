"""Shell histories recognised by their lines, whatever their name: a zsh history whose
oldest lines predate EXTENDED_HISTORY, bash histories with and without `#<epoch>` lines;
a text that is not a history is still refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from amber.errors import ImportFormatError
from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.shell_detect import shell_of
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "agents" / "shell"
CONVERSATIONS = Path(__file__).parent / "data" / "conversations"


@pytest.mark.parametrize(
    ("name", "shell", "commands"),
    [("old_zsh.bak", "zsh", 7), ("myhist.txt", "bash", 7), ("stamped.txt", "bash", 4)],
)
def test_a_history_under_any_name_is_recognised_and_read(
    service: MemoryService, name: str, shell: str, commands: int
) -> None:
    importer = choose_importer(DATA / name, available_importers(False), None)
    assert importer.name == shell
    first = import_file(service.db, DATA / name, importer, "test")
    again = import_file(service.db, DATA / name, importer, "test")
    assert (first.added, again.added, first.skipped) == (commands, 0, [])


def test_zsh_lines_before_and_after_extended_history() -> None:
    importer = available_importers(False)["zsh"]
    drafts = list(importer.read(DATA / "old_zsh.bak"))
    assert [d.timestamp is None for d in drafts] == [True] * 3 + [False] * 4
    assert drafts[5].text == "for t in 25 27; do\n  echo drawer $t\ndone"


def test_bash_stamps_give_times_and_join_multi_line_commands() -> None:
    drafts = list(available_importers(False)["bash"].read(DATA / "stamped.txt"))
    assert drafts[2].text == 'for f in *.csv; do\n  wc -l "$f"\ndone'
    assert drafts[0].timestamp is not None
    assert drafts[0].timestamp.isoformat() == "2025-10-31T08:40:00+00:00"


@pytest.mark.parametrize(
    "path",
    [DATA / "notes.txt", CONVERSATIONS / "export.csv", CONVERSATIONS / "trip.json"],
)
def test_text_that_is_not_a_history_is_not_taken_for_one(path: Path) -> None:
    assert shell_of(path.read_bytes()[:65536]) == ""


def test_prose_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ImportFormatError, match="not a conversation format"):
        choose_importer(DATA / "notes.txt", available_importers(False), None)


def test_cli_import_shell_names_the_problem(home: Path, amber_cli: object) -> None:
    refused = amber_cli("import", "shell", str(DATA / "notes.txt"))  # type: ignore[operator]
    assert refused.returncode == 2
    assert "does not look like a bash, zsh or fish history" in refused.stderr
    assert "--shell" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    taken = amber_cli("import", "shell", str(DATA / "myhist.txt"), "--json")  # type: ignore[operator]
    assert taken.returncode == 0, taken.stderr
    forced = amber_cli("import", "shell", str(DATA / "notes.txt"), "--shell", "ksh")  # type: ignore[operator]
    assert forced.returncode == 2
    assert "unknown shell 'ksh'" in forced.stderr
