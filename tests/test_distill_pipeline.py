"""The distiller with a chat model (a scripted one): the pages are those of the zero-LLM
distiller, made of the lines step 2 selected as the model rewrote them; only those lines
reach the model, each rewrite is validated (inventions, lost dates and names rejected,
the zero-LLM line kept), every answer is stored so a second run or a rebuild never asks
again; and the log and undo around it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers.caroline import LINES, TALK, add_talk
from test_distill_pages import tree_of

from amber.distill import Distiller, rewriting
from amber.distill.rewrite_prompt import SYSTEM_PROMPT
from amber.distill.scripted import ScriptedModel
from amber.distill.undo import UndoConflictError, undo
from amber.distill.validation import DROPPED_NAMES, INVENTED, LOST_NAMES
from amber.home import init_home
from amber.models.runtime import ModelError
from amber.service import MemoryService
from amber.store.forget import Selection

BERLIN = "Caroline moved to Berlin in the week of 1 May 2023."
EPISODE = "episodes/2023"


def zero_llm_tree(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """The tree the same conversation gives without a model, in a home of its own."""
    init_home(tmp_path / "zero")
    with MemoryService.open(tmp_path / "zero", interface="test") as other:
        add_talk(other)
        Distiller(other.distill_parts()).run()
        return tree_of(other)


def snapshot(service: MemoryService) -> dict[str, bytes]:
    tree = service.config.tree_dir
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted(tree.rglob("*.md"))}


def episode(service: MemoryService) -> str:
    """The day's episode, its parts joined in order."""
    parts = sorted((path, body) for path, (_, body) in tree_of(service).items())
    return "\n".join(body for path, body in parts if path.startswith(EPISODE))


def test_with_a_model_the_pages_are_the_zero_llm_pages(
    service: MemoryService, tmp_path: Path
) -> None:
    zero = zero_llm_tree(tmp_path)
    add_talk(service)
    model = ScriptedModel({"Berlin": BERLIN})
    report = Distiller(service.distill_parts(), model).run()
    tree = tree_of(service)
    assert tree.keys() == zero.keys()  # the same episodes and people pages
    assert {p: t for p, (t, _) in tree.items()} == {p: t for p, (t, _) in zero.items()}
    for path, (_, body) in tree.items():
        assert body == zero[path][1].replace(LINES["m0"], BERLIN)
    assert f"- {BERLIN}[^1]" in episode(service)
    assert (report.events, report.events_read, report.candidates, report.sent) == (6, 4, 4, 4)
    assert (report.rewritten, report.kept, report.batches) == (1, 3, 1)
    assert report.prompt_tokens > 0 and report.output_tokens > 0
    assert report.tokens_per_event == round((report.prompt_tokens + report.output_tokens) / 6, 1)
    assert "the model read 4 of 6 events, 4 of 4 selected lines: 1 rewritten, 3 kept" in (
        report.summary()
    )


def test_only_the_selected_lines_reach_the_model(service: MemoryService) -> None:
    add_talk(service)
    model = ScriptedModel()
    Distiller(service.distill_parts(), model).run()
    [(system, user)] = model.calls
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    for n, line in enumerate(LINES.values(), start=1):
        assert f'"c{n}": {json.dumps(line, ensure_ascii=False)}' in user["content"]
    assert "Message from Caroline, 8 May 2023: I moved to Berlin" in user["content"]
    assert TALK[1][1] not in user["content"] and TALK[5][1] not in user["content"]


