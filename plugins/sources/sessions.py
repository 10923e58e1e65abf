"""Tailing sources: coding-agent transcripts (Claude Code, Codex and its archived sessions,
Gemini CLI) and, opt-in, shell history. Aider and SpecStory keep their files inside each
project, where no fixed place can be watched: `amber import conversation` reads them.

The reading itself is the importers' incremental tailer (`amber.plugins.importers.tail`),
so a transcript captured live gives exactly what a one-shot import of it gives. Where each
file was read to is saved in the same transaction as the events it produced: after a crash
the source resumes there, and events dedup by their source ids if a batch is read twice.
Claude Code deletes old transcripts, which is why these are tailed rather than imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from amber.pluginspec import RUNNING, CaptureContext

DEFAULT_INTERVAL_S = 5.0
TailerFactory = Callable[[dict[str, object]], dict[str, Any]]


class TailSource:
    """Polls a set of tailers until the daemon stops; one checkpoint per source."""

    def __init__(
        self, name: str, description: str, default_enabled: bool, tailers: TailerFactory
    ) -> None:
        self.name = name
        self.description = description
        self.default_enabled = default_enabled
        self._tailers = tailers

    def run(self, ctx: CaptureContext) -> None:
        tailers = self._tailers(ctx.settings)
        state = ctx.progress.checkpoint()
        interval = _interval(ctx)
        ctx.set_state(RUNNING, ", ".join(tailers) or "nothing to read")
        while not ctx.stopping:
            for key, tailer in tailers.items():
                state = self._poll(ctx, key, tailer, state)
            if ctx.wait(interval):
                return

    @staticmethod
    def _poll(ctx: CaptureContext, key: str, tailer: Any, state: dict) -> dict:
        try:
            drafts, position = tailer.poll(state.get(key))
        except OSError as exc:
            ctx.error(f"{key}: {exc}")
            return state
        for where, why in tailer.skipped:
            ctx.error(f"{key}: {where}: {why}")
        if not drafts and position == state.get(key):
            return state
        after = {**state, key: position}
        save = ctx.progress.save_checkpoint(after)
        # Not queued (queue full, counted as dropped): keep the old position, read it again.
        return after if ctx.emit(drafts, checkpoint=save) else state


def _interval(ctx: CaptureContext) -> float:
    value = ctx.settings.get("interval_s", DEFAULT_INTERVAL_S)
    try:
        return max(0.05, float(str(value)))
    except ValueError:
        ctx.error(f"interval_s must be a number of seconds, not {value!r}; using 5")
        return DEFAULT_INTERVAL_S


def _folder(settings: dict[str, object], key: str, default: Callable[[], Path]) -> Path:
    value = settings.get(key)
    return Path(str(value)).expanduser() if value else default()


def agent_tailers(settings: dict[str, object]) -> dict[str, Any]:
    from amber.plugins.importers import claude_code, codex, gemini, tail, whole_files

    return {
        "claude-code": tail.claude_code_tailer(
            _folder(settings, "claude_code_dir", claude_code.default_dir)
        ),
        "codex": tail.codex_tailer(_folder(settings, "codex_dir", codex.default_dir)),
        "codex-archived": tail.codex_archive_tailer(
            _folder(settings, "codex_archive_dir", codex.archived_dir)
        ),
        "gemini-cli": whole_files.gemini_tailer(
            _folder(settings, "gemini_dir", gemini.default_dir)
        ),
    }


def shell_tailers(settings: dict[str, object]) -> dict[str, Any]:
    from amber.plugins.importers import shell, tail

    chosen = settings.get("shells")
    if isinstance(chosen, list) and chosen:
        wanted = [str(name) for name in chosen]
    else:
        wanted = [name for name, path in shell.default_files().items() if path.exists()]
    return {f"shell-{name}": tail.shell_tailer(name) for name in wanted}


AGENT_SESSIONS = TailSource(
    "agents",
    "Claude Code, Codex CLI and Gemini CLI sessions, tailed as they are written",
    True,
    agent_tailers,
)
SHELL_HISTORY = TailSource(
    "shell",
    "bash, zsh and fish history (opt-in: `amber sources enable shell`)",
    False,
    shell_tailers,
)
