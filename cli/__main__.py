"""`python -m amber.cli` runs the `amber` command (used by tests and scripts)."""

from amber.cli.main import run

run()
