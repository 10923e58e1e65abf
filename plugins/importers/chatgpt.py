"""The ChatGPT data export: ``conversations.json``, alone or inside the export zip.

Each conversation holds its messages as a tree (``mapping``: node id -> ``{message, parent,
children}``); edits and regenerations are branches. Only the branch the user last saw is
read: from ``current_node`` up through the parents to the root, then in order. Without a
``current_node`` the most recent leaf is used.

A message keeps its id, ``author.role``, ``create_time`` and model (``metadata.model_slug``).
Left out by design: empty nodes, system prompts, messages hidden from the conversation,
and internal content (reasoning, browsing status, fetched web pages, tool errors). Tool
output that is shown (code results, quotes) is kept as ``untrusted``. The user's custom
instructions are kept once per distinct text, not once per conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from amber.plugins.importers.common import (
    ReadReport,
    Thread,
    kind_of,
    make_draft,
    short_hash,
    text_of,
    to_utc,
)
from amber.plugins.importers.exports import ExportImporter, export_head, is_zip_without_export
from amber.pluginspec import EventDraft

SOURCE = "chatgpt"
INTERNAL = frozenset(
    {"thoughts", "reasoning_recap", "tether_browsing_display", "sonic_webpage", "system_error"}
)
MAX_DEPTH = 100_000  # a longer chain of parents is taken for a loop


class ChatGPTImporter(ExportImporter):
    name = "chatgpt"
    description = "ChatGPT data export (conversations.json or the export zip)"
    source = SOURCE
    messages_key = "mapping"
    messages_type = dict
    missing = 'no "mapping" of messages'
    id_keys = ("conversation_id", "id")
    title_key = "title"
    other_export = ("chat_messages", "this is a Claude export, not ChatGPT", "use --format claude")

    def detect(self, path: Path) -> bool:
        if is_zip_without_export(path):
            return True  # claimed so that the error can say what the zip lacks
        head = export_head(path)
        return head[:1] in (b"[", b"{") and b'"mapping"' in head

    def messages(
        self, conv: dict[str, Any], mapping: Any, thread: Thread, where: str, report: ReadReport
    ) -> Iterator[EventDraft]:
        for node_id, message in _branch(conv, mapping, where, report):
            draft = _message(message, node_id, thread, f"{where} {node_id}", report)
            if draft is not None:
                yield draft


def _branch(
    conv: dict[str, Any], mapping: dict[str, Any], where: str, report: ReadReport
) -> list[tuple[str, dict[str, Any]]]:
    """(node id, message) from the root down to the current node, messages only."""
    node_id = text_of(conv.get("current_node"))
    if node_id not in mapping:
        node_id = _latest_leaf(mapping)
        report.ignored["no current_node: the latest branch was read"] += 1
    chain: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    while node_id in mapping and node_id not in seen and len(seen) < MAX_DEPTH:
        seen.add(node_id)
        node = mapping[node_id]
        if not isinstance(node, dict):
            report.skip(f"{where} {node_id}", f"a node must be an object, got {kind_of(node)}")
            break
        if isinstance(node.get("message"), dict):
            chain.append((node_id, node["message"]))
        node_id = text_of(node.get("parent"))
    if node_id in seen:
        report.skip(where, "the message tree loops back on itself; the loop was cut")
    return chain[::-1]


def _latest_leaf(mapping: dict[str, Any]) -> str:
    def created(node_id: str) -> float:
        message = mapping[node_id].get("message") if isinstance(mapping[node_id], dict) else None
        stamp = to_utc(message.get("create_time")) if isinstance(message, dict) else None
        return stamp.timestamp() if stamp else 0.0

    leaves = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("children")]
    return max(leaves or list(mapping), key=created, default="")


def _message(
    msg: dict[str, Any], node_id: str, thread: Thread, where: str, report: ReadReport
) -> EventDraft | None:
    author = msg.get("author") if isinstance(msg.get("author"), dict) else {}
    role = text_of(author.get("role"))
    content = msg.get("content") if isinstance(msg.get("content"), dict) else {}
    metadata = msg.get("metadata") if isinstance(msg.get("metadata"), dict) else {}
    kind = text_of(content.get("content_type"))
    if kind == "user_editable_context":
        return _custom_instructions(content, thread, where, report)
    reason = _left_out(role, kind, metadata)
    if reason:
        report.ignored[reason] += 1
        return None
    text = _content_text(content, kind)
    if text is None:
        report.skip(where, f"unknown content type {kind!r}; that message was left out")
        return None
    lines = [text, *_attachments(metadata)]
    return make_draft(
        thread,
        text_of(msg.get("id")) or node_id,
        "\n".join(x for x in lines if x),
        report,
        where,
        author=role,
        timestamp=to_utc(msg.get("create_time")),
        trust="untrusted" if role == "tool" else "trusted",
        meta=_meta(author, metadata, kind),
    )


def _left_out(role: str, kind: str, metadata: dict[str, Any]) -> str:
    if metadata.get("is_visually_hidden_from_conversation"):
        return "hidden message"
    if role == "system" and not metadata.get("is_user_system_message"):
        return "system prompt"
    return "internal content" if kind in INTERNAL else ""


def _content_text(content: dict[str, Any], kind: str) -> str | None:
    """The text of a message's content; None when the shape is unknown."""
    parts = content.get("parts")
    if kind in ("text", "multimodal_text") or (isinstance(parts, list) and not kind):
        return "\n".join(filter(None, map(_part_text, parts if isinstance(parts, list) else [])))
    if kind == "tether_quote":
        return "\n".join(
            filter(None, [text_of(content.get("title")), text_of(content.get("text"))])
        )
    if isinstance(content.get("text"), str):  # code, execution_output and newer text shapes
        return content["text"]
    if isinstance(parts, list):
        return "\n".join(filter(None, map(_part_text, parts)))
    return None


def _part_text(part: object) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    kind = text_of(part.get("content_type"))
    if kind == "audio_transcription" or isinstance(part.get("text"), str):
        return text_of(part.get("text"))
    if kind == "image_asset_pointer":
        meta = part.get("metadata") if isinstance(part.get("metadata"), dict) else {}
        dalle = meta.get("dalle") if isinstance(meta.get("dalle"), dict) else {}
        prompt = " ".join(text_of(dalle.get("prompt")).split())
        return f"[image: {prompt}]" if prompt else "[image]"
    return "" if kind.startswith("audio") else f"[{kind or 'attachment'}]"


def _attachments(metadata: dict[str, Any]) -> list[str]:
    items = metadata.get("attachments")
    if not isinstance(items, list):
        return []
    names = [" ".join(text_of(i.get("name")).split()) for i in items if isinstance(i, dict)]
    return [f"[attachment: {n}]" if n else "[attachment]" for n in names]


def _meta(author: dict[str, Any], metadata: dict[str, Any], kind: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if model := text_of(metadata.get("model_slug")):
        meta["model"] = model
    if (name := text_of(author.get("name"))) and text_of(author.get("role")) == "tool":
        meta["tool"] = name
    if kind not in ("text", ""):
        meta["content_type"] = kind
    return meta


def _custom_instructions(
    content: dict[str, Any], thread: Thread, where: str, report: ReadReport
) -> EventDraft | None:
    """The same instructions ride along in every conversation; store each text once."""
    profile = text_of(content.get("user_profile"))
    rules = text_of(content.get("user_instructions"))
    text = "\n\n".join(x for x in (profile, rules) if x.strip())
    own = Thread(thread.source, thread.uri, "custom-instructions", "ChatGPT custom instructions")
    return make_draft(own, short_hash(text), text, report, where, author="user")
