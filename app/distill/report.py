"""What one distiller run did, for `amber distill`, the daemon and the benchmark."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class DistillReport:
    run_id: str
    model: str | None  # None: zero-LLM mode
    events: int = 0
    paged: int = 0  # episodes and people pages written
    digested: int = 0  # digest entries written
    unchanged: int = 0  # pages a rebuild left as they were
    review: int = 0  # proposals that wait in `amber review`
    # With a chat model (amber/distill/rewriting.py): the lines step 2 selected in the
    # run's events, how many of those events the model read (the others told nothing, or
    # were answered in an earlier run), and what became of each line sent.
    candidates: int = 0
    events_read: int = 0
    sent: int = 0
    batches: int = 0
    rewritten: int = 0
    kept: int = 0  # given back as it was (or only without the question it answers)
    dropped: int = 0  # it tells nothing, said the model
    rejected: Counter[str] = field(default_factory=Counter)  # reason -> lines
    failed: int = 0  # no answer (the model failed or broke off)
    model_failures: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    ops: list[str] = field(default_factory=list)
    stopped: bool = False  # asked to stop before the end (the daemon's machine got busy)
    contexts: list[str] = field(default_factory=list)  # context.md files written or removed
    contexts_kept: list[str] = field(default_factory=list)  # a person's: left as they are
    distilled_by: str = ""  # a synced memory another device distils: nothing was done here

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def tokens_per_event(self) -> float:
        """What the model read and wrote, over every event of the run."""
        tokens = self.prompt_tokens + self.output_tokens
        return round(tokens / self.events, 1) if self.events else 0.0

    def to_json(self) -> dict[str, object]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["rejected"] = dict(self.rejected)
        data["rejected_total"] = self.rejected_total
        data["tokens_per_event"] = self.tokens_per_event
        return data

    def summary(self) -> str:
        """One line, for the daemon's status and the end of `amber distill`."""
        if self.distilled_by:
            return (
                f"nothing distilled here: device {self.distilled_by} distils this synced memory "
                "and its pages arrive with `amber sync` (`amber sync distiller --here` moves it)"
            )
        parts = [
            f"{getattr(self, name)} {label}"
            for name, label in (
                ("paged", "page" if self.paged == 1 else "pages"),
                ("digested", "digest" if self.digested == 1 else "digests"),
                ("unchanged", "unchanged"),
                ("review", "to review"),
            )
            if getattr(self, name)
        ]
        how = f"with {self.model}" if self.model else "without a model"
        line = f"{self.events} events {how}: " + (", ".join(parts) or "nothing new")
        return line + (f"; {self.model_summary()}" if self.model else "")

    def model_summary(self) -> str:
        """What the model read, and what became of the lines sent to it."""
        said = f"the model read {self.events_read} of {self.events} events, "
        said += f"{self.sent} of {self.candidates} selected lines"
        outcomes = [
            f"{count} {label}"
            for count, label in (
                (self.rewritten, "rewritten"),
                (self.kept, "kept as written"),
                (self.dropped, "dropped"),
                (self.rejected_total, "rejected"),
                (self.failed, "unanswered"),
            )
            if count
        ]
        said += f": {', '.join(outcomes)}" if outcomes else ""
        tokens = self.prompt_tokens + self.output_tokens
        return f"{said}; {tokens:,} tokens, {self.tokens_per_event:g} per event"