def test_every_batch_starts_with_the_same_instructions(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes first in every prompt: llama.cpp keeps them evaluated."""
    monkeypatch.setattr(rewriting, "MAX_BATCH_LINES", 1)
    add_talk(service)
    model = ScriptedModel()
    report = Distiller(service.distill_parts(), model).run()
    assert report.batches == len(model.calls) == 4
    assert {call[0]["content"] for call in model.calls} == {SYSTEM_PROMPT}


def test_the_instructions_hold_no_example_facts() -> None:
    allowed = {"You", "Rewrite", "Add", "When", "The", "Answer", "JSON"}
    capitalized = set(re.findall(r"\b[A-Z][A-Za-z]*\b", SYSTEM_PROMPT)) - allowed
    assert not capitalized, capitalized
    assert not re.search(r"\d", SYSTEM_PROMPT)


def test_invented_names_and_numbers_are_rejected(service: MemoryService) -> None:
    add_talk(service)
    model = ScriptedModel(
        {
            "Berlin": "Caroline moved to Paris in the week of 1 May 2023.",
            "charity": "Mel ran a charity race for mental health on 9 May 2023.",
        }
    )
    report = Distiller(service.distill_parts(), model).run()
    assert report.rejected == {INVENTED: 2}
    assert (report.rewritten, report.kept) == (0, 2)
    body = episode(service)
    assert LINES["m0"] in body and LINES["m3"] in body  # the zero-LLM lines
    assert "Paris" not in body and "9 May" not in body


def test_a_rewrite_that_loses_the_date_is_rejected(service: MemoryService) -> None:
    add_talk(service)
    model = ScriptedModel({"charity": "Mel ran a charity race for mental health."})
    report = Distiller(service.distill_parts(), model).run()
    assert report.rejected == {LOST_NAMES: 1}
    assert LINES["m3"] in episode(service)


def test_only_a_line_that_tells_nothing_is_dropped(service: MemoryService) -> None:
    add_talk(service)
    model = ScriptedModel({"pottery": "", "Anna": ""})
    report = Distiller(service.distill_parts(), model).run()
    assert report.dropped == 1
    assert report.rejected == {DROPPED_NAMES: 1}
    assert "pottery" not in episode(service)
    assert "pottery" not in service.get("people/caroline.md").entry.body
    assert LINES["m4"] in episode(service)


class FailingModel(ScriptedModel):
    def generate_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ModelError("scripted failure")


class BreakingModel(ScriptedModel):
    """First writes one answer and the start of the second, then fails (a loop stopped);
    later gives every line back as it was."""

    def generate_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if self.calls:
            return super().generate_json(*args, **kwargs)
        self.calls.append(args[0])
        kwargs["on_text"](f'{{"c1": "{BERLIN}", "c2": "Caroline lov')
        raise ModelError("scripted loop")


def test_a_failing_model_keeps_the_zero_llm_lines(service: MemoryService, tmp_path: Path) -> None:
    add_talk(service)
    report = Distiller(service.distill_parts(), FailingModel()).run()
    assert (report.failed, report.batches) == (4, 4)  # each try costs the line it failed on
    assert report.model_failures == ["scripted failure"] * 4
    assert tree_of(service) == zero_llm_tree(tmp_path)
    assert Distiller(service.distill_parts()).pending() == 0


def test_a_model_that_breaks_off_keeps_what_it_finished_and_goes_on(
    service: MemoryService,
) -> None:
    add_talk(service)
    model = BreakingModel()
    report = Distiller(service.distill_parts(), model).run()
    assert (report.rewritten, report.failed, report.kept) == (1, 1, 2)
    assert (report.batches, report.sent) == (2, 4)
    assert f'"c1": "{LINES["m3"]}"' in model.calls[1][1]["content"]  # the lines after the break
    assert report.output_tokens > 0
    assert BERLIN in episode(service) and LINES["m2"] in episode(service)


def test_a_second_run_changes_nothing_and_asks_the_model_nothing(service: MemoryService) -> None:
    add_talk(service)
    Distiller(service.distill_parts(), ScriptedModel({"Berlin": BERLIN})).run()
    before = snapshot(service)
    model = ScriptedModel({"Berlin": "Caroline moved to Berlin."})
    again = Distiller(service.distill_parts(), model).run(again=True)
    assert model.calls == []
    assert (again.candidates, again.sent, again.events_read, again.prompt_tokens) == (4, 0, 0, 0)
    assert again.paged == 0
    assert snapshot(service) == before
    assert Distiller(service.distill_parts()).run(again=True).paged == 0  # --no-model
    assert snapshot(service) == before


def test_forgetting_rebuilds_pages_with_the_stored_rewrites(service: MemoryService) -> None:
    add_talk(service)
    Distiller(service.distill_parts(), ScriptedModel({"Berlin": BERLIN})).run()
    service.forget_events(service.forget_plan(Selection(handle="conversation:chat-1#m3")))
    assert BERLIN in episode(service)
    assert LINES["m3"] not in episode(service)
    assert service.db.one("SELECT count(*) FROM distill_rewrites") == (3,)
    service.forget_events(service.forget_plan(Selection(handle="conversation:chat-1#m0")))
    assert "Berlin" not in episode(service)
    assert service.db.one("SELECT count(*) FROM distill_rewrites") == (2,)


def test_a_stopped_run_keeps_its_answers_and_goes_on(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rewriting, "MAX_BATCH_LINES", 2)
    add_talk(service)
    model = ScriptedModel({"Berlin": BERLIN})
    report = Distiller(service.distill_parts(), model).run(should_stop=lambda: bool(model.calls))
    assert report.stopped
    assert (report.sent, report.rewritten) == (2, 1)
    assert Distiller(service.distill_parts()).pending() == len(TALK)
    assert service.entry_count() == 0
    rest = ScriptedModel()
    report = Distiller(service.distill_parts(), rest).run()
    assert (report.candidates, report.sent, len(rest.calls)) == (4, 2, 1)
    assert BERLIN in episode(service)


def test_progress_follows_the_batches(
    service: MemoryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rewriting, "MAX_BATCH_LINES", 2)
    add_talk(service)
    seen: list[tuple[int, int]] = []
    Distiller(service.distill_parts(), ScriptedModel()).run(
        progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(3, 6), (5, 6), (6, 6)]  # the lines of m0 and m2, of m3 and m4, then all


# -- the log and undo, on any page ---------------------------------------------------------


def test_written_hash_tells_the_distillers_files_from_a_persons(service: MemoryService) -> None:
    add_talk(service)
    Distiller(service.distill_parts()).run()
    entry = service.get("people/caroline.md").entry
    data = (service.config.tree_dir / entry.path).read_bytes()
    row = service.db.one("SELECT content_hash FROM distill_written WHERE entry_id = ?", (entry.id,))
    assert row == (hashlib.sha256(data).hexdigest(),)


def test_undo_refuses_to_overwrite_a_later_edit(service: MemoryService) -> None:
    add_talk(service)
    report = Distiller(service.distill_parts()).run()
    path = service.config.tree_dir / "people/caroline.md"
    path.write_text(path.read_text() + "my own note\n")
    op = next(o for o in report.ops if service.distiller().find_op(o).path == "people/caroline.md")
    with pytest.raises(UndoConflictError, match="changed after operation"):
        undo(service.distill_parts(), op)
    assert path.read_text().endswith("my own note\n")


def test_purging_a_forgotten_entry_drops_its_undo_copies(service: MemoryService) -> None:
    from amber.store import distill_log

    add_talk(service, TALK[:1])
    Distiller(service.distill_parts()).run()
    add_talk(service)
    report = Distiller(service.distill_parts()).run()
    caroline = service.get("people/caroline.md").entry
    with service.db.write() as conn:
        distill_log.purge_entry(conn, caroline.id, caroline.path)
    copies = service.db.query(
        "SELECT f.before FROM distill_op_files f JOIN distill_ops o ON o.id = f.op_id "
        "WHERE o.entry_id = ?",
        (caroline.id,),
    )
    assert copies and all(before is None for (before,) in copies)
    op = next(o for o in distill_log.recent_ops(service.db, 50) if o.entry_id == caroline.id)
    assert op.id in report.ops
    with pytest.raises(Exception, match="forgotten"):
        undo(service.distill_parts(), op.id)
