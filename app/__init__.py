"""Amber: a local-first, encrypted personal memory."""

__version__ = "0.1.0"
