"""Statements as a chat model rewrote them, read back for every page.

Step 2 of the distiller (amber/distill/statements.py) selects the lines a message is
worth; with a chat model they are sent to be rewritten (amber/distill/rewriting.py) and
each answer is stored by message and line (amber/store/rewrites.py). Pages read those
answers back through `StoredRewrites` whenever they are built, with a model or without
(forgetting, `--no-model`), so a page reads the same on every rebuild and no line is ever
sent to a model twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from amber.distill.statements import Statement
from amber.events import Event
from amber.store import rewrites as rewrite_rows
from amber.store.db import Database


def line_hash(text: str) -> str:
    """How a stored answer names the zero-LLM line it answers: a new reading of the
    message (its context changed) is a new line, and the model is asked about it anew."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class StoredRewrites:
    """The stored answers, applied to a message's selected statements."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.enabled = rewrite_rows.any_rows(db)  # no model ever ran: nothing to look up

    def apply(self, event: Event, statements: list[Statement]) -> list[Statement]:
        """The statements as the model left them: rewritten, or left out when it found
        that they tell nothing; the zero-LLM line wherever its answer was not used."""
        if not self.enabled or not statements:
            return statements
        answers = rewrite_rows.of_event(self.db, event.id)
        read: list[Statement] = []
        for statement in statements:
            answer = answers.get(line_hash(statement.text))
            if answer is None or answer.outcome not in ("rewritten", "dropped"):
                read.append(statement)
            elif answer.outcome == "rewritten":
                read.append(replace(statement, text=answer.text))
        return read
