"""Events: the raw captured units (a chat message, a file chunk, an OCR'd screen).

Events are primary data and live only in the encrypted index. `ref` is the stable
human-readable handle used in entry provenance (`sources:`), e.g.
`conversation:trip-2023#m12`; `dedup_key` makes capture idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

# Who wrote a message, as the importers record it: a person's name, or the role a message
# came from. A machine's side (an assistant's answer, a tool's output, a compacted summary,
# an agent's own prompts to its subagents) is recorded as one of these roles.
MACHINE_ROLES = frozenset("assistant ai bot model system tool developer summary".split())
PERSON_ROLES = frozenset("user human me".split())  # the person, named by a role
AGENT_PREFIX = "agent:"  # an agent's own prompts: agent:subagent, agent:compaction


def is_machine_author(author: str) -> bool:
    """Whether a message was written by a machine (an assistant, a tool, an agent)."""
    role = author.strip().casefold()
    return role in MACHINE_ROLES or role.startswith(AGENT_PREFIX)


def is_role_author(author: str) -> bool:
    """Whether an author names a role rather than someone ("user", "assistant", "agent:...")."""
    return is_machine_author(author) or author.strip().casefold() in PERSON_ROLES


@dataclass(frozen=True)
class EventDraft:
    """An event as a capture source or importer produces it, before it is stored."""

    source: str  # source kind: conversation, file, screen, agent ...
    text: str
    uri: str = ""  # where it came from: a file path, an export file, a URL
    conversation: str = ""  # conversation/session/thread id the source gave
    message_id: str = ""  # the source's own id for this unit (message id, chunk range)
    author: str = ""  # speaker / role
    timestamp: datetime | None = None
    title: str = ""  # conversation or document title, when the source has one
    trust: str = "trusted"  # "untrusted" for screens, web pages, files
    meta: dict[str, object] = field(default_factory=dict)
    # A snapshot of what a view shows (a window, for the screen source): consecutive
    # snapshots of one view with nearly the same text become one event with a time span
    # (amber/snapshots.py). Empty for messages, which are never merged.
    view: str = ""

    @property
    def ref(self) -> str:
        where = self.conversation or self.uri
        return f"{self.source}:{where}#{self.message_id}" if self.message_id else ""

    @property
    def dedup_key(self) -> str:
        """Same message from the same place = same key, so re-imports add nothing."""
        if self.message_id:
            basis = f"{self.source}\x1f{self.conversation or self.uri}\x1f{self.message_id}"
        else:
            basis = f"{self.source}\x1f{self.uri}\x1f{self.text}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Event:
    """A stored event."""

    id: str
    ref: str
    source: str
    uri: str
    conversation: str
    message_id: str
    author: str
    timestamp: str | None  # ISO 8601, UTC
    title: str
    text: str
    trust: str
    captured_at: str
