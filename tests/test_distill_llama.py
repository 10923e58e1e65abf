"""The real path: the distiller with SmolLM2-135M through llama.cpp. So small a model
rewrites little that survives validation; what is asserted is that its answers fit the
grammar, the pages have the shapes of the zero-LLM pages, every line can be traced to its
message, the summary counts the lines sent and the tokens, and a second run changes
nothing without calling the model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers.caroline import TALK, add_talk

from amber.distill import Distiller
from amber.distill.model import token_counter
from amber.distill.rewrite_prompt import answer_schema, answer_tokens, build_messages
from amber.distill.rewriting import selected_lines
from amber.distill.statements import Context
from amber.distill.validation import normalize
from amber.home import init_home
from amber.models.chat import ChatModel
from amber.models.runtime import ModelError
from amber.models.schema import validate
from amber.service import MemoryService
from amber.store import distill_events

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(300)]
pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")


class Counting:
    """The chat model, counting the calls made to it."""

    def __init__(self, chat: ChatModel) -> None:
        self.chat = chat
        self.name = chat.name
        self.calls = 0

    def generate_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        return self.chat.generate_json(*args, **kwargs)

    def count_tokens(self, text: str) -> int:
        return token_counter(self.chat)(text)


def test_an_answer_fits_the_grammar_or_fails_cleanly(
    service: MemoryService, chat: ChatModel
) -> None:
    add_talk(service)
    count = token_counter(chat)
    assert count("a greyhound called Biscuit") > 3  # llama.cpp's tokenizer, not an estimate
    events = distill_events.pending(service.db, None)
    lines = selected_lines(events, lambda e: Context(["Caroline", "Mel"]))
    schema = answer_schema(len(lines))
    try:
        answer = chat.generate_json(
            build_messages(lines), schema, max_tokens=answer_tokens(len(lines))
        )
    except ModelError as exc:
        assert "smollm2" in str(exc)
        return
    validate(answer, schema)


def test_distilling_with_smollm2_writes_the_zero_llm_pages(
    service: MemoryService, chat: ChatModel, tmp_path: Path
) -> None:
    add_talk(service)
    model = Counting(chat)
    report = Distiller(service.distill_parts(), model).run()
    assert (report.events, report.events_read, report.candidates, report.sent) == (6, 4, 4, 4)
    assert report.batches == model.calls == 1
    answered = report.rewritten + report.kept + report.dropped + report.rejected_total
    assert answered + report.failed == 4
    assert report.prompt_tokens > 100 and report.output_tokens > 0
    assert f"{report.tokens_per_event:g} per event" in report.summary()
    json.dumps(report.to_json())
    assert Distiller(service.distill_parts()).pending() == 0
    assert sorted(_pages(service)) == sorted(_zero_llm_pages(tmp_path))
    for path in _pages(service):
        view = service.get(path)
        texts = [service.get_event(s.event).text for s in view.sources if s.event]
        assert texts  # every page cites stored messages
        _assert_traceable(view.entry.body, texts)
    before = {p: (service.config.tree_dir / p).read_bytes() for p in _pages(service)}
    again = Distiller(service.distill_parts(), model).run(again=True)
    assert model.calls == 1  # the stored answers were read back
    assert (again.sent, again.paged) == (0, 0)
    assert {p: (service.config.tree_dir / p).read_bytes() for p in _pages(service)} == before


def _pages(service: MemoryService) -> list[str]:
    tree = service.config.tree_dir
    pages = sorted(p for p in tree.rglob("*.md") if p.name != "context.md")  # not entries
    return [p.relative_to(tree).as_posix() for p in pages]


def _zero_llm_pages(tmp_path: Path) -> list[str]:
    init_home(tmp_path / "zero")
    with MemoryService.open(tmp_path / "zero", interface="test") as other:
        add_talk(other, TALK)
        Distiller(other.distill_parts()).run()
        return _pages(other)


def _assert_traceable(body: str, texts: list[str]) -> None:
    """A line of a page shares its rare words with the messages its footnotes cite,
    whether the model rewrote it or not (what it answers was asked in the message before)."""
    source = normalize(" ".join(texts))
    cited = [line for line in body.splitlines() if line.startswith("- ") and "[^" in line]
    assert cited
    for line in cited:
        said = re.sub(r"\(asked \u201c[^\u201d]*\u201d\)", "", line.split("[^")[0])
        told = {w for w in normalize(said).split() if len(w) > 5}
        assert len(told & set(source.split())) >= len(told) / 2, line
