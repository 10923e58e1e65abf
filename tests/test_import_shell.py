"""Shell history (opt-in): bash, zsh and fish formats, multi-line commands, zsh's metafied
bytes, stable ids, and secrets in commands redacted before they are stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from amber.importing import available_importers, choose_importer, import_file
from amber.plugins.importers.shell import (
    BashHistoryImporter,
    FishHistoryImporter,
    ZshHistoryImporter,
    unmetafy,
)
from amber.service import MemoryService

DATA = Path(__file__).parent / "data" / "exports" / "shell"
GITHUB_TOKEN = "ghp_" + "Qm3Xv8Lc1Rz6Tn4Wk9Pb2Yd7Hs5Jf0Ga8Ue1"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq9Rk3Tx8b"
STRIPE = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZ" + "abcdEFGH"


def _texts(importer: object, name: str) -> list[tuple[str, str | None, str]]:
    drafts = list(importer.read(DATA / name))  # type: ignore[attr-defined]
    return [(d.message_id, d.timestamp and d.timestamp.isoformat(), d.text) for d in drafts]


def test_bash_with_timestamps_and_a_multi_line_command() -> None:
    rows = _texts(BashHistoryImporter(), ".bash_history")
    assert rows[0][1:] == ("2024-10-29T08:20:00+00:00", "cd ~/src/bakery")
    assert rows[3][2] == 'for f in *.csv; do\n  wc -l "$f"\ndone'
    assert rows[-1][2] == "make report DATE=2025-10-27"
    assert len(rows) == 7
    assert rows[0][0].startswith("1730190000-")


def test_bash_without_timestamps_keeps_a_repeated_command_once(service: MemoryService) -> None:
    rows = _texts(BashHistoryImporter(), "plain.bash_history")
    assert [r[1] for r in rows] == [None] * 4
    assert rows[0][0] == rows[2][0]  # `ls -la` twice: the same id
    result = import_file(service.db, DATA / "plain.bash_history", BashHistoryImporter(), "test")
    assert (result.read, result.added) == (4, 3)


def test_zsh_extended_history_multi_line_and_metafied_bytes() -> None:
    drafts = list(ZshHistoryImporter().read(DATA / ".zsh_history"))
    assert [d.text for d in drafts][-2:] == [
        "for t in 1 2 3; do\n  echo tray $t\ndone",
        "echo 'Grüße aus Köln'",
    ]
    assert drafts[1].meta == {"shell": "zsh", "duration_s": 12}
    assert drafts[0].timestamp is not None
    assert drafts[0].timestamp.isoformat() == ("2024-10-29T11:06:40+00:00")


def test_unmetafy_restores_bytes() -> None:
    assert unmetafy("ü".encode()) == "ü".encode()  # nothing to restore
    assert unmetafy(b"\xc3\x83\xbc") == "Ü".encode()  # its 0x9c was written as 0x83 0xbc


def test_fish_history_escapes_and_paths() -> None:
    rows = _texts(FishHistoryImporter(), "fish_history")
    assert [r[2] for r in rows][3:5] == ["echo first line\nsecond line", "cat recipe\\notes.txt"]
    assert rows[-1][2] == "vim bakery/report.py"
    assert len(rows) == 6


def test_invalid_utf8_costs_one_character() -> None:
    drafts, report = BashHistoryImporter().read_with_report(DATA / "latin1.bash_history")
    assert [d.text for d in drafts] == ["echo caf\ufffd au lait", "ls"]
    assert report.skipped == [
        (f"{DATA / 'latin1.bash_history'}: line 1", "invalid UTF-8 bytes, kept as U+FFFD")
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".bash_history", "bash"),
        ("plain.bash_history", "bash"),
        (".zsh_history", "zsh"),
        ("fish_history", "fish"),
    ],
)
def test_detection(name: str, expected: str) -> None:
    assert choose_importer(DATA / name, available_importers(False), None).name == expected


def test_zsh_extended_format_is_recognised_under_any_name(tmp_path: Path) -> None:
    path = tmp_path / "histfile-backup"
    shutil.copy(DATA / ".zsh_history", path)
    assert choose_importer(path, available_importers(False), None).name == "zsh"


@pytest.mark.parametrize(
    ("name", "importer", "secret", "kind"),
    [
        (".bash_history", BashHistoryImporter(), GITHUB_TOKEN, "github_token"),
        (".bash_history", BashHistoryImporter(), "Rye&Spelt2024", "password"),
        (".bash_history", BashHistoryImporter(), AWS_SECRET, "aws_secret_key"),
        ("plain.bash_history", BashHistoryImporter(), "Hunter2Bakery", "url_password"),
        (".zsh_history", ZshHistoryImporter(), "Oven-Mitt-42", "url_password"),
        ("fish_history", FishHistoryImporter(), STRIPE, "stripe_key"),
    ],
)
def test_secrets_in_commands_are_redacted_before_storage(
    service: MemoryService, name: str, importer: object, secret: str, kind: str
) -> None:
    result = import_file(service.db, DATA / name, importer, "test")  # type: ignore[arg-type]
    assert result.redacted >= 1
    texts = [row[0] for row in service.db.query("SELECT text FROM events")]
    assert not any(secret in text for text in texts)
    assert any(f"[REDACTED:{kind}]" in text for text in texts)


def test_reimport_adds_nothing(service: MemoryService) -> None:
    for importer, name in [
        (ZshHistoryImporter(), ".zsh_history"),
        (FishHistoryImporter(), "fish_history"),
    ]:
        assert import_file(service.db, DATA / name, importer, "test").added > 0
        assert import_file(service.db, DATA / name, importer, "test").added == 0
    hit = service.recall("docker compose db")[0]
    assert hit.sources[0].source == "shell"
    assert hit.sources[0].conversation == "zsh-history"


def test_cli_reads_your_histories_only_when_asked(
    home: Path, amber_cli: object, tmp_path: Path
) -> None:
    fake_home = tmp_path / "user"
    (fake_home / ".local" / "share" / "fish").mkdir(parents=True)
    shutil.copy(DATA / ".bash_history", fake_home / ".bash_history")
    shutil.copy(DATA / "fish_history", fake_home / ".local" / "share" / "fish" / "fish_history")
    env = {"HOME": str(fake_home), "XDG_DATA_HOME": "", "ZDOTDIR": ""}
    result = amber_cli("import", "shell", "--json", env_extra=env)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 13
    assert {f["format"] for f in report["files"]} == {"bash", "fish"}
    empty = tmp_path / "nobody"
    empty.mkdir()
    none = amber_cli("import", "shell", env_extra={"HOME": str(empty), "XDG_DATA_HOME": ""})  # type: ignore[operator]
    assert none.returncode == 2
    assert "no shell history found" in none.stderr
