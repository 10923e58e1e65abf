"""Project pages: what coding-agent sessions teach about a repository, under
`projects/<repo>/`, for the agent that asks `search_memory` at the start of its session.

A session (a Claude Code or Codex conversation) belongs to the folder it started in: the
`cwd` of its first event (plugins/importers/claude_code.py, codex.py keep it in meta).
That folder stands for the repository, named by its last part, the folder an MCP server
started in the repository scopes its agent to (amber/mcp/scope.py): agents are started
at a repository's root, and the distiller runs no git to find one, so a session started
in a subfolder is a project of that name (a home folder or /tmp is none). Its pages, each
rebuilt from every stored event of its sessions, so a new session extends them and
forgetting a message rebuilds them without it:

- `instructions`: the user's standing instructions and preferences, newest first;
- `decisions`: decisions and their reasons, newest first;
- `commands`: shell commands that worked, most used first, with how often and when;
- `errors`: errors and the fix that followed, newest first;
- `files`: the files edited most.

Every line cites the events it stands on with a footnote (amber/distill/pages.py), all of
them: a count forgets a run with the run. A page nothing qualifies for is not written.
The session's digest (amber/distill/digest.py) stays its record of what was said.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from amber.distill.batching import event_day
from amber.distill.pages import Citations, Fact, Page, human_date
from amber.distill.project_errors import ErrorFix, error_fixes
from amber.distill.project_talk import Said, decisions, instructions
from amber.distill.project_tools import Call, read_call
from amber.events import Event
from amber.store import distill_events as queue
from amber.store.db import Database
from amber.store.distill_events import SessionEvent
from amber.tree import layout

KIND = "project"
# page: (title, entry kind, what its first line says it holds)
PAGES = {
    "instructions": ("Instructions", "preference", "Standing instructions and preferences"),
    "decisions": ("Decisions", "decision", "Decisions and their reasons"),
    "commands": ("Commands", "procedure", "Shell commands that worked"),
    "errors": ("Errors", "procedure", "Errors and the fix that followed"),
    "files": ("Files", "project", "Files edited"),
}
ORDER = {"commands": "most used first", "files": "most edited first"}  # else newest first
MAX_LINES = {"instructions": 40, "decisions": 30, "commands": 25, "errors": 20, "files": 25}
# Folders an agent may start in that are no repository: `/`, a home folder, a temp folder.
_NOT_A_PROJECT = re.compile(
    r"^(?:/|~|/root|/tmp|/var/tmp|/home/[^/]+|/Users/[^/]+|[A-Za-z]:\\Users\\[^\\]+)$"
)
Session = list[SessionEvent]


def root_of(cwd: str) -> str:
    """The project folder a session's working folder stands for; "" when none."""
    root = cwd.strip().rstrip("/\\") or cwd.strip()
    return "" if not root or _NOT_A_PROJECT.match(root) else root


def project_key(root: str) -> str:
    return f"{KIND}:{root}"


def page_key(root: str, page: str) -> str:
    return f"{project_key(root)}#{page}"


def whole_key(key: str) -> str:
    """The project a page's key belongs to ("project:/src/app#commands" -> "project:/src/app")."""
    head, mark, page = key.rpartition("#")
    return head if mark and page in PAGES and head.startswith(f"{KIND}:") else key


def pages_prefix(key: str) -> str:
    """What every page key of a project starts with, and no other project's key does."""
    return whole_key(key) + "#"


def name_of(root: str) -> str:
    return re.split(r"[\\/]", root)[-1] or root


class Projects:
    """Project keys for events and project pages for keys, over one index (the folder
    each session started in cached)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cwd: Callable[[str, str], str] = lru_cache(maxsize=1024)(self._session_cwd)

    def _session_cwd(self, source: str, conversation: str) -> str:
        return queue.session_cwd(self.db, source, conversation)

    def keys(self, events: Iterable[Event]) -> list[str]:
        """The projects whose sessions these events are part of."""
        threads = dict.fromkeys((e.source, e.conversation) for e in events if e.conversation)
        roots = (root_of(self._cwd(source, conversation)) for source, conversation in threads)
        return list(dict.fromkeys(project_key(root) for root in roots if root))

    def build(self, key: str, leave_out: frozenset[str]) -> list[Page]:
        """Every page of the project `key` names, from its sessions' stored events."""
        root = key.split(":", 1)[1]
        sessions = []
        for source, conversation in queue.sessions_in(self.db, [root, root + "/"]):
            if root_of(self._cwd(source, conversation)) == root:
                items = queue.session_events(self.db, source, conversation)
                kept = [i for i in items if i.event.id not in leave_out]
                sessions += [kept] if kept else []
        sessions.sort(key=lambda s: (_when(s[0].event), s[0].event.id))
        return build_pages(root, sessions)


