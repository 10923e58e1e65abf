"""The real path: the distiller with SmolLM2-135M through llama.cpp. So small a model writes
little that survives validation; what is asserted is that nothing crashes, whatever it
returns fits the schemas, and every statement written can be traced to the events."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers.events import store_events

from amber.distill import Distiller
from amber.distill.batching import make_batches
from amber.distill.curation import Curator, curation_schema
from amber.distill.extraction import extract, extraction_schema
from amber.distill.journal import Journal
from amber.distill.model import token_counter
from amber.distill.render import EVIDENCE, FACTS, section_bullets
from amber.distill.validation import normalize
from amber.events import EventDraft
from amber.models.chat import ChatModel
from amber.models.runtime import ModelError
from amber.models.schema import validate
from amber.service import MemoryService
from amber.store import distill_events

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(300)]
pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")

MESSAGES = [
    ("Ana", "I adopted a greyhound called Biscuit last week."),
    ("Ben", "My sister Maria lives in Lisbon and works as an architect."),
]


def add_messages(service: MemoryService) -> None:
    drafts = [
        EventDraft(
            source="conversation",
            text=text,
            conversation="c1",
            message_id=f"m{i}",
            author=who,
            title="Catch-up",
            timestamp=datetime(2024, 5, 1, 10, i, tzinfo=UTC),
        )
        for i, (who, text) in enumerate(MESSAGES)
    ]
    store_events(service, drafts)


def test_extraction_output_fits_the_schema_or_fails_cleanly(
    service: MemoryService, chat: ChatModel
) -> None:
    add_messages(service)
    count = token_counter(chat)
    assert count("a greyhound called Biscuit") > 3  # llama.cpp's tokenizer, not an estimate
    [batch] = make_batches(distill_events.pending(service.db, None), count, 2000)
    try:
        extraction = extract(chat, batch, count)
    except ModelError as exc:
        assert "smollm2" in str(exc)
        return
    validate({"memories": extraction.memories}, extraction_schema(list(batch.local_ids())))


def test_curation_answer_fits_the_schema(service: MemoryService, chat: ChatModel) -> None:
    from amber.distill.candidate import Candidate, Evidence, Statement

    add_messages(service)
    service.remember("Ana has a dog called Biscuit", title="Ana's dog", path="people/ana")
    [event] = distill_events.pending(service.db, 1)
    said = Statement("Ana adopted a greyhound.", [Evidence(event, "adopted a greyhound")])
    cand = Candidate("Ana's greyhound", "fact", "people/ana", [said])
    parts = service.distill_parts()
    curator = Curator(Journal(parts.db, parts.writer, "test"), parts.recaller, chat)
    local = {f"n{i}": e for i, e in enumerate(curator.neighbours(cand), start=1)}
    assert local
    proposal = curator.propose(cand, local)
    if proposal is not None:
        validate(proposal, curation_schema(list(local)))
    decision = curator.guard(proposal or {"action": "ADD"}, cand, local)
    assert decision.action in ("add", "noop", "review")  # the entry is a person's: no change


def test_distilling_with_smollm2_writes_only_traceable_statements(
    service: MemoryService, chat: ChatModel
) -> None:
    add_messages(service)
    report = Distiller(service.distill_parts(), chat).run()
    assert report.events == 2
    assert report.batches == 1
    assert report.prompt_tokens > 100
    assert Distiller(service.distill_parts()).pending() == 0
    json.dumps(report.to_json())
    for path in sorted(service.config.tree_dir.rglob("*.md")):
        if path.name == "context.md":  # a folder's listing, not an entry
            continue
        entry = service.get(path.relative_to(service.config.tree_dir).as_posix())
        events = {s.event for s in entry.sources}
        assert entry.sources  # every source is a stored event
        assert None not in events
        texts = [service.get_event(e).text for e in events if e]  # type: ignore[arg-type]
        _assert_traceable(entry.entry.body, texts)


def _assert_traceable(body: str, texts: list[str]) -> None:
    """Evidence quotes are verbatim in the events; highlights of digests too; a line of a
    zero-LLM page (the model failed and pages were written instead) shares its rare
    words with the messages its footnotes cite."""
    source = normalize(" ".join(texts))
    for line in section_bullets(body, EVIDENCE):
        quote = line.split(': "', 1)[1].rstrip('"')
        assert normalize(quote).strip(" .,;:!?'-…") in source
    cited = [line for line in body.splitlines() if line.startswith("- ") and "[^" in line]
    assert section_bullets(body, FACTS) or "## Highlights" in body or cited
    for line in section_bullets(body, "## Highlights"):
        said = line.split(": ", 1)[1].rsplit(" (", 1)[0].removesuffix(" …")
        assert normalize(said) in source
    for line in cited:
        told = {w for w in normalize(line.split("[^")[0]).split() if len(w) > 5}
        assert len(told & set(source.split())) >= len(told) / 2, line
