"""Browse and search: the tree (or the search results) beside the entry that is open."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Markdown, Static, Tree

from amber.errors import AmberError, NotFoundError
from amber.retrieval.hits import Hit, SourceRef
from amber.tui.blocking import off_loop
from amber.tui.dialogs.events import EventsDialog
from amber.tui.outline import Folder, build_outline
from amber.tui.screens.entry_actions import EntryActions
from amber.tui.screens.search_pane import SearchPane
from amber.tui.search_query import FILTER_HELP
from amber.tui.widgets.entry_view import LINK_SCHEME, EntryPanel
from amber.tui.widgets.memory_tree import MemoryTree, TreeItem
from amber.tui.widgets.results import ResultList
from amber.tui.widgets.search_bar import SearchBar

PREVIEW_S = 0.15  # the cursor rests this long on an entry before it is shown


class MainScreen(SearchPane, EntryActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "back", "Back", show=False),
        *EntryActions.ENTRY_BINDINGS,
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="browse")
        self._preview: Timer | None = None
        self.outline: Folder | None = None
        self._reveal: tuple[str, str] | None = None  # (path, id) to show once reloaded

    def compose(self) -> ComposeResult:
        yield Static(id="status", classes="status-line")
        yield SearchBar(id="search", compact=True)
        yield Static(FILTER_HELP, id="search-hint", classes="hint-line", markup=False)
        with Horizontal(id="body"):
            with ContentSwitcher(initial="tree", id="left"):
                yield MemoryTree(id="tree")
                yield ResultList(id="results")
            yield EntryPanel(id="entry")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(MemoryTree).focus()

    # -- loading ---------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.reload()

    def reload(self, reveal: tuple[str, str] | None = None) -> None:
        # Kept apart from the worker: a newer reload cancels an older one, not its reveal.
        self._reveal = reveal or self._reveal
        self._reload()

    @work(exclusive=True, group="reload")
    async def _reload(self) -> None:
        memory = self.memory  # folder descriptions are read from each context.md on disk
        outline = await off_loop(
            self, lambda: build_outline(memory.outline(), memory.folder_description)
        )
        self.outline = outline
        tree = self.query_one(MemoryTree)
        tree.show_outline(outline)
        if self._reveal:
            tree.reveal_entry(*self._reveal)
            self._reveal = None
        self._show_status(outline)
        panel = self.query_one(EntryPanel)
        if panel.entry is not None:
            self.open_entry(panel.entry.entry.id, quiet=True, path=panel.entry.entry.path)
        if self.query_one(SearchBar).value.strip():
            self.search_now()

    def _show_status(self, outline: Folder) -> None:
        state = getattr(self.app, "watch_state", "")
        text = Text.assemble(("Amber", "bold"), f"  {outline.count} entries")
        if state:
            text.append(f"  · {state}", style="dim")
        self.query_one("#status", Static).update(text, layout=False)

    @work(exclusive=True, group="open")
    async def open_entry(self, entry_id: str, quiet: bool = False, path: str = "") -> None:
        """Show an entry; `path` finds it again if an edit elsewhere changed its id."""
        panel = self.query_one(EntryPanel)
        data = None
        for handle in filter(None, (entry_id, path)):
            try:
                data = await off_loop(self, self.memory.get, handle)
                break
            except NotFoundError:
                continue
        if data is None and (not quiet or panel.entry is not None):
            self.notify("That entry is gone (forgotten or deleted outside).", timeout=4)
        panel.show(data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        item = event.node.data
        if item is not None and item.kind == "entry":
            self._stop_preview()
            self.open_entry(item.key)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[TreeItem]) -> None:
        """Moving through entries shows each one, once the cursor rests for a moment."""
        item = event.node.data
        self._stop_preview()
        if item is not None and item.kind == "entry":
            self._preview = self.set_timer(PREVIEW_S, lambda: self.open_entry(item.key, True))

    def _stop_preview(self) -> None:
        if self._preview is not None:
            self._preview.stop()
            self._preview = None

    @on(ResultList.Highlighted)
    def _result_highlighted(self, event: ResultList.Highlighted) -> None:
        """The highlighted entry is shown once the highlight rests (events open on Enter)."""
        self._stop_preview()
        hit = self.query_one(ResultList).highlighted_hit
        if hit is not None and hit.type == "entry":
            self._preview = self.set_timer(PREVIEW_S, lambda: self.open_entry(hit.id, True))

    @on(ResultList.Selected)
    def _result_chosen(self, event: ResultList.Selected) -> None:
        hit = self.query_one(ResultList).highlighted_hit
        if hit is not None:
            self._open_hit(hit)

    def _open_hit(self, hit: Hit) -> None:
        self._stop_preview()
        if hit.type == "entry":
            self.open_entry(hit.id)
            self._note_opened(hit)
            return
        sources = hit.sources or [SourceRef(event=hit.id, source=hit.kind, uri="")]
        self.app.push_screen(EventsDialog(hit.title, sources[:1], self.memory.get_event))

    @work(group="lifecycle")
    async def _note_opened(self, hit: Hit) -> None:
        """Opening a search result is an access: it feeds the entry's importance."""
        await off_loop(self, self.memory.note_accessed, [hit.id])

    # -- links inside entries --------------------------------------------------------------

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        if event.href.startswith(LINK_SCHEME):
            self._follow(event.href.removeprefix(LINK_SCHEME))
        else:
            self.app.open_url(event.href)

    @work(group="open")
    async def _follow(self, name: str) -> None:
        try:
            data = await off_loop(self, self.memory.get, name)
        except AmberError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.query_one(EntryPanel).show(data)

    # -- keys ------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_back(self) -> None:
        search = self.query_one(SearchBar)
        if search.value:
            search.value = ""
            self._show_tree(FILTER_HELP)
        self.query_one(MemoryTree).focus()

    def action_refresh_now(self) -> None:
        self.reload()

    def commands(self) -> Iterable[SystemCommand]:
        """This screen's actions for the command palette."""
        yield SystemCommand("Search", "Search memory as you type (/)", self.action_focus_search)
        yield SystemCommand("Edit entry", "Edit the open entry here (e)", self.action_edit)
        yield SystemCommand(
            "Edit in $EDITOR", "Open the entry in your own editor (E)", self.action_edit_external
        )
        yield SystemCommand("Move entry", "Move the open entry (m)", self.action_move)
        yield SystemCommand(
            "Forget entry", "Delete the open entry for good (d)", self.action_forget
        )
        yield SystemCommand("Events", "The events behind the open entry (v)", self.action_events)
        yield SystemCommand("Refresh", "Reload the tree and the entry (ctrl+r)", self.reload)