def build_pages(root: str, sessions: list[Session]) -> list[Page]:
    """The project's pages from its sessions (oldest first); those nothing qualifies for
    are left out."""
    said = [i.event for items in sessions for i in items]
    calls = (read_call(i, root) for items in sessions for i in items)
    worked = [c for c in calls if c is not None and c.outcome == "ok"]
    pages = [
        _said_page("instructions", root, [x for e in said for x in instructions(e)]),
        _said_page("decisions", root, [x for e in said for x in decisions(e)]),
        _counted_page("commands", root, [(c.command, c) for c in worked if c.ran], "run"),
        _errors_page(root, [f for items in sessions for f in error_fixes(items, root)]),
        _counted_page("files", root, [(f, c) for c in worked for f in c.files], "edit"),
    ]
    return [p for p in pages if p is not None]


def _when(event: Event) -> str:
    return event.timestamp or event.captured_at


class _Group:
    """Lines that say the same thing: how it was last worded, and every event behind it."""

    def __init__(self) -> None:
        self.text = ""
        self.events: list[Event] = []
        self.last: Event | None = None

    def add(self, text: str, event: Event) -> None:
        self.events.append(event)
        if self.last is None or (_when(event), event.id) >= (_when(self.last), self.last.id):
            self.text, self.last = text, event

    @property
    def latest(self) -> tuple[str, str]:
        assert self.last is not None
        return _when(self.last), self.last.id


def _grouped(items: Iterable[tuple[str, Event]], same: Callable[[str], str]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for text, event in items:
        groups.setdefault(same(text), _Group()).add(text, event)
    return list(groups.values())


class _Lines:
    """A page's lines as they are written, each citing its events with a footnote."""

    def __init__(self) -> None:
        self.citations = Citations()
        self.lines: list[str] = []
        self.facts: list[Fact] = []
        self.events: dict[Event, None] = {}

    def add(self, line: str, events: list[Event], fact: Fact) -> None:
        self.lines.append(f"{line}{self.citations.mark(events)}")
        self.facts.append(fact)
        self.events.update(dict.fromkeys(events))


def _said_page(page: str, root: str, said: list[Said]) -> Page | None:
    who = {(s.text, s.event.id): s.who for s in said}
    groups = _grouped(((s.text, s.event) for s in said), _same_words)
    groups.sort(key=lambda g: g.latest, reverse=True)
    out = _Lines()
    for group in groups[: MAX_LINES[page]]:
        assert group.last is not None
        by = f", {who[(group.text, group.last.id)]}" if page == "decisions" else ""
        times = f" (said {len(group.events)} times)" if len(group.events) > 1 else ""
        day = human_date(event_day(group.last))
        fact = Fact(group.text, group.text, group.last)
        out.add(f"- {day}{by}: {group.text}{times}", group.events, fact)
    return _page(page, root, out)


def _counted_page(page: str, root: str, found: list[tuple[str, Call]], unit: str) -> Page | None:
    groups = _grouped(((text, c.event) for text, c in found), str)
    groups.sort(key=lambda g: g.latest, reverse=True)  # then, stably, the most used first
    groups.sort(key=lambda g: len(g.events), reverse=True)
    out = _Lines()
    for group in groups[: MAX_LINES[page]]:
        assert group.last is not None
        count = f"{len(group.events)} {unit}{'s' if len(group.events) != 1 else ''}"
        shown = _code(group.text)
        line = f"- {shown}: {count}, last {human_date(event_day(group.last))}"
        out.add(line, group.events, Fact(shown, group.text, group.last))
    return _page(page, root, out)


def _errors_page(root: str, fixes: list[ErrorFix]) -> Page | None:
    """The latest fix of each error (the same line but for its numbers), newest first."""
    latest: dict[str, ErrorFix] = {}
    seen: dict[str, list[Event]] = {}
    for fix in sorted(fixes, key=lambda f: (_when(f.error), f.error.id)):
        same = re.sub(r"\d+", "#", _same_words(fix.line))
        latest[same] = fix
        seen.setdefault(same, []).append(fix.error)
    newest = sorted(latest.items(), key=lambda i: (_when(i[1].error), i[1].error.id), reverse=True)
    out = _Lines()
    for same, fix in newest[: MAX_LINES["errors"]]:
        what = f"{_code(fix.command)} failed" if fix.command else "the user pasted"
        error = f"{what}: {_code(fix.line)}"
        times = f" ({len(seen[same])} times)" if len(seen[same]) > 1 else ""
        day = human_date(event_day(fix.error))
        out.add(f"- {day}: {error}{times}", seen[same], Fact(error, fix.line, fix.error))
        fixed_by = list(fix.fixed_by)
        out.add(f"  - Fix: {fix.fix}", fixed_by, Fact(fix.fix, fix.fix, fixed_by[0]))
    return _page("errors", root, out)


def _page(page: str, root: str, out: _Lines) -> Page | None:
    if not out.lines:
        return None
    title, kind, about = PAGES[page]
    name = name_of(root)
    order = ORDER.get(page, "newest first")
    body = f"{about} in {name} (`{root}`), {order}.\n\n" + "\n".join(out.lines) + "\n"
    return Page(
        key=page_key(root, page),
        title=title,
        kind=kind,
        folder=f"projects/{layout.folder_name(name)}",
        body=body + out.citations.footer(),
        events=list(out.events),
        tags=[layout.slugify(name), page],
        facts=out.facts,
    )


def _same_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _code(text: str) -> str:
    """Text as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"
