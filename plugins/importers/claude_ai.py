"""The Claude.ai data export: ``conversations.json``, alone or inside the export zip.

A conversation is ``{uuid, name, created_at, chat_messages: [...]}``; a message has
``uuid``, ``sender`` (``human`` / ``assistant``), ``created_at``, and its text either as
``content`` blocks (``text``, ``thinking``, ``tool_use``, ``tool_result``) or, in older
exports, only as ``text``. Attachments bring the text Claude extracted from the file.

Each message becomes an event with its uuid and sender; a tool use and its result (web
search, artifacts) become one more event, paired by id, or by order where the export
gives no ids. When messages name their parent and the conversation its current leaf,
only the branch that leads to that leaf is read. Thinking blocks are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import ReadReport, Thread, kind_of, make_draft, text_of, to_utc
from amber.plugins.importers.exports import ExportImporter, export_head
from amber.plugins.importers.toolcalls import (
    ToolCall,
    call_text,
    cut,
    orphan_text,
    render_output,
    tool_draft,
)
from amber.pluginspec import EventDraft

SOURCE = "claude"


class ClaudeAIImporter(ExportImporter):
    name = "claude"
    description = "Claude.ai data export (conversations.json or the export zip)"
    source = SOURCE
    messages_key = "chat_messages"
    missing = 'no "chat_messages" list'
    id_keys = ("uuid",)
    title_key = "name"
    other_export = ("mapping", "this is a ChatGPT export, not Claude", "use --format chatgpt")

    def detect(self, path: Path) -> bool:
        head = export_head(path)
        return head[:1] in (b"[", b"{") and b'"chat_messages"' in head

    def messages(
        self, conv: dict[str, Any], messages: Any, thread: Thread, where: str, report: ReadReport
    ) -> Iterator[EventDraft]:
        for n, msg in enumerate(_branch(conv, messages, report)):
            at = f"{where}.chat_messages[{n}]"
            if not isinstance(msg, dict):
                report.skip(at, f"a message must be an object, got {kind_of(msg)}")
                continue
            yield from _MessageReader(msg, n, thread, at, report).drafts()


def _branch(conv: dict[str, Any], messages: list[Any], report: ReadReport) -> list[Any]:
    """The messages on the path to the current leaf, when the export records the tree."""
    leaf = text_of(conv.get("current_leaf_message_uuid"))
    by_id = {text_of(m.get("uuid")): m for m in messages if isinstance(m, dict)}
    by_id.pop("", None)  # ids that are missing or not text cannot be followed
    if leaf not in by_id or not any("parent_message_uuid" in m for m in by_id.values()):
        return messages
    chain: list[Any] = []
    node: Any = by_id.get(leaf)
    while isinstance(node, dict) and len(chain) <= len(messages):
        chain.append(node)
        node = by_id.get(text_of(node.get("parent_message_uuid")))
    report.ignored["messages on other branches"] += len(messages) - len(chain)
    return chain[::-1]


class _MessageReader:
    """The events of one chat message: its text, then one per tool use."""

    def __init__(self, msg: dict[str, Any], n: int, thread: Thread, where: str, report: ReadReport):
        self.msg = msg
        self.thread = thread
        self.where = where
        self.report = report
        self.uuid = text_of(msg.get("uuid")) or f"idx-{n}"
        self.sender = text_of(msg.get("sender"))
        self.when = to_utc(msg.get("created_at"))
        self.calls: list[ToolCall] = []
        self.tools: list[EventDraft] = []

    def drafts(self) -> list[EventDraft]:
        blocks = self.msg.get("content")
        texts = self._blocks(blocks) if isinstance(blocks, list) and blocks else []
        if not any(t.strip() for t in texts):
            texts = [text_of(self.msg.get("text"))]  # the older, text-only shape
        texts += self._attachment_lines()
        for call in self.calls:  # uses whose result the export does not hold
            self._tool_event(call, None, False)
        text = "\n\n".join(t for t in texts if t.strip())
        main = make_draft(
            self.thread,
            self.uuid,
            text,
            self.report,
            self.where,
            author=self.sender,
            timestamp=self.when,
        )
        return [main, *self.tools] if main else self.tools

    def _blocks(self, blocks: list[Any]) -> list[str]:
        texts: list[str] = []
        for i, block in enumerate(blocks):
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "text":
                texts.append(text_of(block.get("text")))
            elif kind == "tool_use":
                self._use(block, i)
            elif kind == "tool_result":
                self._result(block, i)
            elif kind in ("thinking", "redacted_thinking"):
                self.report.ignored["thinking"] += 1
            else:
                self.report.skip(f"{self.where}.content[{i}]", f"unknown block type {kind!r}")
        return texts

    def _use(self, block: dict[str, Any], i: int) -> None:
        call_id = text_of(block.get("id")) or f"{self.uuid}#tool-{i}"
        name = text_of(block.get("name")) or "tool"
        self.calls.append(
            ToolCall.make(call_id, name, block.get("input"), self.msg.get("created_at"))
        )

    def _result(self, block: dict[str, Any], i: int) -> None:
        wanted = text_of(block.get("tool_use_id"))
        name = text_of(block.get("name"))
        match = [c for c in self.calls if c.id == wanted] or [
            c for c in self.calls if c.name == name
        ]
        output = render_output(block.get("content"))
        is_error = block.get("is_error") is True
        if match or self.calls:
            call = (match or self.calls)[0]
            self.calls.remove(call)
            self._tool_event(call, output, is_error)
            return
        text, meta = orphan_text(output, is_error)
        self._add(f"{self.uuid}#result-{i}", text, meta)

    def _tool_event(self, call: ToolCall, output: str | None, is_error: bool) -> None:
        text, meta = call_text(call, output, is_error)
        self._add(call.id, text, meta)

    def _add(self, message_id: str, text: str, meta: dict[str, Any]) -> None:
        draft = tool_draft(self.thread, message_id, text, self.report, self.where, self.when, meta)
        if draft is not None:
            self.tools.append(draft)

    def _attachment_lines(self) -> list[str]:
        lines = []
        for item in self._list("attachments"):
            if not isinstance(item, dict):
                continue
            name = " ".join(text_of(item.get("file_name")).split()) or "file"
            extracted = cut(text_of(item.get("extracted_content"))).text
            lines.append(f"[attachment: {name}]" + (f"\n{extracted}" if extracted.strip() else ""))
        for item in self._list("files"):  # images and uploads; attachments are listed above
            name = text_of(item.get("file_name")) if isinstance(item, dict) else ""
            name = " ".join(name.split())
            if name and f"[attachment: {name}]" not in "\n".join(lines):
                lines.append(f"[file: {name}]")
        return lines

    def _list(self, key: str) -> list[Any]:
        """The message's ``key`` list; anything else is noted and read as empty."""
        value = self.msg.get(key)
        if value is None or isinstance(value, list):
            return value or []
        self.report.skip(self.where, f'"{key}" is {kind_of(value)}, not a list; left out')
        return []
