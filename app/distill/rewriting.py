"""With a chat model: the lines step 2 selected are rewritten as self-contained facts.

The zero-LLM reading (amber/distill/statements.py) picks what each message tells and
writes it in the third person; with a chat model those lines, and only those, go to the
model with the message each came from, to be rewritten as one short sentence that reads on
its own (pronouns resolved, names, dates and numbers kept). A model thus reads the
messages that tell something, not every event. Each sentence is checked against its line
and message (amber/distill/validation.py); one that fails, or a line the model did not
answer, keeps the zero-LLM line. Every answer is stored before the pages are built
(amber/store/rewrites.py), so a line is never sent twice, a run that is stopped goes on
where it stopped, and pages read the answers back however they are rebuilt
(amber/distill/rewritten.py).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from itertools import islice

from amber.distill.batching import make_batches
from amber.distill.knowledge import between_people
from amber.distill.model import DistillModel, context_tokens, token_counter
from amber.distill.report import DistillReport
from amber.distill.rewrite_prompt import (
    PROMPT_SLACK_TOKENS,
    SYSTEM_PROMPT,
    answer_schema,
    answer_tokens,
    answers_in,
    build_messages,
    line_entry,
    local_id,
    message_line,
)
from amber.distill.rewritten import line_hash
from amber.distill.salvage import StreamGuard
from amber.distill.statements import Context, Statement, select_statements
from amber.distill.validation import drop_problem, longest_fact, rewrite_problem, same_line
from amber.events import Event
from amber.models.runtime import ModelError
from amber.redact import redact
from amber.store import rewrites as rewrite_rows
from amber.store.db import Database
from amber.store.rewrites import Rewrite
from amber.text import one_line

MAX_BATCH_LINES = 8  # more lines per prompt and small models start to lose track
MIN_LINE_BUDGET = 256  # tokens left for lines even when the context is tiny
ShouldStop = Callable[[], bool]
Done = Callable[[Statement], None]


def selected_lines(events: list[Event], context: Callable[[Event], Context]) -> list[Statement]:
    """What step 2 selects in these messages, in order: the candidates for the model.
    Only conversations between people have lines (the rest are digested as they are),
    and a picture's caption stays as the zero-LLM reading words it."""
    talk = [e for e in events if between_people(e)]
    return [s for e in talk for s in select_statements(e, context(e)) if s.kind != "image"]


def line_key(line: Statement) -> tuple[str, str]:
    return line.event.id, line_hash(line.text)


class Rewriter:
    """Sends lines to the model in batches, judges each answer, stores every outcome."""

    def __init__(self, db: Database, model: DistillModel, report: DistillReport) -> None:
        self.db = db
        self.model = model
        self.report = report
        self.count = token_counter(model)
        overhead = self.count(SYSTEM_PROMPT) + PROMPT_SLACK_TOKENS + answer_tokens(MAX_BATCH_LINES)
        self.budget = max(MIN_LINE_BUDGET, context_tokens(model) - overhead)
        self._sent: set[tuple[str, str]] = set()

    def rewrite(self, lines: list[Statement], should_stop: ShouldStop, done: Done) -> bool:
        """Rewrite the lines no model answered before; False when asked to stop first.
        When the model breaks off, the line it broke on keeps its zero-LLM text and the
        lines after it go into the next batch, so one looping line costs only itself."""
        known = rewrite_rows.known(self.db, list({line.event.id for line in lines}))
        queue = deque(line for line in lines if line_key(line) not in known)
        self.report.candidates += len(lines)
        while queue:
            if should_stop():
                return False
            batch = self._next_batch(queue)
            answers, answered = self._ask(batch)
            judged = batch[: answered + 1]  # the line it broke on, if it did, fails
            rows = [self._judge(line, answers.get(local_id(n))) for n, line in enumerate(judged, 1)]
            queue.extendleft(reversed(batch[answered + 1 :]))
            with self.db.write() as conn:
                rewrite_rows.save(conn, rows)
            done(judged[-1])
        return True

    def _next_batch(self, queue: deque[Statement]) -> list[Statement]:
        """The first batch of the queue's lines, taken off it."""
        first = list(islice(queue, MAX_BATCH_LINES))
        batch = make_batches(first, self._cost, self.budget, MAX_BATCH_LINES)[0]
        for _ in batch:
            queue.popleft()
        return batch

    def _cost(self, line: Statement) -> int:
        return self.count(f"{message_line(line)}\n{line_entry(MAX_BATCH_LINES, line)}")

    def _ask(self, batch: list[Statement]) -> tuple[dict[str, str], int]:
        """The model's answers by local id, and how many lines in order it answered
        before breaking off (all of them, unless it failed)."""
        report = self.report
        report.batches += 1
        self._sent.update(line_key(line) for line in batch)
        report.sent = len(self._sent)
        report.events_read = len({event_id for event_id, _ in self._sent})
        messages = build_messages(batch)
        report.prompt_tokens += sum(self.count(m["content"]) for m in messages)
        report.prompt_tokens += PROMPT_SLACK_TOKENS
        guard = StreamGuard(max(longest_fact(line.text) for line in batch))
        try:
            data = self.model.generate_json(
                messages,
                answer_schema(len(batch)),
                max_tokens=answer_tokens(len(batch)),
                on_text=guard.feed,
            )
        except ModelError as exc:  # a weak model loops or breaks off: keep what it finished
            report.model_failures.append(str(exc))
            report.output_tokens += self.count(guard.text) if guard.text else 0
            answers = answers_in(guard.text)
            answered = next(n for n in range(len(batch) + 1) if local_id(n + 1) not in answers)
            return answers, answered
        report.output_tokens += self.count(guard.text or json.dumps(data))
        return {key: value for key, value in data.items() if isinstance(value, str)}, len(batch)

    def _judge(self, line: Statement, answer: str | None) -> Rewrite:
        """What becomes of a line, counted in the report."""
        event_id, key = line_key(line)
        outcome, text = _verdict(line, answer)
        if outcome.startswith("rejected:"):
            self.report.rejected[outcome.removeprefix("rejected:")] += 1
            outcome = "rejected"
        else:
            self.report.count(outcome)
        return Rewrite(event_id, key, outcome, text, self.model.name)


def _verdict(line: Statement, answer: str | None) -> tuple[str, str]:
    """(outcome, the sentence to use); a rejection carries its reason."""
    if answer is None:
        return "failed", ""
    fact = redact(one_line(answer)).text.strip()
    if not fact:
        problem = drop_problem(line.text, line.speaker)
        return (f"rejected:{problem}", "") if problem else ("dropped", "")
    if same_line(fact, line.text):
        return "kept", ""
    problem = rewrite_problem(fact, line.text, line.event.text, line.speaker)
    return (f"rejected:{problem}", "") if problem else ("rewritten", fact)
