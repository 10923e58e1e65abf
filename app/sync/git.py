"""The `git` command, run in the Context Tree: the one place sync starts a subprocess.

Amber drives the real git (any remote the user's git reaches: a folder, a USB disk, SSH,
a hosting service) and never a reimplementation of it. Output is read as bytes and
decoded leniently, since file names are whatever the user chose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from amber.errors import AmberError

GIT_TIMEOUT_S = 600  # a first push of a large memory over a slow link


class GitError(AmberError):
    """A git command failed; the message holds what git said."""

    exit_code = 1


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


class Git:
    def __init__(self, root: Path, author: str = "Amber") -> None:
        self.root = root
        self.author = author
        self._identity: dict[str, str] | None = None

    def run(
        self,
        *args: str,
        check: bool = True,
        input_bytes: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        done = self.run_bytes(*args, check=check, input_bytes=input_bytes, env=env)
        return Result(done.code, done.out.decode("utf-8", "replace"), done.err)

    def run_bytes(
        self,
        *args: str,
        check: bool = True,
        input_bytes: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> _BytesResult:
        binary = shutil.which("git")
        if binary is None:
            raise GitError("git is not installed; install it (e.g. `apt install git`) to sync")
        try:
            done = subprocess.run(
                [binary, "-C", str(self.root), *args],
                input=input_bytes,
                capture_output=True,
                timeout=GIT_TIMEOUT_S,
                env={**self._env(), **(env or {})},
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]} took over {GIT_TIMEOUT_S} s and was stopped") from exc
        result = _BytesResult(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))
        if check and done.returncode != 0:
            said = (result.err.strip() or result.out.decode("utf-8", "replace").strip())[-800:]
            raise GitError(f"git {' '.join(args[:2])} failed: {said}")
        return result

    def _env(self) -> dict[str, str]:
        """Commits need a name; where the user has none configured, the device's is used.
        Git must never stop to ask (a password, an editor) in a sync nobody watches."""
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"}
        if self._identity is None:
            self._identity = self._default_identity(env)
        return {**self._identity, **env}

    def _default_identity(self, env: dict[str, str]) -> dict[str, str]:
        """The device's name as author, unless the user's git already names someone."""
        binary = shutil.which("git") or "git"
        asked = subprocess.run(
            [binary, "-C", str(self.root), "config", "user.email"],
            capture_output=True,
            env=env,
            check=False,
        )
        if asked.returncode == 0 and asked.stdout.strip():
            return {}
        names = ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")
        emails = ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")
        return {
            **dict.fromkeys(names, self.author),
            **dict.fromkeys(emails, "amber@localhost"),
        }

    def lines(self, *args: str) -> list[str]:
        return [line for line in self.run(*args).out.splitlines() if line]

    def z_paths(self, *args: str) -> list[str]:
        """Paths from a `-z` listing (names with any characters)."""
        out = self.run_bytes(*args).out
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def head(self) -> str | None:
        result = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.out.strip() or None

    def show(self, spec: str) -> bytes | None:
        """A blob (`HEAD:path`, `:2:path`), or None where there is none."""
        result = self.run_bytes("show", spec, check=False)
        return result.out if result.code == 0 else None

    def git_dir(self) -> Path:
        path = Path(self.run("rev-parse", "--git-dir").out.strip())
        return path if path.is_absolute() else self.root / path


@dataclass(frozen=True)
class _BytesResult:
    code: int
    out: bytes
    err: str
