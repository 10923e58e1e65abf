"""Which shell wrote a history file, from its first lines rather than its name.

People keep copies of their history under any name (``myhist.txt``, ``old_zsh.bak``), so
the content decides when the name does not: zsh's extended lines (``: <epoch>:<secs>;cmd``,
also when the oldest lines were written before EXTENDED_HISTORY was set), bash's
``#<epoch>`` lines (HISTTIMEFORMAT), fish's ``- cmd:`` entries, or else lines that read as
commands. A text that is not a history (notes, prose, JSON, a CSV) is none of them: most of
its lines must open with a command a shell runs, a path to one, or a variable assignment.
"""

from __future__ import annotations

import re

SAMPLE_LINES = 200
COMMAND_SHARE = 0.8  # of the sampled lines that must read as commands (or stamps)
_ZSH = re.compile(r": *\d+:\d+;")
_BASH_STAMP = re.compile(r"#\d{9,11}\s*$")
_FISH = re.compile(r"- cmd: ")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PATHLIKE = ("./", "../", "/", "~/", "$")
# Commands common enough to recognise a history by; a history of nothing else is rare.
COMMANDS = frozenset(
    """
    alias apt apt-get awk bash bat bg brew bun bundle bunx cargo cat cd chmod chown clear cmake
    code composer conda cp crontab curl cut date deno df diff dig dirs dnf docker du echo emacs
    env exit export fd fg file find fish flatpak fzf gcc gh git go gradle grep gunzip gzip head
    helm history hostname htop http ifconfig ip java javac jobs jq just kill killall kubectl less
    ln ls lsof make man mkdir more mv mvn mysql nano nc node npm npx nvim nvm open pacman passwd
    patch pg_dump ping pip pip3 pipenv pipx pnpm podman poetry popd printf ps psql pushd pwd
    pyenv pytest python python3 rails rake rg rm rmdir rsync ruby rustc rustup scp screen sed
    service set sh snap sort source ssh ssh-add ssh-keygen stat sudo su systemctl tail tar tee
    terraform test tig time tmux top touch tr tree type ulimit umount uname uniq unset unzip
    uptime uv vagrant vi vim watch wc wget which whoami xargs yarn yay yum zip zsh
    for while until if then else elif fi do done case esac function select
    """.split()
)


def shell_of(head: bytes) -> str:
    """``bash``, ``zsh``, ``fish`` or "" (not a shell history) from a file's first bytes."""
    if head.lstrip().startswith((b"{", b"[", b"<")) or b"\x00" in head:
        return ""
    lines = [ln for ln in head.decode("latin-1").splitlines() if ln.strip()][:SAMPLE_LINES]
    if len(lines) > 1 and not head.endswith((b"\n", b"\r")):
        lines = lines[:-1]  # the head cut the last line short
    if not lines:
        return ""
    if any(_FISH.match(line) for line in lines[:5]):
        return "fish"
    starts = _command_starts(lines)
    commands = sum(1 for line in starts if _command_like(line))
    extended = sum(1 for line in starts if _ZSH.match(line))
    stamps = sum(1 for line in starts if _BASH_STAMP.match(line))
    needed = COMMAND_SHARE * len(starts)
    if extended and extended + commands >= needed:
        return "zsh"
    if stamps and stamps + commands >= needed:
        return "bash"
    return "bash" if starts and commands >= needed else ""


def _command_starts(lines: list[str]) -> list[str]:
    """The lines that start a command: not the inside of a loop or a continued line."""
    starts = []
    continued = False
    for line in lines:
        if not continued and not line[0].isspace():
            starts.append(line)
        continued = line.endswith("\\")
    return starts


def _command_like(line: str) -> bool:
    words = line.split()
    if not words:
        return False
    first = words[0]
    if _ASSIGNMENT.match(first) or first.startswith(_PATHLIKE):
        return True
    return first.rstrip(";&|") in COMMANDS
