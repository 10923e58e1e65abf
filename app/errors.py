"""Errors a user can cause. Each message says what went wrong and what to do.

The CLI prints these as one line without a traceback and exits non-zero; anything that
is not an AmberError is a bug and keeps its traceback.
"""


class AmberError(Exception):
    """Base class for every error a user can cause or fix."""

    exit_code = 1


class NotInitializedError(AmberError):
    """The Amber home has not been created yet."""


class WrongKeyError(AmberError):
    """The index could not be decrypted with the key or passphrase given."""

    exit_code = 3


class KeyUnavailableError(AmberError):
    """No key can be obtained: no keyring entry and no passphrase."""

    exit_code = 3


class ConfigError(AmberError):
    """config.toml is missing a value or holds a bad one."""


class NotFoundError(AmberError):
    """No entry or event has the id or path given."""

    exit_code = 4


class InvalidInputError(AmberError):
    """An argument or a file given by the user cannot be used as it is."""

    exit_code = 2


class ImportFormatError(InvalidInputError):
    """An import file is malformed or in a format Amber does not read."""


def os_error_message(exc: OSError) -> str:
    """One line for an error the operating system gave, saying what to do about it."""
    import errno

    where = f" ({exc.filename})" if exc.filename else ""
    advice = {
        errno.ENOSPC: "the disk is full; free some space and try again",
        errno.EDQUOT: "the disk quota is used up; free some space and try again",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied; check the owner and mode of the file or folder",
        errno.EPERM: "operation not permitted; check the owner and mode of the file or folder",
        errno.EXDEV: "the move crosses file systems",
        errno.ENAMETOOLONG: "a file name is too long for this file system",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{advice}{where}"


class TreeWriteError(AmberError):
    """A file in the Context Tree could not be written (disk full, permissions...)."""


class ConflictError(AmberError):
    """Something changed meanwhile; going on would lose that change, so nothing was done."""

    exit_code = 5

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path  # the file that changed, when it is one
