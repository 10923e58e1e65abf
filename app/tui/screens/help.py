"""Every key binding, read from the screens' own binding lists so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from amber.tui.screens.daemon import DaemonScreen
from amber.tui.screens.edit import EditScreen
from amber.tui.screens.main import MainScreen
from amber.tui.screens.review import ReviewScreen
from amber.tui.screens.timeline import TimelineScreen
from amber.tui.search_query import FILTER_HELP
from amber.tui.widgets.search_bar import SearchBar

EXTRA = {
    "Everywhere": [("^p", "Command palette: every action, searchable")],
    "Browse and search": [
        ("enter", "Open the entry (tree or results) / open or close a folder"),
        ("tab", "Next pane: tree or results, entry, search"),
        ("click", "A [[link]] in the entry opens the entry it names"),
    ],
    "In the search box": [
        ("enter", "Open the highlighted result; the results take the focus (e, d, g act on it)"),
        ("escape", "Clear the search, back to the tree"),
    ],
}
SEARCH_TIPS = (
    'Search: words, exact titles and aliases, time phrases ("last may"), and filters as '
    f"name:value — {FILTER_HELP}. Example: berlin kind:fact since:2023"
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        app_bindings = type(self.app).BINDINGS
        sections: list[tuple[str, Iterable[BindingType]]] = [
            ("Everywhere", app_bindings),
            ("Browse and search", MainScreen.BINDINGS),
            ("In the search box", SearchBar.BINDINGS),
            ("Editing", EditScreen.BINDINGS),
            ("Timeline", TimelineScreen.BINDINGS),
            ("Review queue", ReviewScreen.BINDINGS),
            ("Daemon", DaemonScreen.BINDINGS),
        ]
        with Vertical(classes="dialog wide", id="help"):
            yield Static("Keys  (Esc closes)", classes="dialog-title")
            with VerticalScroll():
                for title, bindings in sections:
                    yield Static(self._table(title, bindings))
                yield Static(Text(SEARCH_TIPS, style="dim"))

    def _table(self, title: str, bindings: Iterable[BindingType]) -> Table:
        table = Table(title=title, title_justify="left", show_header=False, box=None, expand=True)
        table.add_column("key", style="bold", width=12, no_wrap=True)
        table.add_column("what", ratio=1)
        for keys, description in self._rows(bindings):
            table.add_row(keys, description)
        for keys, description in EXTRA.get(title, []):
            table.add_row(keys, description)
        return table

    def _rows(self, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
        by_action: dict[str, tuple[list[str], str]] = {}
        for binding in Binding.make_bindings(bindings):
            keys, _ = by_action.setdefault(binding.action, ([], binding.description))
            keys.append(self.app.get_key_display(binding))
        return [(" / ".join(keys), text) for keys, text in by_action.values()]

    def action_close(self) -> None:
        self.dismiss(None)
