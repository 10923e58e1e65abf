"""Built-in importers, registered through the same pluggy hook as third-party plugins.

Detection (`amber import conversation FILE` without `--format`) asks each importer in the
order registered here: the specific formats first, Amber's own generic format last,
because a chat export may quote a generic-looking ``"messages":`` inside its text.
"""

from __future__ import annotations

from collections.abc import Callable

from amber.plugins.importers.chatgpt import ChatGPTImporter
from amber.plugins.importers.claude_ai import ClaudeAIImporter
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.codex import CodexImporter
from amber.plugins.importers.conversation import GenericConversationImporter
from amber.plugins.importers.prompt_history import ClaudeHistoryImporter, CodexHistoryImporter
from amber.plugins.importers.shell import (
    BashHistoryImporter,
    FishHistoryImporter,
    ZshHistoryImporter,
)
from amber.pluginspec import Importer, hookimpl

__all__ = [
    "BashHistoryImporter",
    "ChatGPTImporter",
    "ClaudeAIImporter",
    "ClaudeCodeImporter",
    "ClaudeHistoryImporter",
    "CodexHistoryImporter",
    "CodexImporter",
    "FishHistoryImporter",
    "GenericConversationImporter",
    "ZshHistoryImporter",
    "register_importers",
]


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    for importer in (
        ChatGPTImporter(),
        ClaudeAIImporter(),
        ClaudeHistoryImporter(),  # before Claude Code: its lines may name a sessionId too
        CodexHistoryImporter(),
        ClaudeCodeImporter(),
        CodexImporter(),
        BashHistoryImporter(),
        ZshHistoryImporter(),
        FishHistoryImporter(),
        GenericConversationImporter(),
    ):
        register(importer)
