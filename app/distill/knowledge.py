"""What the zero-LLM distiller writes for a set of events, and each page rebuilt from its
scope.

Conversations between people (messages whose author is a name, not a role such as
"user" or "assistant") become episodes (amber/distill/episodes.py), people pages
(amber/distill/people.py) and pages for the places, organisations and pets they name
(amber/distill/things.py); everything else becomes digests (amber/distill/digest.py).
A page is identified by its key and rebuilt from every stored event in its scope, so the
distiller, forgetting and a second run all agree on what a page holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from amber.distill import digest, episodes, people, projects, things
from amber.distill.candidate import Candidate, Evidence, event_ref
from amber.distill.candidate import Statement as CandidateStatement
from amber.distill.pages import Page
from amber.distill.rewritten import StoredRewrites
from amber.distill.statements import Context, Statement, question_of, select_statements
from amber.events import Event, is_role_author
from amber.store import distill_events as queue
from amber.store import distill_log as log_rows
from amber.store.db import Database
from amber.tree.entry import Entry


def between_people(event: Event) -> bool:
    """A message one person said to another: threads with roles ("user", "assistant") are
    digested, not turned into pages."""
    return bool(event.conversation and event.author and not is_role_author(event.author))


class Scopes:
    """Page keys for events and pages for keys, over one index (thread speakers cached).
    `leave_out`: ids of events being forgotten, read as if already gone (a question asked
    in one of them is not quoted as what a later answer was asked)."""

    def __init__(self, db: Database, leave_out: Iterable[str] = ()) -> None:
        self.db = db
        self.leave_out = frozenset(leave_out)
        self._speakers = lru_cache(maxsize=256)(self._thread_speakers)
        self._questions = lru_cache(maxsize=64)(self._thread_questions)
        self._read: dict[str, list[Statement]] = {}  # event id -> its statements, this run
        self.projects = projects.Projects(db)
        self._rewrites = StoredRewrites(db)  # what a chat model made of them, if one did

    def statements(self, event: Event) -> list[Statement]:
        """The message's statements, read once: a message is on its episode, on its
        speaker's page and on the page of everyone it names."""
        if event.id not in self._read:
            selected = select_statements(event, self.context(event))
            self._read[event.id] = self._rewrites.apply(event, selected)
        return self._read[event.id]

    def context(self, event: Event) -> Context:
        """Who takes part in the event's conversation, and what the message before it
        asked (if someone else asked something)."""
        participants = self._speakers(event.source, event.conversation)
        asked = self._questions(event.source, event.conversation).get(event.id, "")
        return Context(participants, asked)

    def _thread_speakers(self, source: str, conversation: str) -> list[str]:
        return queue.thread_authors(self.db, source, conversation)

    def _thread_questions(self, source: str, conversation: str) -> dict[str, str]:
        """Event id -> the question the message before it ended with, by someone else."""
        participants = self._speakers(source, conversation)
        asked: dict[str, str] = {}
        before: Event | None = None
        for event in self._kept(queue.thread_events(self.db, source, conversation)):
            if before is not None and before.author != event.author:
                question = question_of(before, participants)
                if question:
                    asked[event.id] = question
            before = event
        return asked

    def keys(self, events: list[Event]) -> list[str]:
        """Every page these events change, in a stable order: digests and episodes in the
        events' order, then the people they speak as or name."""
        keys: dict[str, None] = {}
        talk = [e for e in events if between_people(e)]
        for event in events:
            key = episodes.episode_key(event) if between_people(event) else digest.digest_key(event)
            keys[key] = None
        named = self._people_in(talk)
        for name in named:
            keys[people.person_key(name)] = None
        for name in self._things_in(talk, set(named)):
            keys[things.thing_key(name)] = None
        keys.update(dict.fromkeys(self.projects.keys(e for e in events if not between_people(e))))
        return list(keys)

    def _people_in(self, events: list[Event]) -> list[str]:
        named: dict[str, None] = dict.fromkeys(e.author for e in events)
        statements = [s for e in events for s in self.statements(e)]
        for name in people.people_named(statements):
            named[name] = None
        for name in {n for s in statements for n in s.names} - set(named):
            if log_rows.digest_entry(self.db, people.person_key(name)):
                named[name] = None  # someone with a page already, named again
        return list(named)

    def _things_in(self, events: list[Event], named: set[str]) -> list[str]:
        """Places, organisations and pets these events name, and things with a page
        already named again."""
        statements = [s for e in events for s in self.statements(e)]
        people_pages = {
            n for n in {n for s in statements for n in s.names} if self._has(people.person_key(n))
        }
        found = dict.fromkeys(things.things_named(statements, named | people_pages))
        for name in {n for s in statements for n in s.names} - set(found) - named:
            if self._has(things.thing_key(name)):
                found[name] = None
        return list(found)

    def _has(self, key: str) -> bool:
        return bool(log_rows.digest_entry(self.db, key))

    def _kept(self, events: list[Event]) -> list[Event]:
        return [e for e in events if e.id not in self.leave_out]

    def build(self, key: str) -> list[Page]:
        """The pages `key` names (a person's page comes with their topic pages), from its
        scope's stored events; [] when nothing is worth a page."""
        kind, rest = key.split(":", 1)
        if kind == projects.KIND:
            return self.projects.build(key, self.leave_out)
        if kind == "person":
            events = self._kept(queue.events_about(self.db, rest))
            return people.build_person(rest, events, self)
        if kind == "thing":
            return things.build_thing(rest, self._kept(queue.events_about(self.db, rest)), self)
        if kind == "episode":
            source, conversation, day = episodes.episode_scope(key)
            found = queue.thread_day_events(self.db, source, conversation, day)
            events = self._kept(found)
            if not events:
                return []
            return episodes.build_episode(key, events, self)
        events = self._kept(digest.scope_events(self.db, key))
        return [digest.build_digest(self.db, key, events)] if events else []

    def continued(self, page: Page, edited: Entry) -> Page | None:
        """A digest of the events `page` covers that the version a person edited does
        not cite, titled as its continuation; None when there are none."""
        cited = set(edited.provenance)
        new = [e for e in page.events if event_ref(e) not in cited and e.id not in cited]
        return digest.build_digest(self.db, page.key, new, continued=True) if new else None

    def stale(self, key: str, built: list[str]) -> list[str]:
        """Parts of an episode that a rebuild no longer makes (it has fewer statements),
        pages of a project nothing qualifies for any more."""
        if key.startswith(f"{projects.KIND}:"):
            prefix = projects.pages_prefix(key)
        elif key.startswith("episode:"):
            prefix = episodes.parts_prefix(key)
        else:
            return []
        return [k for k in log_rows.digest_keys(self.db, prefix) if k not in built]

    def page(self, key: str) -> Page | None:
        """One page as `build` makes it (an episode's part with its whole episode, a
        project's page with the project)."""
        built = self.build(projects.whole_key(episodes.whole_key(key)))
        return next((p for p in built if p.key == key), None)


def new_lines(page: Page, edited: Entry) -> Candidate | None:
    """What a rebuilt page says that the version a person edited does not, as a proposal
    for the review queue; None when nothing is new."""
    fresh = [f for f in page.facts if f.text not in edited.body]
    if not fresh:
        return None
    said = [CandidateStatement(f.text, [Evidence(f.event, f.quote)]) for f in fresh]
    return Candidate(page.title, page.kind, page.folder, said, page.valid_from)
