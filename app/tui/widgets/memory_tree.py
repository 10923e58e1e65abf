"""The Context Tree as a Textual Tree: folders with counts, entries with their kind.

Folders are filled when first expanded, and a folder shows its entries a page at a time
(a "… N more" node fetches the next page), so a 10k-entry tree, or one folder of
thousands, costs only what is opened. A refresh (memory changed) rebuilds the nodes but
keeps which folders were open and where the cursor was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text, TextType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from amber.tree.layout import ARCHIVE
from amber.tui.outline import Folder, find_folder

PAGE = 250  # entries added per page: adding a tree node costs ~0.1 ms


@dataclass(frozen=True)
class TreeItem:
    kind: str  # "folder", "entry", or "more" (the next page of a folder's entries)
    key: str  # folder path or entry id
    start: int = 0  # for "more": the first entry of the page it adds
    broken: bool = field(default=False, compare=False)  # an entry whose file cannot be read


def folder_label(folder: Folder) -> Text:
    style = "dim" if folder.name == ARCHIVE else "bold"
    label = Text.assemble((folder.name, style), (f" {folder.count}", "dim"))
    if folder.description:
        label.append(f"  {folder.description}", style="dim italic")
    return label


BROKEN_MARK = "! "  # plain ASCII: a symbol's width varies between terminals


def entry_label(title: str, kind: str, problem: str | None = None) -> Text:
    if problem:  # styled when drawn (render_label), in the theme's error colour
        return Text.assemble(BROKEN_MARK, title, ("  broken", "dim"))
    return Text.assemble(title, (f"  {kind}", "dim"))


class MemoryTree(Tree[TreeItem]):
    """Domains, topics and entries. Posts Tree.NodeSelected; entries carry their id."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {*Tree.COMPONENT_CLASSES, "memory-tree--broken"}
    DEFAULT_CSS = """
    MemoryTree > .memory-tree--broken {
        color: $text-error;
        text-style: italic;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("tree", data=TreeItem("folder", ""), **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.outline: Folder | None = None
        self._filled: set[str] = set()

    def show_outline(self, outline: Folder) -> None:
        """Show a new outline, keeping open folders open and the cursor on the same item."""
        opened = {item.key for item in self._expanded_items()} if self.outline else set()
        cursor = self.cursor_node.data if self.cursor_node else None
        self.outline = outline
        self._filled.clear()
        self.clear()
        self.root.set_label(Text(f"tree {outline.count}"))
        self._fill(self.root, outline)
        self.root.expand()
        for path in sorted(opened, key=lambda p: p.count("/")):
            node = self.folder_node(path)
            if node is not None:
                self.expand_folder(node)
        if cursor is not None:
            self.select_item(cursor, scroll=False)

    def folder_node(self, path: str) -> TreeNode[TreeItem] | None:
        return self._find_node(TreeItem("folder", path))

    def entry_node(self, entry_id: str) -> TreeNode[TreeItem] | None:
        return self._find_node(TreeItem("entry", entry_id))

    def expand_folder(self, node: TreeNode[TreeItem]) -> None:
        self._ensure_filled(node)
        node.expand()

    def reveal_entry(self, path: str, entry_id: str) -> bool:
        """Open the folders above an entry (and its page) and put the cursor on it."""
        parts = path.split("/")[:-1]
        node = self.root
        for depth in range(1, len(parts) + 1):
            found = self.folder_node("/".join(parts[:depth]))
            if found is None:
                return False
            node = found
            self.expand_folder(node)
        while self.entry_node(entry_id) is None and self._next_page(node):
            pass
        return self.select_item(TreeItem("entry", entry_id))

    def process_label(self, label: TextType) -> Text:
        # Labels are built here as one-line Text; the base class would split each one.
        return label if isinstance(label, Text) else Text(str(label))

    def render_label(self, node: TreeNode[TreeItem], base_style: Style, style: Style) -> Text:
        if node.data is not None and node.data.broken:  # under the cursor's own colours
            style = self.get_component_rich_style("memory-tree--broken", partial=True) + style
        return super().render_label(node, base_style, style)

    def get_label_width(self, node: TreeNode[TreeItem]) -> int:
        # Only sets the horizontal scroll extent, which is off; the base class renders
        # every label for it, which is most of the cost of opening a large folder.
        return node.label.cell_len + 2 if isinstance(node.label, Text) else 0

    def select_item(self, item: TreeItem, scroll: bool = True) -> bool:
        node = self._find_node(item)
        if node is None:
            return False
        self._tree_lines  # noqa: B018 - lays out new nodes now (pinned Textual: lazily on idle)
        self.move_cursor(node)
        if scroll:
            self.scroll_to_node(node, animate=False)
        return True

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[TreeItem]) -> None:
        self._ensure_filled(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[TreeItem]) -> None:
        if event.node.data is not None and event.node.data.kind == "more":
            parent = event.node.parent
            if parent is not None:
                self._next_page(parent)
            event.stop()

    def _next_page(self, node: TreeNode[TreeItem]) -> bool:
        """Replace a folder's "more" node with its next page; False when there is none."""
        more = next((c for c in node.children if c.data and c.data.kind == "more"), None)
        folder = find_folder(self.outline, node.data.key) if self.outline and node.data else None
        if more is None or more.data is None or folder is None:
            return False
        start = more.data.start
        more.remove()
        self._add_entries(node, folder, start)
        return True

    def _ensure_filled(self, node: TreeNode[TreeItem]) -> None:
        item = node.data
        if item is None or item.kind != "folder" or item.key in self._filled or not self.outline:
            return
        folder = find_folder(self.outline, item.key)
        if folder is not None:
            self._fill(node, folder)

    def _fill(self, node: TreeNode[TreeItem], folder: Folder) -> None:
        self._filled.add(folder.path)
        for child in folder.sorted_folders():
            node.add(folder_label(child), TreeItem("folder", child.path))
        self._add_entries(node, folder, 0)

    def _add_entries(self, node: TreeNode[TreeItem], folder: Folder, start: int) -> None:
        rows = folder.sorted_entries()
        for row in rows[start : start + PAGE]:
            label = entry_label(row.title, row.kind, row.problem)
            node.add_leaf(label, TreeItem("entry", row.id, broken=bool(row.problem)))
        left = len(rows) - start - PAGE
        if left > 0:
            label = Text(f"… {left} more (Enter)", style="dim italic")
            node.add_leaf(label, TreeItem("more", folder.path, start + PAGE))

    def _expanded_items(self) -> list[TreeItem]:
        found: list[TreeItem] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.is_expanded and node.data is not None:
                found.append(node.data)
                stack.extend(node.children)
        return found

    def _find_node(self, item: TreeItem) -> TreeNode[TreeItem] | None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.data == item:
                return node
            stack.extend(node.children)
        return None
