"""Moved to :mod:`minbar.text.dates` (kept while the CLI still imports it from here)."""

from minbar.text.dates import parse_datetime, to_utc

__all__ = ["parse_datetime", "to_utc"]
