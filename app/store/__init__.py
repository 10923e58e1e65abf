"""The encrypted index: the only package that speaks SQL."""

from amber.store.db import Database, open_database

__all__ = ["Database", "open_database"]
