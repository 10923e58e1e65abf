"""Editing one capture setting in config.toml: the rest of the file stays as it was."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from amber.config import load_config
from amber.daemon.settings import parse_value, set_capture_value
from amber.errors import ConfigError, InvalidInputError


def test_a_value_changes_in_place(home: Path) -> None:
    before = (home / "config.toml").read_text()
    set_capture_value(home, "screen", "interval_s", 30)
    after = (home / "config.toml").read_text()
    assert after.replace("interval_s = 30\n", "interval_s = 10\n", 1) == before
    assert load_config(home).capture.source("screen")["interval_s"] == 30


def test_a_new_key_and_a_new_table(home: Path) -> None:
    set_capture_value(home, "files", "quiet_s", 0.5)
    set_capture_value(home, "radio", "station", 'FM "4"')
    data = tomllib.loads((home / "config.toml").read_text())["capture"]
    assert data["files"]["quiet_s"] == 0.5
    assert data["radio"] == {"station": 'FM "4"'}
    text = (home / "config.toml").read_text()
    assert "quiet_s = 0.5\n\n[capture.screen]" in text  # added at the end of its own table


def test_multi_line_values_are_left_to_the_user(home: Path) -> None:
    path = home / "config.toml"
    path.write_text(path.read_text().replace("folders = []", 'folders = [\n  "~/a",\n]'))
    with pytest.raises(ConfigError, match="spans several lines"):
        set_capture_value(home, "files", "folders", ["~/b"])


def test_values_from_the_command_line() -> None:
    assert parse_value('["~/notes", "/srv/docs"]') == ["~/notes", "/srv/docs"]
    assert parse_value("true") is True
    assert parse_value("2.5") == 2.5
    assert parse_value("~/notes") == "~/notes"  # a bare path is a string
    with pytest.raises(InvalidInputError):
        parse_value("[unclosed")
