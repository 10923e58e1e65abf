"""Near-duplicate screen frames: OCR-like re-reads of a window become one event with a time
span; a changed paragraph, another window, or a message (no view) never merge."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from statistics import median

from helpers.events import store_events

from amber.events import EventDraft
from amber.ingest import ingest
from amber.service import MemoryService
from amber.snapshots import SIMILAR, similarity
from amber.store.forget import Selection

PARAGRAPHS = [
    "Quarterly planning for the harbour project. The steering group met on Tuesday and "
    "agreed to move the crane inspection to the second week of March, because the supplier "
    "could not deliver the replacement cables before then.",
    "Budget: the remaining contingency is 41,200 EUR after the dredging overrun. Priya asked "
    "for a breakdown per work package before the board meeting; Tomas will prepare it from "
    "the ledger export.",
    "Risks: the tide tables for April show two spring tides during the pour window. If the "
    "pour slips past the 14th, the formwork has to stay another nine days and the barge "
    "rental doubles.",
    "Actions: Ana confirms the berth schedule with the port authority, Ben updates the Gantt "
    "chart, and the safety officer reviews the revised lifting plan before anyone signs it.",
    "Next meeting: Thursday 10:00 in the site office, dial-in details in the calendar "
    "invite. Bring the updated drawings for quay wall section C and the soil report.",
]
NEW_PARAGRAPH = (
    "Legal: the harbour master wants the indemnity clause rewritten so that damage to moored "
    "vessels during the lift is covered by our insurer, not the port's; a draft comes Monday."
)
NEW_SENTENCE = "Update: the board approved the extra 12,000 EUR for the night shifts on Friday."
MISREADS = {"l": "1", "O": "0", "o": "0", "rn": "m", "e": "c", "i": "l", "S": "5", "B": "8"}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ocr(text: str, rng: random.Random, misread_rate: float = 0.02) -> str:
    """Text as tesseract gives it back: a few glyphs misread, lines wrapped anew."""
    words = []
    for word in text.split(" "):
        if rng.random() < misread_rate:
            glyph = next((g for g in MISREADS if g in word), None)
            word = word.replace(glyph, MISREADS[glyph], 1) if glyph else word + "."
        words.append(word)
    width, lines, line = rng.randint(50, 90), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def frame(
    text: str, seconds: int, window: str = "Planning.odt", app: str = "soffice"
) -> EventDraft:
    taken = START + timedelta(seconds=seconds)
    return EventDraft(
        source="screen",
        text=text,
        uri="screen:main",
        conversation=app,
        message_id=f"{taken:%Y%m%dT%H%M%S}",
        author=app,
        title=window,
        timestamp=taken,
        trust="untrusted",
        meta={"window": window, "app": app},
        view=f"{app}\x1f{window}",
    )


def screen_events(service: MemoryService) -> list[tuple[str, str, dict]]:
    rows = service.db.query(
        "SELECT ts, text, meta FROM events WHERE source = 'screen' ORDER BY rowid"
    )
    return [(ts, text, json.loads(meta)) for ts, text, meta in rows]


def test_threshold_keeps_a_changed_paragraph_and_merges_re_reads() -> None:
    """The measurement behind SIMILAR: re-reads with independent misreads (one word in
    fifty) mostly score above it, a replaced paragraph or a scrolled screen never does."""
    rng = random.Random(7)
    screen = " ".join(PARAGRAPHS)
    first = ocr(screen, rng)
    re_reads = [similarity(first, ocr(screen, rng)) for _ in range(100)]
    changed = " ".join([*PARAGRAPHS[:2], NEW_PARAGRAPH, *PARAGRAPHS[3:]])
    replaced = [similarity(first, ocr(changed, rng)) for _ in range(100)]
    scrolled_text = " ".join([*PARAGRAPHS[1:], NEW_PARAGRAPH])
    scrolled = [similarity(first, ocr(scrolled_text, rng)) for _ in range(100)]
    assert median(re_reads) >= SIMILAR
    assert sum(score >= SIMILAR for score in re_reads) >= 60
    assert max(replaced) < SIMILAR - 0.15
    assert max(scrolled) < SIMILAR - 0.15
    assert similarity(first, first) == 1.0


def test_re_reads_of_a_window_are_one_event_with_a_span(service: MemoryService) -> None:
    screen = " ".join(PARAGRAPHS)
    frames = [frame(screen, 0), frame(screen, 10), frame(screen.replace("crane", "cranc"), 20)]
    assert store_events(service, frames[:1]) == 1
    with service.db.write() as conn:
        result = ingest(conn, frames[1:])
    assert (result.added, result.merged) == (0, 2)
    [(ts, text, meta)] = screen_events(service)
    assert text == screen  # the first frame's text, kept once
    assert ts == meta["first_seen"] == "2026-03-02T09:00:00Z"
    assert meta["last_seen"] == "2026-03-02T09:00:20Z"
    assert meta["frames"] == 3
    assert [h.type for h in service.recall("crane inspection")] == ["event"]


def test_a_changed_paragraph_is_a_new_event(service: MemoryService) -> None:
    rng = random.Random(3)
    screen = " ".join(PARAGRAPHS)
    changed = " ".join([*PARAGRAPHS[:2], NEW_PARAGRAPH, *PARAGRAPHS[3:]])
    store_events(service, [frame(ocr(screen, rng), 0), frame(ocr(changed, rng), 10)])
    events = screen_events(service)
    assert len(events) == 2
    assert "indemnity" in events[1][1]
    assert [meta["frames"] for _ts, _text, meta in events] == [1, 1]


def test_slow_typing_starts_a_new_event_once_enough_changed(service: MemoryService) -> None:
    """Each frame adds a few words; they are compared with the event's first text, not the
    previous frame, so the event does not drift along with the typing."""
    base = " ".join(PARAGRAPHS[:2])
    typed = NEW_PARAGRAPH.split()
    texts = [" ".join([base, *typed[:n]]) for n in range(0, len(typed) + 1, 3)]
    store_events(service, [frame(text, 10 * i) for i, text in enumerate(texts)])
    events = screen_events(service)
    assert 2 <= len(events) < len(texts)
    assert similarity(events[0][1], events[1][1]) < SIMILAR
    assert sum(meta["frames"] for _ts, _text, meta in events) == len(texts)


def test_windows_and_messages_are_never_merged(service: MemoryService) -> None:
    """Another window with the same text is its own event; switching back to a window
    continues its event; chat messages (no view) are never merged, even when equal."""
    screen = " ".join(PARAGRAPHS)
    store_events(
        service,
        [
            frame(screen, 0, window="Planning.odt"),
            frame(screen, 10, window="Copy of Planning.odt"),
            frame(screen, 20, window="Planning.odt"),
        ],
    )
    events = screen_events(service)
    assert [meta["window"] for _ts, _text, meta in events] == [
        "Planning.odt",
        "Copy of Planning.odt",
    ]
    assert events[0][2]["last_seen"] == "2026-03-02T09:00:20Z"
    chat = [EventDraft("conversation", "ok", conversation="c1", message_id=f"m{i}") for i in (1, 2)]
    assert store_events(service, chat) == 2


def test_forgetting_a_merged_event_deletes_every_kept_screenshot(service: MemoryService) -> None:
    screens = service.config.screens_dir
    screens.mkdir(parents=True)
    names = ["a.png.enc", "b.png.enc"]
    for name in names:
        (screens / name).write_bytes(b"encrypted")
    screen = " ".join(PARAGRAPHS)
    first, second = frame(screen, 0), frame(screen, 10)
    first = EventDraft(**{**vars(first), "meta": {**first.meta, "image": names[0]}})
    second = EventDraft(**{**vars(second), "meta": {**second.meta, "image": names[1]}})
    store_events(service, [first, second])
    plan = service.forget_plan(Selection(source="screen"))
    assert len(plan.events) == 1
    service.forget_events(plan)
    assert not any((screens / name).exists() for name in names)
