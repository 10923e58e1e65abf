"""A proposal for an entry a person wrote (amber/distill/review.py): its statements, with
the events and the sentences behind each."""

from __future__ import annotations

from dataclasses import dataclass, field

from amber.events import Event


def event_ref(event: Event) -> str:
    """How an entry's `sources:` names an event (its ref, else its id)."""
    return event.ref or event.id


@dataclass(frozen=True)
class Evidence:
    event: Event
    quote: str


@dataclass
class Statement:
    text: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Candidate:
    title: str
    kind: str
    folder: str
    statements: list[Statement]
    valid_from: str | None = None
    confidence: float = 1.0

    @property
    def events(self) -> list[Event]:
        seen: dict[str, Event] = {}
        for statement in self.statements:
            for ev in statement.evidence:
                seen.setdefault(ev.event.id, ev.event)
        return list(seen.values())

    @property
    def sources(self) -> list[str]:
        return [event_ref(e) for e in self.events]

    @property
    def first_seen(self) -> str | None:
        stamps = sorted(e.timestamp for e in self.events if e.timestamp)
        return stamps[0] if stamps else None

    @property
    def since(self) -> str | None:
        """When it became true: the text's own date, else when it was first said."""
        return self.valid_from or (self.first_seen or "")[:10] or None

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "kind": self.kind,
            "folder": self.folder,
            "valid_from": self.valid_from,
            "confidence": self.confidence,
            "statements": [
                {
                    "text": s.text,
                    "evidence": [{"event": e.event.id, "quote": e.quote} for e in s.evidence],
                }
                for s in self.statements
            ],
        }

    @classmethod
    def from_json(cls, data: dict, events: dict[str, Event]) -> Candidate:
        """Rebuild a stored proposal; evidence whose event is gone is left out."""
        statements = [
            Statement(
                str(s["text"]),
                [
                    Evidence(events[e["event"]], str(e["quote"]))
                    for e in s["evidence"]
                    if e["event"] in events
                ],
            )
            for s in data["statements"]
        ]
        return cls(
            str(data["title"]),
            str(data["kind"]),
            str(data["folder"]),
            statements,
            data.get("valid_from"),
            float(data.get("confidence", 1.0)),
        )
