"""What recall returns: the stable, documented JSON contract of `amber recall --json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STRONG = "strong"  # the hit holds what was asked (amber.retrieval.relevance)
WEAK = "weak"  # it holds part of it, or something near it


@dataclass(frozen=True)
class SourceRef:
    """Where a memory came from. `event` is the Amber event id when the source is an event."""

    event: str | None
    source: str  # conversation, file, screen, agent, web, manual ...
    uri: str
    conversation: str | None = None
    message_id: str | None = None
    timestamp: str | None = None


@dataclass
class Hit:
    id: str
    type: str  # "entry" or "event"
    title: str
    path: str | None  # tree path of an entry; None for events
    snippet: str
    score: float
    channels: list[str]
    sources: list[SourceRef] = field(default_factory=list)
    kind: str = ""
    timestamp: str | None = None
    trust: str = "trusted"
    superseded: bool = False
    match: str = (
        "weak"  # "strong" or "weak": how well it matches the query (retrieval/relevance.py)
    )

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["score"] = round(self.score, 6)
        return data
