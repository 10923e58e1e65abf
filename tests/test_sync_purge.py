"""`amber forget --purge-history`: a forgotten entry's text out of every object of the
local repository; sync refuses to mix the old history back in, here and on other devices,
until each has taken the new one."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.sync import GIT, all_objects, bare_remote, device, new_device, recalls, sync

from amber.sync.engine import RewrittenHistoryError

Run = Callable[..., subprocess.CompletedProcess[str]]
SECRET = "My bank PIN hint is the birthday of Mittens the cat"


def _git(home: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(home / "tree"), *args], check=True, capture_output=True)


def _holds(repository: Path, *needles: str) -> list[str]:
    objects = all_objects(repository)
    return [n for n in needles if n.encode() in objects]


def test_a_purge_leaves_no_object_holding_the_entry(tmp_path: Path, amber_cli: Run) -> None:
    remote = bare_remote(tmp_path)
    a = new_device(tmp_path, "a", remote)
    b = new_device(tmp_path, "b", remote)
    with device(a) as service:
        secret = service.remember(SECRET, path="private")
        kept = service.remember("The dentist is Dr. Ortiz on Tuesdays", path="private")
        service.refresh_contexts("private")  # a context.md that links the entry
    sync(a, b)
    with device(a) as service:
        service.update(secret.id, body=SECRET + ", and the PIN ends in 7")  # two versions
        path = service.get(secret.id).entry.path
    sync(a, b)
    name = path.rsplit("/", 1)[-1]
    assert _holds(a / "tree", "Mittens", name) == ["Mittens", name]

    done = amber_cli(
        "forget", secret.id, "--purge-history", "--yes", "--json", env_extra={"AMBER_HOME": str(a)}
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["paths"] == [path] and "push --force" in report["next"][0]
    assert _holds(a / "tree", "Mittens", name) == []  # text, file name, context line, messages
    assert _holds(remote, "Mittens") == ["Mittens"]  # the remote keeps it until force-pushed
    assert recalls(a, "dentist ortiz", "entry") and not recalls(a, "mittens", "entry")
    with device(a) as service:
        assert service.get(kept.id).entry.path.startswith("private/")
        with pytest.raises(RewrittenHistoryError, match="push --force"):
            service.sync()

    _git(a, "push", "--force", "origin", "main")
    subprocess.run(["git", "-C", str(remote), "gc", "-q", "--prune=now"], check=True)
    sync(a)  # the remote holds the new history: sync goes on
    assert _holds(remote, "Mittens", name) == []

    with device(b) as service, pytest.raises(RewrittenHistoryError, match="reset --hard"):
        service.sync()  # its old history would push the text back
    assert _holds(remote, "Mittens") == []
    for step in (
        ["fetch", "-q", "origin"],
        ["reset", "-q", "--hard", "origin/main"],
        ["reflog", "expire", "--expire=now", "--all"],
        ["gc", "-q", "--prune=now"],
    ):
        _git(b, *step)
    sync(b, a)
    assert _holds(b / "tree", "Mittens", name) == []
    assert not recalls(b, "mittens", "entry") and recalls(b, "dentist ortiz", "entry")
    assert _holds(remote, "Mittens") == []


def test_a_purge_of_an_entry_still_in_the_tree_or_never_there_is_refused(
    tmp_path: Path, amber_cli: Run
) -> None:
    home = new_device(tmp_path, "a", None)
    env = {"AMBER_HOME": str(home)}
    with device(home) as service:
        entry = service.remember("Locker 12 at the gym", path="misc")
    sync(home)
    unknown = amber_cli(
        "forget", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "--purge-history", "--yes", env_extra=env
    )
    assert unknown.returncode == 4 and "nothing to purge" in unknown.stderr
    events = amber_cli("forget", "--match", "gym", "--purge-history", "--yes", env_extra=env)
    assert events.returncode == 2 and "one entry" in events.stderr
    done = amber_cli("forget", entry.id, "--purge-history", "--yes", env_extra=env)
    assert done.returncode == 0, done.stderr
    assert "no remote" in done.stdout
    assert _holds(home / "tree", "Locker 12") == []
    sync(home)  # no remote: nothing waits for a push
