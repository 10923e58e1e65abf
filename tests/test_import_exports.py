"""The streaming reader of chat exports: any chunking gives what json.loads gives, every
cut is reported as a cut after the complete conversations, and real errors keep their
line and column."""

from __future__ import annotations

import io
import json

import pytest

from amber.plugins.importers import exports
from amber.plugins.importers.exports import ExportCutShort, conversations

DOC = [
    {
        "id": f"c{i}",
        "archived": i % 2 == 0,
        "gizmo": None,
        "t": 1714980000.123456 + i,
        "n": -12e-3,
        "title": 'Grüße \u2603 "quoted"',
        "parts": [True, False, None, [], {}],
    }
    for i in range(6)
]


def _read(data: bytes) -> list[object]:
    return list(conversations(io.BytesIO(data), "export.json"))


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 11, 64])
def test_any_chunking_reads_what_json_loads_reads(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(exports, "CHUNK", chunk)  # also forces the buffer to be compacted
    data = json.dumps(DOC, ensure_ascii=False, indent=1).encode("utf-8")
    assert _read(b"\xef\xbb\xbf" + data) == DOC


def test_every_cut_keeps_the_complete_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK", 16)
    data = json.dumps(DOC).encode("utf-8")
    ends = [len(json.dumps(DOC[: i + 1])) - 1 for i in range(len(DOC))]  # after each "}"
    for cut in range(1, len(data) - 1):
        complete = sum(end <= cut for end in ends)
        with pytest.raises(ExportCutShort) as info:
            _read(data[:cut])
        assert info.value.count == complete, cut
        assert "ends early" in info.value.problem, (cut, info.value.problem)


def test_a_real_error_keeps_its_line_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK", 8)
    text = json.dumps(DOC[:3], indent=1).replace('"c2"', '"c2" oops', 1)
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(ExportCutShort) as info:
        _read(text.encode())
    where = f"line {expected.value.lineno} column {expected.value.colno}"
    assert where in info.value.problem
    assert info.value.count == 2


def test_column_on_a_single_line_export_counts_dropped_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "CHUNK", 8)
    text = json.dumps(DOC * 3)
    broken = text[: len(text) - 40] + "@" + text[len(text) - 39 :]
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(broken)
    with pytest.raises(ExportCutShort) as info:
        _read(broken.encode())
    assert f"line 1 column {expected.value.colno}" in info.value.problem


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"conversations": [{"id": 1}, {"id": 2}]}', [{"id": 1}, {"id": 2}]),
        (b'{"id": "only one"}', [{"id": "only one"}]),
        (b"[]", []),
    ],
)
def test_other_top_level_shapes(data: bytes, expected: list[object]) -> None:
    assert _read(data) == expected


def test_bytes_that_are_not_utf8_survive_as_escapes() -> None:
    [item] = _read(b'[{"t": "caf\xe9"}]')
    assert item == {"t": "caf\udce9"}  # turned into U+FFFD, and counted, by the importers
