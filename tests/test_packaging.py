"""The wheel holds every subpackage under `amber` and nothing at top level but `amber`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = {"app": "amber", "cli": "amber/cli", "plugins": "amber/plugins"}


def _source_packages() -> set[str]:
    found = set()
    for folder, installed in SOURCE_ROOTS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).as_posix()
            found.add(installed if rel == "." else f"{installed}/{rel}")
    return found


@pytest.mark.integration
def test_wheel_contains_every_subpackage(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("amber_memory-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    assert _source_packages() <= packages
    top_level = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"amber"}
    assert "amber/py.typed" in names
    assert "amber/models/models.toml" in names
    assert "amber/tui/amber.tcss" in names  # the TUI has no styling without it
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "amber = amber.cli.main:run" in text
