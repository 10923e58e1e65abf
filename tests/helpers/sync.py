"""Several devices in one test: each its own encrypted home, all syncing through one real
bare git repository in the test's folder."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from amber.events import EventDraft
from amber.home import init_home
from amber.service import MemoryService
from helpers.events import store_events

# git as a test runs it by hand: with an identity of its own, so that a machine without a
# global user.name / user.email (a clean CI box) can commit.
GIT = ("git", "-c", "user.name=Amber test", "-c", "user.email=test@localhost")


def bare_remote(folder: Path) -> Path:
    remote = folder / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    return remote


def new_device(folder: Path, name: str, remote: Path | None) -> Path:
    """A home named `name`, set up to sync through `remote` (and synced once)."""
    home = folder / name
    init_home(home)
    with device(home) as service:
        service.sync_init(str(remote) if remote else None, device=name)
        service.sync()
    return home


@contextmanager
def device(home: Path) -> Iterator[MemoryService]:
    with MemoryService.open(home, interface="test") as service:
        yield service


def sync(*homes: Path) -> None:
    for home in homes:
        with device(home) as service:
            service.sync()


def chat(conversation: str, *texts: str) -> list[EventDraft]:
    return [
        EventDraft(
            source="conversation",
            text=text,
            conversation=conversation,
            message_id=f"m{n}",
            author="Ana",
            timestamp=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=n),
            title=f"Chat {conversation}",
        )
        for n, text in enumerate(texts, start=1)
    ]


def capture(home: Path, drafts: list[EventDraft]) -> int:
    with device(home) as service:
        return store_events(service, drafts)


def recalls(home: Path, query: str, kind: str = "event") -> list[str]:
    """The snippets of `kind` hits for `query` on this device."""
    with device(home) as service:
        return [h.snippet for h in service.recall(query, count_access=False) if h.type == kind]


def all_objects(repository: Path) -> bytes:
    """Every object git holds in a repository, as `git cat-file --batch` prints them."""
    done = subprocess.run(
        ["git", "-C", str(repository), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True,
        check=True,
    )
    return done.stdout
