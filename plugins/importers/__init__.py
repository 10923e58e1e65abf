"""Built-in importers, registered through the same pluggy hook as third-party plugins.

Detection (`amber import conversation FILE` without `--format`) asks each importer in the
order registered here: the specific formats first, Amber's own generic format last,
because a chat export may quote a generic-looking ``"messages":`` inside its text.
"""

from __future__ import annotations

from collections.abc import Callable

from amber.plugins.importers.aider import AiderChatImporter, AiderInputImporter
from amber.plugins.importers.chatgpt import ChatGPTImporter
from amber.plugins.importers.claude_ai import ClaudeAIImporter
from amber.plugins.importers.claude_code import ClaudeCodeImporter
from amber.plugins.importers.codex import CodexImporter
from amber.plugins.importers.conversation import GenericConversationImporter
from amber.plugins.importers.gemini import GeminiSessionImporter
from amber.plugins.importers.gemini_checkpoint import GeminiCheckpointImporter
from amber.plugins.importers.prompt_history import ClaudeHistoryImporter, CodexHistoryImporter
from amber.plugins.importers.shell import (
    BashHistoryImporter,
    FishHistoryImporter,
    ZshHistoryImporter,
)
from amber.plugins.importers.specstory import SpecStoryImporter
from amber.pluginspec import Importer, hookimpl

__all__ = [
    "AiderChatImporter",
    "AiderInputImporter",
    "BashHistoryImporter",
    "ChatGPTImporter",
    "ClaudeAIImporter",
    "ClaudeCodeImporter",
    "ClaudeHistoryImporter",
    "CodexHistoryImporter",
    "CodexImporter",
    "FishHistoryImporter",
    "GeminiCheckpointImporter",
    "GeminiSessionImporter",
    "GenericConversationImporter",
    "SpecStoryImporter",
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
        GeminiSessionImporter(),  # before Claude Code: its first line names a sessionId too
        GeminiCheckpointImporter(),
        ClaudeCodeImporter(),
        CodexImporter(),
        AiderChatImporter(),
        AiderInputImporter(),
        SpecStoryImporter(),
        BashHistoryImporter(),
        ZshHistoryImporter(),
        FishHistoryImporter(),
        GenericConversationImporter(),
    ):
        register(importer)
