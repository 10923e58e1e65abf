"""Errors a user can cause around the daemon."""

from __future__ import annotations

from amber.errors import AmberError, InvalidInputError


class DaemonError(AmberError):
    """The daemon could not be started, stopped or reached."""


class DaemonRunningError(DaemonError):
    """Another daemon already runs for this home."""

    exit_code = 75  # EX_TEMPFAIL: the service unit does not restart on it


class DaemonNotRunningError(DaemonError):
    """A command needs a running daemon and there is none."""

    exit_code = 4


class UnknownSourceError(InvalidInputError):
    """A source name that no installed plugin registers."""
