"""Built-in importers, registered through the same pluggy hook as third-party plugins."""

from __future__ import annotations

from collections.abc import Callable

from amber.plugins.importers.conversation import GenericConversationImporter
from amber.pluginspec import Importer, hookimpl

__all__ = ["GenericConversationImporter", "register_importers"]


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    register(GenericConversationImporter())
