"""What an agent session's tool calls say about a project: the shell commands that worked,
the files edited, and the errors a command printed or the user pasted, each with the fix
that followed.

A tool call is one event: its input, then `--- result ---` (or `--- result (error) ---`)
and its output (plugins/importers/toolcalls.py `call_text`); meta holds the tool's name,
`is_error`, Codex's `exit_code`, and `result: missing` when no result was recorded. Only
what the agent itself typed (commands, file paths) and the one line of output that names
an error are read; nothing of a call whose output reads like orders to an AI
(`flagged_as_instructions`, amber/ingest.py) is used.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from amber.events import Event
from amber.store.distill_events import SessionEvent
from amber.text import one_line

# The lines between a call's input and its output (plugins/importers/toolcalls.py).
RESULT_RULES = ("\n--- result ---\n", "\n--- result (error) ---\n")
SHELL_TOOLS = frozenset(
    "bash shell exec_command local_shell shell_command container.exec run_terminal_cmd".split()
)
EDIT_TOOLS = frozenset(
    "edit multiedit write notebookedit apply_patch str_replace_editor create_file "
    "edit_file write_file".split()
)
# Programs that look around rather than do the project's work: their runs are not
# commands worth remembering, and their exit status is an answer (grep finding nothing
# exits 1), not an error.
LOOKING = frozenset(
    "ls cat head tail less more grep rg ag ack find fd sed awk wc echo printf pwd cd which "
    "whereis type file stat tree du df env printenv true false sleep date git diff cmp sort "
    "uniq cut tr jq nl od xxd hexdump ps kill pkill mkdir rm rmdir mv cp touch chmod ln test "
    "[ open history clear man source export set unset apply_patch tee basename dirname "
    "realpath readlink".split()
)
_SETUP = frozenset({"cd", "source", ".", "export", "set", "pushd"})
INLINE = frozenset({"-c", "-e"})  # `python -c ...`, `node -e ...`: one-off scripts
COMMAND_CHARS = 200
ERROR_CHARS = 200
_ARGUMENT_LINE = re.compile(r"^[A-Za-z_]{2,40}: ")
_PATCH_FILE = re.compile(r"^\*\*\* (?:(?:Update|Add|Delete) File|Move to): (.+?)\s*$", re.M)
_PATH_ARGUMENT = re.compile(r"^(?:file_path|path|notebook_path): (.+?)\s*$", re.M)
_SEGMENTS = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
_WRAPPER_LINE = re.compile(r"^(?:Exit code: -?\d+|Wall time: .*|Output:|Process exited with .*)$")
# A line that names an error outright: `E   AssertionError: ...`, `error[E0308]: ...`,
# `fatal: ...`, `npm ERR! ...`; else a line that mentions one.
_ERROR_LINE = re.compile(
    r"^(?:E\s+)?(?:[\w.]*(?:Error|Exception):|error(?:\[\w+\])?:|fatal:|panic:|"
    r"FATAL\b|ERROR\b|npm ERR!|Traceback \(most recent call last\))"
)
_MENTION = re.compile(
    r"(?i)\b(?:error|failed|failure|fatal|cannot|can't|not found|no such|denied|refused|"
    r"timed out|undefined|unresolved)\b"
)


@dataclass(frozen=True)
class Call:
    """One tool call as a project page reads it."""

    event: Event
    command: str  # the shell command on one line; "" for other tools and scripts
    outcome: str  # "ok", "failed" or "unknown" (no result recorded)
    files: tuple[str, ...]  # what an edit wrote, relative to the project's folder
    output: str

    @property
    def ran(self) -> bool:
        """A command of the project's own work (not a look around)."""
        return bool(self.command) and not looking(self.command)

    @property
    def program(self) -> str:
        """What the command runs, past a `cd` or `source` first (`cd web && pnpm lint`)."""
        programs = [_program(s) for s in _SEGMENTS.split(self.command) if s]
        return next((p for p in programs if p not in _SETUP), "")


