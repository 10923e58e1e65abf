"""A TextArea that highlights markdown, with or without tree-sitter."""

from __future__ import annotations

from textual.widgets import TextArea

from amber.tui.markdown_highlight import markdown_highlights

LIGHT_THEME = "github_light"
DARK_THEME = "vscode_dark"


def markdown_language() -> str | None:
    """ "markdown" when tree-sitter and its markdown grammar are installed (textual[syntax])."""
    from textual._tree_sitter import TREE_SITTER, get_language  # pinned Textual 8.2.8

    return "markdown" if TREE_SITTER and get_language("markdown") is not None else None


class MarkdownTextArea(TextArea):
    """Tree-sitter's markdown highlighting when installed, else `markdown_highlights`."""

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            language=markdown_language(),
            soft_wrap=True,
            tab_behavior="indent",
            **kwargs,  # type: ignore[arg-type]
        )

    def on_mount(self) -> None:
        self._follow_theme()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._follow_theme())

    def _follow_theme(self) -> None:
        # The default "css" theme styles syntax for dark backgrounds only.
        self.theme = DARK_THEME if self.app.current_theme.dark else LIGHT_THEME

    def _build_highlight_map(self) -> None:
        # A private hook of the pinned Textual: the map that TextArea renders highlights from.
        if self._highlight_query is not None:
            super()._build_highlight_map()
            return
        self._line_cache.clear()
        self._highlights.clear()
        for row, spans in markdown_highlights(list(self.document.lines)).items():
            self._highlights[row].extend(spans)
