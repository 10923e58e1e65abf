"""The rough edges a new user met in the CLI: typos, editors, watch, themes, --version,
exit codes, 80 columns, the passphrase asked once, folders Amber never captures."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.daemon import daemon_with
from helpers.waiting import wait_for

from amber import __version__
from amber.daemon.run import available_sources
from amber.errors import InvalidInputError
from amber.service import MemoryService
from amber.tui.search_query import parse_search

ROOT = Path(__file__).resolve().parents[1]
Run = Callable[..., subprocess.CompletedProcess[str]]


# -- a typo names the closest valid value ------------------------------------------------------


def test_a_misspelt_kind_names_the_closest_one_everywhere(home: Path) -> None:
    amber("remember", "Caroline moved to Berlin", "--kind", "fact")
    code, out, err = amber("recall", "Caroline", "--kind", "facts")
    assert code == 2
    assert out == ""
    assert "'facts' is not a kind (did you mean 'fact'?)" in err
    assert "preference" in err  # the valid kinds are listed
    with pytest.raises(InvalidInputError) as tui:
        parse_search("Caroline kind:facts")
    assert str(tui.value) in " ".join(err.split())
    code, _, err = amber("recall", "Caroline", "--channels", "lexcal")
    assert code == 2
    assert "did you mean 'lexical'?" in err
    code, _, err = amber("recall", "Caroline", "--type", "entries")
    assert code == 2
    assert "did you mean 'entry'?" in err


# -- amber edit ----------------------------------------------------------------------------------


def _frontmatter_field(path: Path, name: str) -> str:
    found = re.search(rf"^{name}: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"no {name} in {path}"
    return found.group(1)


def _script(folder: Path, name: str, body: str) -> Path:
    """A real editor for the test: a shell script that changes the file it is given."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def _remembered(home: Path, text: str) -> tuple[str, Path]:
    entry = json.loads(amber("remember", text, "--json")[1])
    return entry["id"], home / "tree" / entry["path"]


def test_an_editor_that_is_not_installed_is_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id, path = _remembered(home, "Gate code 1234")
    before = path.read_bytes()
    monkeypatch.setenv("EDITOR", "no-such-editor")
    code, _, err = amber("edit", entry_id)
    assert code == 2
    assert err.count("\n") == 1
    assert "'no-such-editor' (from $EDITOR) is not installed" in err
    assert path.read_bytes() == before
    assert not list(home.glob("edit-*.md"))


