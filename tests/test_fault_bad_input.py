"""Fault injection: bad input of every kind, through the real `amber` command.

Each failure must be one clear line on stderr (no traceback) with a non-zero exit, and
nothing already stored may be lost: a memory is remembered first and must still be
recallable afterwards. Broken files in the tree are reported by `amber doctor`, left
byte for byte as they are, and never stop recall or reindex.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from amber.config import load_config
from amber.home import init_home, open_home
from amber.service import MemoryService

pytestmark = pytest.mark.integration

Cli = Callable[..., subprocess.CompletedProcess[str]]
KEEPSAKE_TOKEN = "keepsaketok7q"
KEEPSAKE_TEXT = f"Grandma's lemon cake needs three lemons and patience, {KEEPSAKE_TOKEN}"
MAX_K = 200


# --- helpers ------------------------------------------------------------------------------


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Non-zero exit, no traceback, exactly one line on stderr that says what went wrong."""
    err = result.stderr
    assert result.returncode != 0, f"expected a failure, got exit 0:\n{result.stdout}{err}"
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    message = lines[0]
    assert message.startswith("amber: "), message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), f"{fragment!r} not in: {message}"
    return message


def recall_json(amber_cli: Cli, query: str, *args: str) -> list[dict[str, object]]:
    result = amber_cli("recall", query, "--json", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def assert_keepsake(keepsake: str) -> None:
    """What was stored before the failure is still there, and still recallable."""
    with MemoryService.open(interface="test") as service:
        hits = service.recall(KEEPSAKE_TOKEN)
        assert [h.id for h in hits] == [keepsake], hits
        assert service.files.exists(hits[0].path or "")
        assert KEEPSAKE_TOKEN in service.get(keepsake).entry.body


def event_count(home: Path) -> int:
    db = open_home(home).db
    try:
        return int((db.one("SELECT count(*) FROM events") or (0,))[0])
    finally:
        db.close()


def entry_paths(home: Path) -> set[str]:
    db = open_home(home).db
    try:
        return {row[0] for row in db.query("SELECT path FROM entries")}
    finally:
        db.close()


def md_files(tree: Path) -> set[str]:
    return {p.relative_to(tree).as_posix() for p in tree.rglob("*.md")}


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `root`: size, mtime and sha256."""
    files: dict[str, tuple[int, int, str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns, digest)
    return files


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


@pytest.fixture
def keepsake(home: Path, amber_cli: Cli) -> str:
    result = amber_cli("remember", KEEPSAKE_TEXT, "--json")
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


@pytest.fixture
def tree(home: Path) -> Path:
    return load_config(home).tree_dir


# --- imports ------------------------------------------------------------------------------


def import_fails(amber_cli: Cli, home: Path, path: Path, *args: str, stored: int = 0) -> str:
    """One line of error; only the `stored` messages before the error are kept, and the
    message says so."""
    result = amber_cli("import", "conversation", str(path), *args)
    message = assert_one_line_failure(result)
    assert event_count(home) == stored, "a failed import stored the wrong messages"
    if stored:
        assert f"the {stored} messages before it are stored" in message, message
    return message


def test_import_malformed_json(home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path) -> None:
    bad = write(tmp_path / "chat.json", '{"id": "c1", "messages": [{"id": "m1", "text": "hi"},')
    message = import_fails(amber_cli, home, bad)
    assert "not valid JSON" in message
    assert str(bad) in message
    bad_line = write(
        tmp_path / "chat.jsonl",
        '{"conversation": "c1", "id": "m1", "text": "fine"}\n{"conversation": "c1", "id": \n',
    )
    message = import_fails(amber_cli, home, bad_line, stored=1)
    assert "line 2" in message
    assert "not valid JSON" in message
    assert_keepsake(keepsake)


def test_import_csv_is_refused(home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path) -> None:
    csv = write(tmp_path / "export.csv", "speaker,timestamp,text\nAna,2023-05-01,hello\n")
    assert "not a conversation format" in import_fails(amber_cli, home, csv)
    message = import_fails(amber_cli, home, csv, "--format", "generic")
    assert "not JSON or JSONL" in message
    assert_keepsake(keepsake)


def test_chatgpt_export_forced_into_the_generic_format_is_refused(
    home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path
) -> None:
    """Detection reads ChatGPT exports (tests/test_import_chatgpt.py); forcing the wrong
    format must still say what the file is instead of importing garbage."""
    message = {"author": {"role": "user"}, "content": {"parts": ["Book the train"]}}
    node = {"id": "n1", "message": message, "children": []}
    export = [{"title": "Trip", "create_time": 1_682_933_400.0, "mapping": {"n1": node}}]
    chatgpt = write(tmp_path / "conversations.json", json.dumps(export))
    message = import_fails(amber_cli, home, chatgpt, "--format", "generic")
    assert "ChatGPT" in message
    assert_keepsake(keepsake)


@pytest.mark.parametrize(
    ("name", "data", "where", "stored"),
    [
        ("bad.json", b'{"id": "c", "messages": [{"id": "m1", "text": "caf\xe9"}]}', "line 1", 0),
        (
            "later-line.jsonl",
            b'{"conversation": "c", "id": "m1", "text": "ok"}\n'
            b'{"conversation": "c", "id": "m2", "text": "fine"}\n'
            b'{"conversation": "c", "id": "m3", "text": "caf\xe9"}\n',
            "line 3",
            2,
        ),
        (
            "first-line.jsonl",
            b'{"conversation": "c", "id": "m1", "text": "caf\xe9"}\n',
            "line 1",
            0,
        ),
    ],
    ids=["json", "jsonl-line-3", "jsonl-line-1"],
)
def test_import_invalid_utf8(
    home: Path,
    keepsake: str,
    amber_cli: Cli,
    tmp_path: Path,
    name: str,
    data: bytes,
    where: str,
    stored: int,
) -> None:
    path = write(tmp_path / name, data)
    message = import_fails(amber_cli, home, path, stored=stored).replace(str(path), "<file>")
    assert "UTF-8" in message, message
    assert where in message, message
    assert path.read_bytes() == data
    assert_keepsake(keepsake)


@pytest.mark.parametrize(
    ("name", "data"), [("chat.json", ""), ("chat.jsonl", ""), ("chat.ndjson", "\n  \n")]
)
def test_import_empty_file(
    home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path, name: str, data: str
) -> None:
    path = write(tmp_path / name, data)  # no "empty" in the name: the message must say it
    message = import_fails(amber_cli, home, path).replace(str(path), "<file>")
    assert "empty" in message.lower(), f"the message should say the file is empty: {message}"
    assert_keepsake(keepsake)


@pytest.mark.parametrize("name", ["gone.jsonl", "gone.json"])
def test_import_missing_file(
    home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path, name: str
) -> None:
    message = import_fails(amber_cli, home, tmp_path / name).replace(str(tmp_path), "<tmp>")
    assert "no such file" in message.lower(), f"the message should say it is missing: {message}"
    assert_keepsake(keepsake)


# --- broken files in the tree ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "reason"),
    [
        (
            "---\ntitle: Never closed\nkind: note\n\nThe fence never closes, brokenfmtok1q\n",
            "brokenfmtok1q",
            "no closing '---'",
        ),
        (
            "---\ntitle: [unclosed\nkind: : note\n---\nYAML that does not parse, badyamltok1q\n",
            "badyamltok1q",
            "not valid YAML",
        ),
        (  # "billion laughs": 742 bytes that expand to 4^24 strings
            "---\n"
            + "\n".join(
                ["a0: &a0 [lol, lol]"]
                + [
                    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
                    for i in range(1, 25)
                ]
            )
            + "\n---\nAliases that explode, yamlbombtok1q\n",
            "yamlbombtok1q",
            "YAML alias",
        ),
    ],
    ids=["unterminated", "invalid-yaml", "alias-bomb"],
)
def test_broken_frontmatter_is_reported_kept_and_searchable(
    keepsake: str, amber_cli: Cli, tree: Path, text: str, token: str, reason: str
) -> None:
    broken = write(tree / "notes" / "broken.md", text)
    before = broken.read_bytes()

    hits = recall_json(amber_cli, token)
    assert [h["path"] for h in hits] == ["notes/broken.md"], hits
    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 1, doctor.stderr
    assert "Traceback" not in doctor.stderr, doctor.stderr
    report = json.loads(doctor.stdout)
    assert reason in report["problems"]["notes/broken.md"], report["problems"]
    for args, code in ((("reindex",), 0), (("doctor", "--fix", "--json"), 1), (("tree",), 0)):
        result = amber_cli(*args)
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
    assert [h["path"] for h in recall_json(amber_cli, token)] == ["notes/broken.md"]
    assert broken.read_bytes() == before, "Amber changed a file it could not parse"
    assert_keepsake(keepsake)


def test_a_date_that_does_not_exist_is_kept_as_text(
    keepsake: str, amber_cli: Cli, tree: Path
) -> None:
    write(tree / "hand" / "typo.md", "---\ntitle: Typo\nupdated: 2024-13-45\n---\nbaddatetok1q\n")
    assert [h["path"] for h in recall_json(amber_cli, "baddatetok1q")] == ["hand/typo.md"]
    for args in (("tree",), ("stats",), ("reindex",), ("doctor",)):
        result = amber_cli(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
    assert_keepsake(keepsake)


def test_binary_md_file_is_skipped_with_a_reason(keepsake: str, amber_cli: Cli, tree: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binarytok1q " + bytes(range(256)) * 8
    binary = write(tree / "notes" / "x.md", data)

    assert not [h for h in recall_json(amber_cli, "binarytok1q") if h["path"] == "notes/x.md"]
    reindex = amber_cli("reindex", "--json")
    assert reindex.returncode == 0, reindex.stderr
    assert "Traceback" not in reindex.stderr, reindex.stderr
    assert "binary" in json.loads(reindex.stdout)["skipped"]["notes/x.md"]
    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 1
    assert "Traceback" not in doctor.stderr
    assert "binary" in json.loads(doctor.stdout)["skipped"]["notes/x.md"]
    assert binary.read_bytes() == data
    assert_keepsake(keepsake)


@pytest.mark.slow
def test_huge_md_file_is_skipped_as_too_large(
    home: Path, keepsake: str, amber_cli: Cli, tree: Path
) -> None:
    line = b"hugetok1q lorem ipsum dolor sit amet, consectetur adipiscing elit\n"
    data = b"# Huge\n\n" + line * (20 * 1024 * 1024 // len(line))
    huge = write(tree / "notes" / "huge.md", data)
    digest = hashlib.sha256(data).hexdigest()

    reindex = amber_cli("reindex", "--json")
    assert reindex.returncode == 0, reindex.stderr
    assert "Traceback" not in reindex.stderr, reindex.stderr
    assert "too large" in json.loads(reindex.stdout)["skipped"]["notes/huge.md"]
    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 1
    assert "Traceback" not in doctor.stderr
    assert "too large" in json.loads(doctor.stdout)["skipped"]["notes/huge.md"]
    assert not [h for h in recall_json(amber_cli, "hugetok1q") if h["path"] == "notes/huge.md"]
    assert "notes/huge.md" not in entry_paths(home)
    assert hashlib.sha256(huge.read_bytes()).hexdigest() == digest
    assert_keepsake(keepsake)


def test_doctor_text_output_shows_skip_reasons_verbatim(
    keepsake: str, amber_cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason names the setting to change ("[tree] max_file_bytes"); it must survive."""
    config = tree.parent / "config.toml"
    config.write_text(
        config.read_text("utf-8").replace("max_file_bytes = 5_000_000", "max_file_bytes = 1000")
    )
    write(tree / "notes" / "long.md", "# Long\n\n" + "a fairly long line of text\n" * 100)
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping, so the reason is on one line
    assert amber_cli("reindex").returncode == 0

    as_json = amber_cli("doctor", "--json")
    reason = json.loads(as_json.stdout)["skipped"]["notes/long.md"]
    assert "[tree] max_file_bytes" in reason
    text = amber_cli("doctor")
    assert text.returncode == 1
    assert "Traceback" not in text.stderr
    assert f"notes/long.md: {reason}" in text.stdout, text.stdout
    assert_keepsake(keepsake)


@pytest.mark.parametrize("frontmatter", [True, False], ids=["with-frontmatter", "plain"])
def test_md_with_invalid_utf8_is_indexed_as_plain_text(
    keepsake: str, amber_cli: Cli, tree: Path, frontmatter: bool
) -> None:
    head = b"---\ntitle: Latin-1 note\nkind: note\n---\n" if frontmatter else b""
    data = head + b"Caf\xe9 cr\xe8me at the corner, latintok1q\n"
    latin = write(tree / "notes" / "latin.md", data)

    hits = recall_json(amber_cli, "latintok1q")
    assert [h["path"] for h in hits] == ["notes/latin.md"], hits
    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 1
    assert "Traceback" not in doctor.stderr
    assert "invalid UTF-8" in json.loads(doctor.stdout)["problems"]["notes/latin.md"]
    assert amber_cli("reindex").returncode == 0
    assert latin.read_bytes() == data, "Amber changed a file it could not decode"
    assert_keepsake(keepsake)


# --- wrong passphrase ----------------------------------------------------------------------


def wrong_passphrase_commands(keepsake: str, tmp_path: Path) -> list[tuple[str, ...]]:
    chat = write(
        tmp_path / "chat.jsonl", '{"conversation": "c", "id": "m1", "text": "hello there"}\n'
    )
    return [
        ("recall", KEEPSAKE_TOKEN),
        ("remember", "this must not be written"),
        ("show", keepsake),
        ("forget", keepsake, "--yes"),
        ("mv", keepsake, "elsewhere"),
        ("tree",),
        ("stats",),
        ("audit",),
        ("doctor",),
        ("reindex",),
        ("import", "conversation", str(chat)),
        ("init",),
    ]


@pytest.mark.slow
def test_wrong_passphrase_changes_nothing(
    home: Path, keepsake: str, amber_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    right = os.environ["AMBER_PASSPHRASE"]
    commands = wrong_passphrase_commands(keepsake, tmp_path)
    before = snapshot(home)
    assert "index.db" in before
    monkeypatch.setenv("AMBER_PASSPHRASE", "wrong")
    for args in commands:
        result = amber_cli(*args, input_text="")
        assert result.returncode == 3, f"{args}: exit {result.returncode}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        assert "amber: cannot decrypt" in result.stderr, result.stderr
        assert "wrong key or passphrase" in (result.stderr), result.stderr
        assert snapshot(home) == before, f"`amber {' '.join(args)}` changed files in the home"
    monkeypatch.setenv("AMBER_PASSPHRASE", right)
    assert_keepsake(keepsake)


def test_wrong_passphrase_error_is_one_line(
    home: Path, keepsake: str, amber_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMBER_PASSPHRASE", "wrong")
    result = amber_cli("recall", KEEPSAKE_TOKEN, input_text="")
    assert result.returncode == 3
    assert_one_line_failure(result, "cannot decrypt", "wrong key or passphrase")


# --- bad arguments -------------------------------------------------------------------------


@pytest.mark.parametrize("k", ["0", "1000", "-1"])
def test_recall_k_out_of_range(keepsake: str, amber_cli: Cli, k: str) -> None:
    result = amber_cli("recall", KEEPSAKE_TOKEN, "-k", k)
    assert_one_line_failure(result, f"k must be between 1 and {MAX_K}")
    assert result.returncode == 2
    assert len(recall_json(amber_cli, KEEPSAKE_TOKEN, "-k", str(MAX_K))) == 1
    assert_keepsake(keepsake)


@pytest.mark.parametrize(
    "handle", ["01ZZZZZZZZZZZZZZZZZZZZZZZZ", "no-such-memory", "notes/nope.md"]
)
def test_show_unknown_id(keepsake: str, amber_cli: Cli, handle: str) -> None:
    assert_one_line_failure(amber_cli("show", handle), "no entry")
    assert_keepsake(keepsake)


def test_forget_without_yes_and_without_a_tty(keepsake: str, amber_cli: Cli, tree: Path) -> None:
    files = md_files(tree)
    result = amber_cli("forget", keepsake, input_text="")  # stdin is a pipe, not a terminal
    assert_one_line_failure(result, "--yes")
    assert md_files(tree) == files
    assert_keepsake(keepsake)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [(("",), None), (("   ", "\t"), None), (("-",), ""), (("-",), " \n\n ")],
    ids=["empty", "blank", "stdin-empty", "stdin-blank"],
)
def test_remember_empty_text(
    home: Path,
    keepsake: str,
    amber_cli: Cli,
    tree: Path,
    args: tuple[str, ...],
    stdin: str | None,
) -> None:
    files = md_files(tree)
    result = amber_cli("remember", *args, input_text=stdin)
    assert_one_line_failure(result, "empty")
    assert md_files(tree) == files
    assert len(entry_paths(home)) == 1
    assert_keepsake(keepsake)


@pytest.mark.parametrize(
    "destination",
    [
        "../outside",
        "../../escaped.md",
        "notes/../../escaped.md",
        "..",
        "..\\escaped.md",
        "/etc/x.md",
    ],
)
def test_mv_out_of_the_tree(
    home: Path, keepsake: str, amber_cli: Cli, tree: Path, tmp_path: Path, destination: str
) -> None:
    files = md_files(tree)
    outside = {p for p in tmp_path.rglob("*") if not p.is_relative_to(tree)}
    result = amber_cli("mv", keepsake, destination)
    assert_one_line_failure(result)
    assert any(w in result.stderr for w in ("leaves the tree", "not a path inside the tree"))
    assert md_files(tree) == files
    assert {p for p in tmp_path.rglob("*") if not p.is_relative_to(tree)} == outside
    assert_keepsake(keepsake)


# --- a full disk ---------------------------------------------------------------------------


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, to make the tree's disk fill up."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip(reason="mounting a 64 KiB tmpfs needs root on Linux")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip(reason="no mount/umount command to make a tiny filesystem")
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        why = result.stderr.strip() or result.returncode
        pytest.skip(reason=f"cannot mount a tmpfs here: {why}")
    try:
        yield mount_point
    finally:
        done = subprocess.run(["umount", str(mount_point)], capture_output=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def fill(folder: Path) -> None:
    """Write a filler file (not an entry) until the filesystem is full."""
    with (folder / "filler.bin").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\xff" * 512)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc


@pytest.mark.parametrize("how", ["big-entry", "disk-already-full"])
def test_remember_on_a_full_disk(amber_env: Path, tiny_fs: Path, amber_cli: Cli, how: str) -> None:
    tree = tiny_fs / "tree"
    init_home(amber_env, tree_path=str(tree))
    stored = amber_cli("remember", KEEPSAKE_TEXT, "--json")
    assert stored.returncode == 0, stored.stderr
    keepsake = str(json.loads(stored.stdout)["id"])
    files = snapshot(tiny_fs)

    if how == "big-entry":
        text = "A very long note fulltok1q\n" + "All work and no play. " * 12_000
        result = amber_cli("remember", "-", input_text=text)
    else:
        fill(tiny_fs)
        files = snapshot(tiny_fs)
        result = amber_cli("remember", "A small note on a full disk, fulltok1q")
    assert_one_line_failure(result, "disk full")

    assert snapshot(tiny_fs) == files, "a half-written file was left behind"
    assert not [p for p in tree.rglob("*") if p.name.startswith(".")]
    assert entry_paths(amber_env) == md_files(tree)
    assert len(md_files(tree)) == 1
    assert recall_json(amber_cli, "fulltok1q") == []
    doctor = amber_cli("doctor", "--json")
    assert doctor.returncode == 0, doctor.stdout
    assert json.loads(doctor.stdout)["clean"], doctor.stdout
    assert_keepsake(keepsake)


# --- arguments and standard input -------------------------------------------------------------


def test_arguments_that_are_not_utf8_are_one_line_errors(keepsake: str, amber_cli: Cli) -> None:
    not_utf8 = "caf\udce9 note"  # what Python makes of the bytes b"caf\xe9 note"
    for args in (("remember", not_utf8), ("recall", not_utf8), ("show", not_utf8)):
        assert_one_line_failure(amber_cli(*args), "not valid UTF-8")
    for args in (("remember", "-"), ("recall", "--queries", "-")):
        result = subprocess.run(
            [sys.executable, "-m", "amber.cli", *args],
            input=b"caf\xe9\n",
            capture_output=True,
            timeout=60,
            check=False,
        )
        decoded = subprocess.CompletedProcess(
            result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
        )
        assert_one_line_failure(decoded, "standard input is not valid UTF-8")
    assert_keepsake(keepsake)


def test_an_entry_too_large_to_index_is_refused_before_writing(
    keepsake: str, amber_cli: Cli, tree: Path
) -> None:
    before = md_files(tree)
    text = "# Meeting transcript\n" + "zebrafish " * 700_000  # 7 MB, over the 5 MB limit
    assert_one_line_failure(amber_cli("remember", "-", input_text=text), "max_file_bytes")
    assert md_files(tree) == before
    assert_keepsake(keepsake)


def test_moving_to_a_hidden_file_name_is_refused(keepsake: str, amber_cli: Cli) -> None:
    for target in ("archive/.md", "a/.hidden.md"):
        assert_one_line_failure(amber_cli("mv", keepsake, target), "would be skipped")
    assert_keepsake(keepsake)


def test_moving_an_entry_that_is_not_utf8_says_so(
    keepsake: str, amber_cli: Cli, tree: Path
) -> None:
    old = write(tree / "notes" / "old.md", b"---\ntitle: Old\n---\ncaf\xe9 latin1tok1q\n")
    assert amber_cli("doctor", "--fix").returncode in (0, 1)
    before = old.read_bytes()
    assert_one_line_failure(amber_cli("mv", "notes/old.md", "other"), "not valid UTF-8")
    assert old.read_bytes() == before
    assert_keepsake(keepsake)
