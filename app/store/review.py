"""SQL for the review queue: distiller proposals that touch what a person wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlcipher3

from amber.store.db import Database

COLUMNS = "id, created, status, action, target_id, reason, proposal, resolved_at, op_id"
STATUSES = ("pending", "accepted", "rejected")


@dataclass
class ReviewRow:
    id: str
    created: str
    status: str
    action: str
    target_id: str
    reason: str
    proposal: dict[str, object]
    resolved_at: str | None = None
    op_id: str | None = None


def _row(row: tuple) -> ReviewRow:
    return ReviewRow(*row[:6], json.loads(row[6]), row[7], row[8])


def add_item(conn: sqlcipher3.Connection, item: ReviewRow) -> None:
    conn.execute(
        f"INSERT INTO review_items ({COLUMNS}) VALUES (?,?,?,?,?,?,?,NULL,NULL)",
        (
            item.id,
            item.created,
            item.status,
            item.action,
            item.target_id,
            item.reason,
            json.dumps(item.proposal, ensure_ascii=False),
        ),
    )


def items(db: Database, status: str = "pending", limit: int = 100) -> list[ReviewRow]:
    where, params = ("WHERE status = ?", [status]) if status != "all" else ("", [])
    rows = db.query(
        f"SELECT {COLUMNS} FROM review_items {where} ORDER BY rowid LIMIT ?", [*params, limit]
    )
    return [_row(r) for r in rows]


def item(db: Database, item_id: str) -> ReviewRow | None:
    row = db.one(f"SELECT {COLUMNS} FROM review_items WHERE id = ?", (item_id,))
    return _row(row) if row else None


def drop_for_target(conn: sqlcipher3.Connection, entry_id: str) -> None:
    """Proposals for an entry that was forgotten: they quote it, and there is nothing left
    to change."""
    conn.execute("DELETE FROM review_items WHERE target_id = ?", (entry_id,))


def pending_for(db: Database, target_id: str, action: str) -> list[ReviewRow]:
    rows = db.query(
        f"SELECT {COLUMNS} FROM review_items WHERE target_id = ? AND action = ? "
        "AND status = 'pending' ORDER BY rowid",
        (target_id, action),
    )
    return [_row(r) for r in rows]


def drop_pending(conn: sqlcipher3.Connection, target_id: str, action: str) -> None:
    """Pending proposals a newer one replaces."""
    conn.execute(
        "DELETE FROM review_items WHERE target_id = ? AND action = ? AND status = 'pending'",
        (target_id, action),
    )


def ids_with_prefix(db: Database, prefix: str, limit: int = 5) -> list[str]:
    rows = db.query(
        "SELECT id FROM review_items WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
        (prefix, prefix + "\U0010ffff", limit),
    )
    return [r[0] for r in rows]


def proposed_before(db: Database, target_id: str, proposal_key: str) -> bool:
    """Whether the same proposal was queued before (pending, accepted or rejected), so
    distilling the same events again asks nobody twice."""
    rows = db.query("SELECT proposal FROM review_items WHERE target_id = ?", (target_id,))
    return any(json.loads(r[0]).get("key") == proposal_key for r in rows)


def resolve(
    conn: sqlcipher3.Connection, item_id: str, status: str, when: str | None, op_id: str | None
) -> None:
    conn.execute(
        "UPDATE review_items SET status = ?, resolved_at = ?, op_id = ? WHERE id = ?",
        (status, when, op_id, item_id),
    )


def pending_count(db: Database) -> int:
    row = db.one("SELECT count(*) FROM review_items WHERE status = 'pending'")
    return int(row[0]) if row else 0


def items_for_op(conn: sqlcipher3.Connection, op_id: str) -> list[str]:
    """Pending review items queued by an operation."""
    rows = conn.execute(
        "SELECT id FROM review_items "
        "WHERE status = 'pending' AND json_extract(proposal, '$.op') = ?",
        (op_id,),
    ).fetchall()
    return [r[0] for r in rows]
