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
from amber.reads import EntryView
from amber.retrieval.hits import Hit, SourceRef
from amber.tree.entry import Entry
from amber.tui.blocking import off_loop
from amber.tui.dialogs.add import AddMemoryDialog
from amber.tui.dialogs.events import EventsDialog
from amber.tui.dialogs.links import LinksDialog
from amber.tui.outline import Folder, build_outline
from amber.tui.screens.entry_actions import ENTRY_ACTIONS, EntryActions
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
        Binding("a", "add", "Add"),
        *EntryActions.ENTRY_BINDINGS,
        Binding("g", "links", "Follow a [[link]]", show=False),
        Binding("ctrl+r", "refresh_now", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="browse")
        self._preview: Timer | None = None
        self.outline: Folder | None = None
        self.problems: dict[str, str] = {}  # entry id -> why the index could not read it
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
        rows = await off_loop(self, memory.outline)
        outline = await off_loop(self, build_outline, rows, memory.folder_description)
        self.outline = outline
        self.problems = {row.id: row.problem for row in rows if row.problem}
        tree = self.query_one(MemoryTree)
        tree.show_outline(outline)
        if self._reveal:
            tree.reveal_entry(*self._reveal)
            self._reveal = None
        self._show_status(outline)
        panel = self.query_one(EntryPanel)
        if panel.entry is not None:
            self.open_entry(panel.entry.entry.id, quiet=True, path=panel.entry.entry.path)
        elif outline.count == 0:
            panel.show_welcome()
        elif panel.welcome:
            panel.show(None)
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
        self._show_entry(data)

    def _show_entry(self, data: EntryView | None) -> None:
        """Show an entry with what the index found wrong with its file (invalid UTF-8 is
        noticed when indexing, not when the file is read again to be shown)."""
        known = self.problems.get(data.entry.id) if data is not None else None
        read = data.entry.problem or "" if data is not None else ""
        if data is not None and known and known not in read:
            data.entry.problem = known if read in known else f"{read}; {known}"
        self.query_one(EntryPanel).show(data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        item = event.node.data
        if item is not None and item.kind == "entry":
            self._stop_preview()
            self.open_entry(item.key)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[TreeItem]) -> None:
        """Moving through entries shows each one, once the cursor rests for a moment."""
        item = event.node.data
        self._stop_preview()
        shown = self.query_one(EntryPanel).entry
        if shown is not None and item is not None and shown.entry.id == item.key:
            return  # already shown (a followed link or a new entry revealed in the tree)
        if item is not None and item.kind == "entry":
            self._preview = self.set_timer(PREVIEW_S, lambda: self.open_entry(item.key, True))

    def _stop_preview(self) -> None:
        if self._preview is not None:
            self._preview.stop()
            self._preview = None

    @on(ResultList.Highlighted)
    def _result_highlighted(self, event: ResultList.Highlighted) -> None:
        """The highlighted result, entry or event, is shown once the highlight rests."""
        self._stop_preview()
        self.refresh_bindings()  # entry keys apply to an entry result, not to an event
        hit = self.query_one(ResultList).highlighted_hit
        if hit is not None and hit.type == "entry":
            self._preview = self.set_timer(PREVIEW_S, lambda: self.open_entry(hit.id, True))
        elif hit is not None:
            self._preview = self.set_timer(PREVIEW_S, lambda: self._preview_event(hit))

    @work(exclusive=True, group="open")
    async def _preview_event(self, hit: Hit) -> None:
        event_id = hit.sources[0].event if hit.sources and hit.sources[0].event else hit.id
        try:
            event = await off_loop(self, self.memory.get_event, event_id)
        except AmberError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.query_one(EntryPanel).show_event(event)

    def _entry_result_in_focus(self) -> Hit | None:
        """The highlighted search result while the results have the focus, if an entry."""
        results = self.query_one(ResultList)
        hit = results.highlighted_hit if results.has_focus else None
        return hit if hit is not None and hit.type == "entry" else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ENTRY_ACTIONS and self._entry_result_in_focus() is not None:
            return True
        return super().check_action(action, parameters)

    async def _target(self) -> EntryView | None:
        hit = self._entry_result_in_focus()
        panel = self.query_one(EntryPanel)
        if hit is not None and (panel.entry is None or panel.entry.entry.id != hit.id):
            self._stop_preview()  # the key came before the preview: load it now
            try:
                self._show_entry(await off_loop(self, self.memory.get, hit.id))
            except AmberError as exc:
                self.notify(str(exc), severity="warning", timeout=4)
                return None
        return self._current()

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

    async def action_links(self) -> None:
        """Follow a [[link]] of the open entry: at once if it has one, else pick one."""
        data = await self._target()
        if data is None:
            return
        links = data.entry.links
        if not links:
            self.notify("This entry has no [[links]].", timeout=3, markup=False)
        elif len(links) == 1:
            self._follow(links[0])
        else:
            dialog = LinksDialog(data.entry.title, links)
            self.app.push_screen(dialog, lambda name: self._follow(name) if name else None)

    @work(group="open")
    async def _follow(self, name: str) -> None:
        try:
            data = await off_loop(self, self.memory.get, name)
        except NotFoundError:
            note = f"[[{name}]] leads nowhere: no entry has that title, alias or path."
            self.notify(note, severity="warning", timeout=5, markup=False)
            return
        except AmberError as exc:  # e.g. a name that several entries share
            self.notify(f"[[{name}]]: {exc}", severity="warning", timeout=5, markup=False)
            return
        self._show_entry(data)
        self.query_one(MemoryTree).reveal_entry(data.entry.path, data.entry.id)

    # -- adding a memory -------------------------------------------------------------------

    def action_add(self) -> None:
        def added(entry: Entry | None) -> None:
            if entry is not None:
                self.notify(f"Remembered in {entry.path}", timeout=3, markup=False)
                self.open_entry(entry.id)
                self.reload(reveal=(entry.path, entry.id))

        self.app.push_screen(AddMemoryDialog(self.memory.remember), added)

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
        yield SystemCommand("Add a memory", "Write a new entry (a)", self.action_add)
        yield SystemCommand("Follow a link", "Open a [[link]] of the entry (g)", self.action_links)
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
