"""Scopes: what an agent may read and write, and how the project is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from amber.errors import InvalidInputError
from amber.mcp.scope import Scope, ScopeError, detect_project, resolve_scope


def test_project_scope_reads_project_and_preferences_writes_project() -> None:
    scope = Scope("projects/demo")
    assert scope.readable == ("projects/demo", "preferences")
    assert scope.can_read("projects/demo/db/wal.md")
    assert scope.can_read("preferences/x.md")
    assert scope.can_read("_archive/projects/demo/old.md")
    assert not scope.can_read("projects/demo2/x.md")
    assert not scope.can_read("people/ana.md")
    assert scope.can_write("projects/demo/a.md")
    assert not scope.can_write("preferences/x.md")
    assert scope.write_folder(None) == "projects/demo"
    assert scope.write_folder("Projects/Demo/Design Notes") == "projects/demo/design_notes"
    with pytest.raises(ScopeError, match="write under projects/demo"):
        scope.write_folder("preferences")
    with pytest.raises(ScopeError, match="read under projects/demo/, preferences/"):
        scope.read_folder("people")
    assert "projects/demo/ (reads and writes)" in scope.describe()


def test_global_scope_allows_everything() -> None:
    scope = Scope()
    assert scope.is_global
    assert scope.readable == ("",)
    assert scope.can_read("people/ana.md")
    assert scope.can_write("health/x.md")
    assert scope.write_folder(None) is None  # Amber picks the folder by kind
    assert scope.read_folder("people") == "people"


def test_resolve_scope_order(tmp_path: Path) -> None:
    repo = tmp_path / "Web Shop"
    (repo / ".git").mkdir(parents=True)
    (repo / "src" / "api").mkdir(parents=True)
    assert resolve_scope(cwd=repo / "src" / "api").home == "projects/web_shop"
    assert resolve_scope("projects/other", cwd=repo).home == "projects/other"
    assert resolve_scope(global_scope=True, cwd=repo).is_global
    assert resolve_scope(cwd=tmp_path).is_global  # no repository around: whole tree
    assert resolve_scope(cwd=repo, shared=("preferences", "Team Notes")).shared == (
        "preferences",
        "team_notes",
    )
    with pytest.raises(InvalidInputError, match="either --scope or --global"):
        resolve_scope("projects/x", global_scope=True)
    with pytest.raises(InvalidInputError, match="names no folder"):
        resolve_scope("/", cwd=repo)


def test_worktree_and_dotfiles_repositories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worktree = tmp_path / "feature-x"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: /elsewhere/.git/worktrees/feature-x\n")
    assert detect_project(worktree) == "feature_x"
    home = tmp_path / "me"
    (home / ".git").mkdir(parents=True)  # dotfiles kept in git at the home folder
    (home / "notes").mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert detect_project(home / "notes") is None
