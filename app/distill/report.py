"""What one distiller run did, for `amber distill`, the daemon and the benchmark."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("added", "updated", "superseded", "unchanged", "review", "digested", "paged")


@dataclass
class DistillReport:
    run_id: str
    model: str | None  # None: zero-LLM mode (digests)
    events: int = 0
    batches: int = 0
    added: int = 0
    updated: int = 0
    superseded: int = 0
    unchanged: int = 0  # NOOP: already known
    review: int = 0  # proposals that wait in `amber review`
    digested: int = 0  # digest entries written (zero-LLM, or after a model failure)
    paged: int = 0  # episodes and people pages written (zero-LLM)
    rejected: Counter[str] = field(default_factory=Counter)  # reason -> statements
    model_failures: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    ops: list[str] = field(default_factory=list)
    stopped: bool = False  # asked to stop before the end (the daemon's machine got busy)
    contexts: list[str] = field(default_factory=list)  # context.md files written or removed
    contexts_kept: list[str] = field(default_factory=list)  # a person's: left as they are

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def to_json(self) -> dict[str, object]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["rejected"] = dict(self.rejected)
        data["rejected_total"] = self.rejected_total
        return data

    def summary(self) -> str:
        """One line, for the daemon's status and the end of `amber distill`."""
        parts = [
            f"{getattr(self, name)} {label}"
            for name, label in (
                ("added", "added"),
                ("updated", "updated"),
                ("superseded", "superseded"),
                ("unchanged", "unchanged"),
                ("review", "to review"),
                ("digested", "digest" if self.digested == 1 else "digests"),
                ("paged", "page" if self.paged == 1 else "pages"),
            )
            if getattr(self, name)
        ]
        if self.rejected_total:
            parts.append(f"{self.rejected_total} statements rejected")
        how = f"with {self.model}" if self.model else "without a model"
        return f"{self.events} events {how}: " + (", ".join(parts) or "nothing new")
