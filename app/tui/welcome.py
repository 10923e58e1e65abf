"""What an empty home shows: what Amber is, and the first things to do (keys and commands)."""

from __future__ import annotations

WELCOME_TITLE = "Welcome to Amber: your memory is empty"
WELCOME_BODY = """\
Amber keeps what you tell it, and what you import, as markdown files you can read and
edit (the Context Tree, on the left), with an encrypted index that finds them at once.
Nothing leaves this machine.

- **Add a memory**: press **a** (a title, a kind, the text), or run
  `amber remember "Dentist: Dr. Ortiz, Tuesdays"`.
- **Import** chats and agent sessions: `amber import conversation FILE` (ChatGPT,
  Claude), `amber import claude-code`, `amber import codex`, `amber import shell`.
- **Start capturing** folders, screen text and agent sessions: **s** opens the daemon
  panel, **S** there starts it (or `amber daemon start`).
- **Search** with **/**; **f1** lists every key.
"""
