"""The title of a Claude Code session, and who wrote a prompt that is not the user's.

A session's title is, from strongest to weakest: the user's own name for it (the last
``custom-title`` record, written by ``/rename``), the first prompt the user typed, a slash
command typed with its arguments (``/review 42``), a bare slash command (``/init``). Prompts
written by Claude Code itself never title a session: a subagent's task (records of a
sidechain, in ``agent-<id>.jsonl``) and the compaction agent's instructions
(``agent-acompact-<id>.jsonl``, or text opening with its boilerplate).

``scan_title`` reads ahead in a transcript for the title before its events are made, so a
rename at the end of the file, or a first real prompt after a bare command, titles every
event of the session alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import first_line, text_of

CUSTOM, PROMPT, COMMAND = "custom", "prompt", "command"
_RANK = {"": 0, COMMAND: 1, PROMPT: 2, CUSTOM: 3}
SUBAGENT = "agent:subagent"
COMPACTION = "agent:compaction"
# The opening of the instructions Claude Code gives the agent that compacts a session.
_COMPACTION_OPENINGS = (
    "Your task is to create a detailed summary of the conversation so far",
    "CRITICAL: Respond with TEXT ONLY",
)
_COMMAND = re.compile(r"<command-name>\s*(.*?)\s*</command-name>", re.S)
_ARGS = re.compile(r"<command-args>\s*(.*?)\s*</command-args>", re.S)
_COMMAND_TAGS = ("<command-name>", "<command-message>")
NOISE_PREFIXES = ("<local-command-stdout>", "<local-command-stderr>", "[Request interrupted")
MAX_SCAN_LINES = 2000  # looking for the first prompt stops here; a rename is looked for to the end


def stronger(kind: str, than: str) -> bool:
    """Whether a title of ``kind`` replaces one of kind ``than`` (a rename always does)."""
    return kind == CUSTOM or _RANK[kind] > _RANK[than]


def command_text(text: str) -> tuple[str, bool] | None:
    """A slash command as typed (``/review 42``) and whether it had arguments; None when
    the text is not a command."""
    if not text.lstrip().startswith(_COMMAND_TAGS):
        return None
    command = _COMMAND.search(text)
    if command is None:
        return None
    args = _ARGS.search(text)
    arguments = args.group(1) if args else ""
    return f"{command.group(1)} {arguments}".strip(), bool(arguments.strip())


def agent_author(record: dict[str, Any], path: Path, text: str) -> str:
    """``agent:compaction`` or ``agent:subagent`` when Claude Code, not the user, wrote
    this prompt; "" for the user's own."""
    sidechain = record.get("isSidechain") is True or path.name.startswith("agent-")
    compacting = text_of(record.get("agentId")).startswith("acompact")
    if sidechain and (compacting or path.name.startswith("agent-acompact")):
        return COMPACTION
    if text.lstrip().startswith(_COMPACTION_OPENINGS):
        return COMPACTION
    return SUBAGENT if sidechain else ""


def prompt_title(record: dict[str, Any], path: Path, text: str) -> tuple[str, str]:
    """(title, kind) that a user record with ``text`` offers; ("", "") for none."""
    if record.get("isMeta") or record.get("isCompactSummary") or not text.strip():
        return "", ""
    if agent_author(record, path, text) or text.lstrip().startswith(NOISE_PREFIXES):
        return "", ""
    command = command_text(text)
    if command is not None:
        typed, has_args = command
        return typed, PROMPT if has_args else COMMAND
    return first_line(text), PROMPT


def custom_title(record: dict[str, Any]) -> str:
    """The name a ``custom-title`` record gives the session ("" if none)."""
    return " ".join(text_of(record.get("customTitle")).split())


def scan_title(path: Path) -> tuple[str, str]:
    """(title, kind) of the whole transcript as far as it is written; ("", "") if none."""
    title, kind = "", ""
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle):
                if b'"custom-title"' in line:
                    record = _record(line)
                    if record.get("type") == "custom-title" and custom_title(record):
                        title, kind = custom_title(record), CUSTOM
                elif _RANK[kind] < _RANK[PROMPT] and number < MAX_SCAN_LINES:
                    offered = _offered(line, path)
                    if offered[0] and stronger(offered[1], kind):
                        title, kind = offered
    except OSError:
        return "", ""  # the read proper reports it
    return title, kind


def _offered(line: bytes, path: Path) -> tuple[str, str]:
    if b'"user"' not in line and b'"queued_command"' not in line:
        return "", ""
    record = _record(line)
    return prompt_title(record, path, record_prompt(record))


def record_prompt(record: dict[str, Any]) -> str:
    """The text a person could have typed in a user record or a queued prompt ("" if none)."""
    if record.get("type") == "attachment":
        return queued_prompt(record)
    if record.get("type") != "user":
        return ""
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [text_of(b.get("text")) for b in content if isinstance(b, dict)]
    return "\n\n".join(t for t in texts if t.strip())


def queued_prompt(record: dict[str, Any]) -> str:
    """A prompt typed while the agent was busy (an ``attachment`` of type
    ``queued_command`` in prompt mode, from a person); "" for any other attachment."""
    attachment = record.get("attachment")
    if not isinstance(attachment, dict) or attachment.get("type") != "queued_command":
        return ""
    if text_of(attachment.get("commandMode")) not in ("", "prompt"):
        return ""  # a task notification or another machine-made hand-over
    origin = attachment.get("origin")
    if isinstance(origin, dict) and text_of(origin.get("kind")) not in ("", "human"):
        return ""
    prompt = attachment.get("prompt")
    if isinstance(prompt, list):
        texts = [text_of(b.get("text")) for b in prompt if isinstance(b, dict)]
        return "\n\n".join(t for t in texts if t.strip())
    return text_of(prompt)


def _record(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return {}
    return record if isinstance(record, dict) else {}
