"""The ``minbar`` command line: thin verbs over :class:`minbar.Minbar` (see ``cli.app``)."""

from minbar.cli.app import app, main

__all__ = ["app", "main"]
