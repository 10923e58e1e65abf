"""Errors in an agent session and the fix that followed.

An error is a command of the project's own work that failed (a look around such as `rg`
finding nothing is not one: amber/distill/project_tools.py `looking`), or error output
the user pasted. Its fix is what the agent did next, before the user spoke again: why it
failed in the assistant's words, the files it edited, and the command that then worked
(the same command run again, or one of the same program: `make report` after `make
bake-report`). A failure run again and failing again is left to the later run; an error
nothing followed is left out, since a page of unsolved errors tells the next session
nothing it can use.
"""

from __future__ import annotations

from dataclasses import dataclass

from amber.distill.project_talk import explanation, role
from amber.distill.project_tools import Call, error_line, pasted_error, read_call
from amber.events import Event
from amber.store.distill_events import SessionEvent


@dataclass(frozen=True)
class ErrorFix:
    error: Event
    command: str  # what failed; "" for an error the user pasted
    line: str  # the line that names the error
    fix: str  # the fix in words
    fixed_by: tuple[Event, ...]


class _Session:
    """A session's events, the calls among them read once."""

    def __init__(self, items: list[SessionEvent], root: str) -> None:
        self.events = [item.event for item in items]
        self.calls = [read_call(item, root) for item in items]

    def turn(self, n: int) -> list[int]:
        """The events after the n-th, up to the user's next message."""
        after = []
        for i in range(n + 1, len(self.events)):
            if role(self.events[i]) == "user":
                break
            after.append(i)
        return after

    def call(self, i: int) -> Call | None:
        return self.calls[i]


def error_fixes(items: list[SessionEvent], root: str) -> list[ErrorFix]:
    session = _Session(items, root)
    found = []
    for n, event in enumerate(session.events):
        call = session.call(n)
        if call is not None:
            fixed = _command_fix(session, n, call)
        else:
            fixed = _pasted_fix(session, n, event)
        if fixed is not None:
            found.append(fixed)
    return found


def _command_fix(session: _Session, n: int, call: Call) -> ErrorFix | None:
    if call.outcome != "failed" or not call.ran or not call.output:
        return None
    turn = session.turn(n)
    rerun = next((i for i in turn if _command(session, i) == call.command), None)
    again = session.call(rerun) if rerun is not None else None
    if again is not None and again.outcome != "ok":
        return None  # failed again: the later run is the one the fix follows
    before = [i for i in turn if rerun is None or i < rerun]
    edits = _edits(session, before)
    worked = rerun if rerun is not None else _worked(session, before, edits, call.program)
    return _pair(session, n, call.command, error_line(call.output), turn, edits, worked)


def _pasted_fix(session: _Session, n: int, event: Event) -> ErrorFix | None:
    line = pasted_error(event.text) if role(event) == "user" else ""
    if not line:
        return None
    turn = session.turn(n)
    edits = _edits(session, turn)
    worked = _worked(session, turn, edits, "") if edits else None
    return _pair(session, n, "", line, turn, edits, worked)


def _pair(
    session: _Session,
    n: int,
    command: str,
    line: str,
    turn: list[int],
    edits: list[int],
    worked: int | None,
) -> ErrorFix | None:
    said = next(((i, s) for i in turn if (s := explanation(session.events[i]))), None)
    if not line or not (said or edits or (worked is not None and command)):
        return None
    parts = [said[1]] if said else []
    files = dict.fromkeys(f for i in edits for f in _files(session, i))
    if files:
        parts.append("Edited " + ", ".join(f"`{f}`" for f in files) + ".")
    if worked is not None:
        parts.append(f"Then `{_command(session, worked)}` worked.")
    by = [said[0]] if said else []
    by += edits + ([worked] if worked is not None else [])
    events = tuple(session.events[i] for i in sorted(set(by)))
    return ErrorFix(session.events[n], command, line, " ".join(parts), events)


def _command(session: _Session, i: int) -> str:
    call = session.call(i)
    return call.command if call is not None else ""


def _files(session: _Session, i: int) -> tuple[str, ...]:
    call = session.call(i)
    return call.files if call is not None else ()


def _edits(session: _Session, among: list[int]) -> list[int]:
    return [
        i
        for i in among
        if (call := session.call(i)) is not None and call.files and call.outcome == "ok"
    ]


def _worked(session: _Session, among: list[int], edits: list[int], program: str) -> int | None:
    """The first command of the project's work that succeeded after the last edit (of the
    same program as the failed one, when one failed)."""
    start = edits[-1] if edits else -1
    for i in among:
        call = session.call(i)
        if i <= start or call is None or call.outcome != "ok" or not call.ran:
            continue
        if not program or call.program == program:
            return i
    return None
