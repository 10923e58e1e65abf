"""Modal questions: confirm, move, the events behind a memory."""