def test_a_blank_editor_falls_back_to_one_on_path(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blank $EDITOR made the command run the note itself ("permission denied")."""
    entry_id, path = _remembered(home, "Gate code 1234")
    bin_dir = tmp_path / "bin"
    _script(bin_dir, "nano", 'printf "Ring twice.\\n" >> "$1"')
    monkeypatch.setenv("PATH", str(bin_dir))  # no sensible-editor, editor or vi here
    monkeypatch.setenv("EDITOR", "  ")
    monkeypatch.setenv("VISUAL", "")
    code, _, err = amber("edit", entry_id)
    assert code == 0, err
    assert path.read_text(encoding="utf-8").endswith("Ring twice.\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = amber("edit", entry_id)
    assert code == 2
    assert "no editor found: set $EDITOR" in err


def test_edit_stamps_updated_only_when_the_text_changed(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id, path = _remembered(home, "Gate code 1234")
    created = _frontmatter_field(path, "updated")
    monkeypatch.setenv("EDITOR", "true")  # saves nothing
    code, _, err = amber("edit", entry_id)
    assert code == 0
    assert "unchanged" in err
    assert _frontmatter_field(path, "updated") == created
    time.sleep(1.1)  # `updated` counts seconds
    editor = _script(tmp_path / "bin", "ed-code", 'sed -i s/1234/9876/ "$1"')
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, err = amber("edit", entry_id)
    assert code == 0
    assert "updated" in err
    assert _frontmatter_field(path, "updated") > created
    assert json.loads(amber("recall", "9876", "--json")[1])[0]["id"] == entry_id
    assert amber("audit", "--json")[0] == 0
    assert json.loads(amber("audit", "--json")[1])[0]["action"] == "edit"


def test_an_edit_saved_elsewhere_meanwhile_keeps_both(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id, path = _remembered(home, "Gate code 1234")
    editor = _script(
        tmp_path / "bin",
        "ed-both",
        'printf "mine\\n" >> "$1"; printf "theirs\\n" >> "$OTHER_SAVE"',
    )
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("OTHER_SAVE", str(path))
    code, _, err = amber("edit", entry_id)
    assert code == 5
    assert path.read_text(encoding="utf-8").endswith("theirs\n")
    [kept] = home.glob("edit-*.md")
    assert kept.read_text(encoding="utf-8").endswith("mine\n")
    assert str(kept) in "".join(err.split())  # where the edit is, even if the line wrapped


# -- amber tui --theme, amber --version ----------------------------------------------------------


def test_an_unknown_theme_lists_the_themes(home: Path) -> None:
    code, _, err = amber("tui", "--theme", "nope")
    assert code == 2
    assert "'nope' is not a theme" in err
    assert "textual-light" in err
    code, _, err = amber("tui", "--theme", "textual-ligth")
    assert "did you mean 'textual-light'?" in err


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag(flag: str) -> None:
    code, out, _ = amber(flag)
    assert code == 0
    assert out.strip() == __version__


# -- amber watch ---------------------------------------------------------------------------------


class _Lines:
    """A subprocess's stderr, read line by line in a thread, to wait for a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        self.stream = process.stderr
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.stream:
            self._queue.put(line)

    def close(self) -> None:
        self.reader.join(timeout=10)
        self.stream.close()

    def wait_for(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {self.seen}")


def test_watch_says_what_it_watches_and_each_change_then_stops_on_ctrl_c(home: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "amber.cli", "watch"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines = _Lines(process)
    try:
        start = lines.wait_for("watching")
        assert str(home / "tree") in start
        assert "Ctrl-C" in start
        note = home / "tree" / "notes" / "plants.md"
        note.parent.mkdir(parents=True)
        note.write_text("Water the ferns on Sundays\n", encoding="utf-8")
        assert lines.wait_for("notes/plants.md").split()[1] == "added:"
        note.write_text("Water the ferns on Saturdays\n", encoding="utf-8")
        assert "updated: notes/plants.md" in lines.wait_for("updated:")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        lines.wait_for("stopped watching")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        lines.close()
    assert "Traceback" not in "".join(lines.seen)
    assert json.loads(amber("recall", "Saturdays", "--json")[1])[0]["path"] == "notes/plants.md"


# -- exit codes ----------------------------------------------------------------------------------


def _readme_exit_codes() -> set[int]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    return {int(m) for m in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}


def _exit_codes_in_code() -> set[int]:
    """Every exit code the CLI can return: errors' `exit_code`, literal exits, and 2 for a
    usage error (click's own)."""
    found = {0, 2}
    pattern = re.compile(r"exit_code = (\d+)|(?:Exit|SystemExit|sys\.exit)\((\d+)\)")
    for folder in ("app", "cli", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                found.add(int(match.group(1) or match.group(2)))
    return found


def test_the_readme_lists_every_exit_code() -> None:
    assert _readme_exit_codes() == _exit_codes_in_code()


def test_the_exit_codes_are_what_the_table_says(home: Path) -> None:
    assert amber("recall", "x", "--kind", "facts")[0] == 2
    assert amber("show", "no-such-entry")[0] == 4
    assert amber("--no-such-option")[0] == 2
    assert amber("doctor")[0] == 0


# -- 80 columns ----------------------------------------------------------------------------------


def _fits(text: str, width: int = 80) -> None:
    too_wide = [line for line in text.splitlines() if len(line) > width]
    assert not too_wide, too_wide
    assert "…" not in text  # nothing cut


def test_daemon_status_reads_at_80_columns(home: Path, amber_cli: Run) -> None:
    files = available_sources()["files"]
    with daemon_with(home, files) as daemon:
        wait_for(lambda: daemon.stats["files"].state == "waiting", "the files source to wait")
        wait_for(
            lambda: _status_sources(home).get("files", {}).get("state") == "waiting",
            "the status file to show it",
        )
        shown = amber_cli("daemon", "status", env_extra={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    _fits(shown.stdout)
    lines = shown.stdout.splitlines()
    [row] = [line for line in lines if line.startswith("files ")]
    assert row.split()[:2] == ["files", "waiting"]
    assert row.split()[-5:] == ["0", "0", "0", "0", "0"]
    detail = " ".join(shown.stdout.split("files: ", 1)[1].split())
    assert detail.startswith("no folders: set [capture.files] folders in config.toml")


def _status_sources(home: Path) -> dict[str, dict[str, object]]:
    status = home / "daemon" / "status.json"
    return json.loads(status.read_text()).get("sources", {}) if status.exists() else {}


def test_log_reads_at_80_columns(home: Path, amber_cli: Run) -> None:
    chat = ROOT / "tests" / "data" / "conversations" / "attachments.json"
    assert amber("import", "conversation", str(chat))[0] == 0
    assert amber("distill", "--no-model")[0] == 0
    [op] = json.loads(amber("log", "--json")[1])
    shown = amber_cli("log", env_extra={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    _fits(shown.stdout)
    [line] = [x for x in shown.stdout.splitlines() if x.startswith(op["id"])]
    assert line.split()[3:] == [op["action"], str(op["detail"]["events"])]
    assert op["path"] in shown.stdout


# -- the passphrase is asked once ----------------------------------------------------------------


def _take_the_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is its stdin, as a
    shell gives a command (the passphrase prompt reads /dev/tty)."""
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _when_echo_is_off(master: int) -> None:
    import termios

    end = time.monotonic() + 10
    while termios.tcgetattr(master)[3] & termios.ECHO and time.monotonic() < end:
        time.sleep(0.01)


def _in_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str, int]:
    """Run `amber ARGS` with a pseudo-terminal as its terminal, typing `answer` at every
    passphrase prompt: (exit code, what it showed, how many prompts)."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "amber.cli", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        preexec_fn=_take_the_terminal,
    )
    os.close(slave)
    shown, prompts = b"", 0
    end = time.monotonic() + 60
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal closed: the command is done
                break
            shown += data
            if shown.count(b"passphrase:") > prompts:
                prompts += 1
                _when_echo_is_off(master)  # typed earlier, the prompt would discard it
                os.write(master, answer.encode() + b"\n")
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=30), shown.decode(errors="replace"), prompts


def test_a_screenshot_asks_for_the_passphrase_once(service: MemoryService, tmp_path: Path) -> None:
    from helpers.events import store_events
    from PIL import Image

    from amber.events import EventDraft
    from amber.plugins.sources.screen.vault import KEY_PURPOSE, ImageVault

    vault = ImageVault(
        service.home.config.home / "screens",
        service.derived_key(f"screen:{KEY_PURPOSE}"),
        retention_days=1,
    )
    name = vault.store(Image.new("RGB", (8, 6), "white"), datetime.now(UTC), "f1")
    store_events(service, [EventDraft("screen", "a window", uri="screen:1", meta={"image": name})])
    event_id = service.db.one("SELECT id FROM events")[0]
    out = tmp_path / "shot.png"
    env = dict(os.environ)
    passphrase = env.pop("AMBER_PASSPHRASE")  # so that it must be typed
    code, shown, prompts = _in_a_terminal(
        ["sources", "screenshot", event_id, "-o", str(out)], passphrase, env
    )
    assert code == 0, shown
    assert prompts == 1, shown
    assert out.read_bytes().startswith(b"\x89PNG")


# -- folders Amber never captures ------------------------------------------------------------------


def test_a_folder_inside_the_home_is_refused(home: Path, tmp_path: Path) -> None:
    config = (home / "config.toml").read_text(encoding="utf-8")
    for inside in (home / "tree" / "people", home, home / "tree"):
        code, _, err = amber("sources", "set", "files", "folders", json.dumps([str(inside)]))
        assert code == 2
        assert "never captured" in err
        assert (home / "config.toml").read_text(encoding="utf-8") == config
    code, _, err = amber("sources", "set", "agents", "codex_dir", json.dumps(str(home / "x")))
    assert code == 2
    assert "never captured" in err
    outside = tmp_path / "notes"
    code, _, err = amber("sources", "set", "files", "folders", json.dumps([str(outside)]))
    assert code == 0, err
    assert str(outside) in (home / "config.toml").read_text(encoding="utf-8")
