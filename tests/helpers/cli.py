"""The `amber` command in-process, through Typer's runner: fast, and a crash shows its
traceback. (The `amber_cli` fixture runs the real command in a subprocess instead.)"""

from __future__ import annotations

from typer.testing import CliRunner, Result

from amber.cli.main import app


def invoke(*args: str, input: str | None = None) -> Result:
    """`amber ARGS` in-process, with `input` on stdin; an exception other than an exit is
    raised again, so a bug is a traceback rather than a bare exit code 1."""
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def amber(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """`invoke`, as (exit code, stdout, stderr): for tests that unpack what they check."""
    result = invoke(*args, input=input)
    return result.exit_code, result.stdout, result.stderr
