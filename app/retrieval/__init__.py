"""Recall: query parsing, channels and fusion."""