def read_call(item: SessionEvent, root: str) -> Call | None:
    """The call an event holds; None for a message."""
    if item.event.author != "tool":
        return None
    if item.meta.get("flagged_as_instructions"):
        # Its output reads like orders to an AI: nothing of it may become a line a later
        # agent reads as what worked in this project.
        return Call(item.event, "", "unknown", (), "")
    tool = str(item.meta.get("tool") or "")
    given, output, answered = _parts(item.event.text)
    shell = tool.casefold() in SHELL_TOOLS
    command = _command(given, tool, root) if shell else ""
    patch = shell and given.removeprefix(f"{tool}: ").startswith("apply_patch")
    edits = tool.casefold() in EDIT_TOOLS or patch
    files = _edited(given, root) if edits else ()
    outcome = _outcome(item.meta, answered)
    return Call(item.event, "" if edits else command, outcome, files, output)


def _parts(text: str) -> tuple[str, str, bool]:
    """(input, output, whether a result was recorded): split at the first rule, since the
    output may hold one too."""
    found = [(at, rule) for rule in RESULT_RULES if (at := text.find(rule)) >= 0]
    if not found:
        return text, "", False
    at, rule = min(found)
    return text[:at], text[at + len(rule) :], True


def _outcome(meta: dict[str, object], answered: bool) -> str:
    if not answered or meta.get("result") in ("missing", "without call"):
        return "unknown"
    if meta.get("is_error") or meta.get("exit_code") not in (None, 0):
        return "failed"
    return "ok"


def _command(given: str, tool: str, root: str) -> str:
    """The command line of a shell call, without a `cd` into the project's own folder;
    "" for a script over several lines (not a command to run again)."""
    head, *rest = given.split("\n")
    if not head.startswith(f"{tool}: ") or any(not _ARGUMENT_LINE.match(r) for r in rest):
        return ""
    command = one_line(head[len(tool) + 2 :])
    for folder in (root, shlex.quote(root)):
        command = command.removeprefix(f"cd {folder} && ").removeprefix(f"cd {folder}; ")
    return command if len(command) <= COMMAND_CHARS else ""


def _edited(given: str, root: str) -> tuple[str, ...]:
    found = _PATCH_FILE.findall(given)
    head = given.split("\n", 1)[0]
    if not found and ": " in head:  # `Edit: /path/to/file`, the path given first
        found = [head.split(": ", 1)[1]]
    elif not found:  # a tool whose path is not its main argument (`notebook_path: ...`)
        found = _PATH_ARGUMENT.findall(given)[:1]
    paths = (_within(p.strip(), root) for p in found)
    return tuple(dict.fromkeys(p for p in paths if p))


def _within(path: str, root: str) -> str:
    """A path relative to the project's folder; "" for one outside it."""
    if path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    if path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return ""
    return path.removeprefix("./") if path and "\n" not in path else ""


def looking(command: str) -> bool:
    """Whether every part of a command only looks around (`ls`, `rg`, `git status`) or
    runs a one-off inline script."""
    segments = [s for s in _SEGMENTS.split(command) if s]
    return all(_program(s) in LOOKING or _inline(s) for s in segments)


def _program(segment: str) -> str:
    words = _words(segment)
    while words and ("=" in words[0] or words[0] in ("sudo", "time", "nice", "command")):
        words = words[1:]
    return words[0].rsplit("/", 1)[-1] if words else ""


def _inline(segment: str) -> bool:
    words = _words(segment)
    return len(words) > 1 and words[1] in INLINE


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment)
    except ValueError:  # an unclosed quote: the words as typed will do
        return segment.split()


def error_line(output: str) -> str:
    """The line of some output that names its error: the first that says so outright,
    else the last that mentions one, else its last line."""
    lines = [one_line(x) for x in output.splitlines()]
    lines = [x for x in lines if x and not _WRAPPER_LINE.match(x)]
    named = [x for x in lines if _ERROR_LINE.match(x) and not x.startswith("Traceback")]
    mentioned = [x for x in lines if _MENTION.search(x)]
    line = (named[:1] or mentioned[-1:] or lines[-1:] or [""])[0]
    line = re.sub(r"^E\s+", "", line)
    return line if len(line) <= ERROR_CHARS else line[:ERROR_CHARS].rsplit(" ", 1)[0] + " …"


def pasted_error(text: str) -> str:
    """The error line of output a person pasted into a message; "" when there is none."""
    if not any(_ERROR_LINE.match(x.strip()) for x in text.splitlines()):
        return ""
    named = [x.strip() for x in text.splitlines() if _ERROR_LINE.match(x.strip())]
    return error_line("\n".join(x for x in named if not x.startswith("Traceback")))
