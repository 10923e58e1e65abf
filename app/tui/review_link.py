"""The review screen's view of the distiller's queue (`amber.distill.review`).

The distiller queues proposals that would change an entry a person wrote; each can be
accepted as proposed, accepted with a text the person edited, or rejected. This adapter
only translates: the queue itself decides, writes and logs (so accepting can be undone
with the distiller's own undo).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from amber.errors import AmberError
from amber.tui.protocols import ReviewItem

if TYPE_CHECKING:
    from amber.service import MemoryService
    from amber.store.review import ReviewRow

QUOTES_MAX = 8


class DistillerReview:
    def __init__(self, service: MemoryService) -> None:
        self.queue = service.review_queue()

    def pending(self) -> list[ReviewItem]:
        return [self._item(row) for row in self.queue.items("pending")]

    def accept(self, item_id: str, body: str | None = None) -> str:
        return self.queue.accept(item_id, body)

    def reject(self, item_id: str) -> object:
        return self.queue.reject(item_id)

    def _item(self, row: ReviewRow) -> ReviewItem:
        proposal: dict[str, Any] = row.proposal
        cand: dict[str, Any] = proposal.get("candidate") or {}
        statements = cand.get("statements") or []
        quotes = [str(e["quote"]) for s in statements for e in s["evidence"]]
        return ReviewItem(
            id=row.id,
            action=row.action.upper(),
            title=str(cand.get("title") or proposal.get("target_title") or "(untitled)"),
            text=self._preview(row),
            path=str(proposal.get("target_path") or cand.get("folder") or ""),
            kind=str(cand.get("kind") or "note"),
            target=row.target_id or None,
            sources=tuple(dict.fromkeys(e["event"] for s in statements for e in s["evidence"])),
            reason=row.reason,
            created=row.created,
            evidence=tuple(quotes[:QUOTES_MAX]),
        )

    def _preview(self, row: ReviewRow) -> str:
        try:
            return self.queue.preview(row.id)
        except AmberError as exc:  # its events or target are gone: say so, let them reject
            return f"(cannot show what accepting would write: {exc})"
