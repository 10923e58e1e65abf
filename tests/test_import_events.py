"""Importing conversations: idempotent, redacted, recallable at once, acknowledged in batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amber.errors import ImportFormatError, InvalidInputError
from amber.importing import BATCH_SIZE, available_importers, choose_importer, import_file
from amber.service import MemoryService


def _jsonl(path: Path, count: int, start: int = 0) -> Path:
    lines = [
        json.dumps(
            {
                "conversation": "c1",
                "id": f"m{i}",
                "speaker": "Ana",
                "timestamp": 1_700_000_000 + i,
                "text": f"message number {i} about kayaks",
            }
        )
        for i in range(start, start + count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _generic() -> object:
    return available_importers(load_entry_points=False)["generic"]


def test_import_twice_adds_nothing(service: MemoryService, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", 1200)
    acks: list[int] = []
    first = import_file(service.db, path, _generic(), "test", on_commit=acks.append)
    assert (first.read, first.added) == (1200, 1200)
    assert acks == [BATCH_SIZE, 2 * BATCH_SIZE, 1200]
    second = import_file(service.db, path, _generic(), "test")
    assert (second.added, second.duplicates) == (0, 1200)
    count = service.db.one("SELECT count(*) FROM events")[0]
    assert count == 1200
    assert service.recall("message number 7 kayaks")[0].sources[0].message_id == "m7"


def test_grown_file_adds_only_new_messages(service: MemoryService, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", 10)
    import_file(service.db, path, _generic(), "test")
    _jsonl(path, 15)
    assert import_file(service.db, path, _generic(), "test").added == 5


def test_secrets_in_messages_are_redacted(service: MemoryService, tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    path = tmp_path / "c.json"
    message = {"id": "1", "speaker": "me", "text": f"my github token is {token} keep it safe"}
    path.write_text(json.dumps({"id": "c", "messages": [message]}))
    result = import_file(service.db, path, _generic(), "test")
    assert result.redacted == 1
    text = service.db.one("SELECT text FROM events")[0]
    assert token not in text
    assert "[REDACTED:github_token]" in text


def test_error_midway_keeps_what_was_stored(service: MemoryService, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", BATCH_SIZE + 10)
    with path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(ImportFormatError, match="line 511") as info:
        import_file(service.db, path, _generic(), "test")
    assert f"the {BATCH_SIZE + 10} messages before it are stored" in str(info.value)
    assert service.db.one("SELECT count(*) FROM events")[0] == BATCH_SIZE + 10


def test_choose_importer(tmp_path: Path) -> None:
    importers = available_importers(load_entry_points=False)
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFormatError, match="not a conversation format"):
        choose_importer(csv, importers, None)
    with pytest.raises(InvalidInputError, match="unknown format 'nope'"):
        choose_importer(csv, importers, "nope")
    assert choose_importer(_jsonl(tmp_path / "c.jsonl", 1), importers, None).name == "generic"


def test_full_text_context_is_the_same_imported_or_rebuilt(
    service: MemoryService, tmp_path: Path
) -> None:
    """Each message's context column holds the start of the two before it, whether written
    batch by batch at import (two imports here) or rebuilt from the events."""
    long_text = " ".join(f"w{i}" for i in range(100))
    first = _jsonl(tmp_path / "a.jsonl", 3)
    lines = first.read_text().splitlines()
    lines[1] = json.dumps({**json.loads(lines[1]), "text": long_text})
    first.write_text("\n".join(lines) + "\n")
    import_file(service.db, first, _generic(), "test")
    import_file(service.db, _jsonl(tmp_path / "b.jsonl", 2, start=3), _generic(), "test")
    query = "SELECT rowid, context FROM search WHERE rowid > 0 ORDER BY rowid"
    imported = service.db.query(query)
    service.indexer.rebuild()
    assert service.db.query(query) == imported
    contexts = [context for _, context in imported]
    assert contexts[0] == ""
    assert len(contexts) == 5
    assert contexts[2].split("\n")[1] == " ".join(long_text.split()[:60])
    assert contexts[4].count("\n") == 1  # two messages: the second import read the first's
