"""Exception hierarchy for ingestion.

Everything that goes wrong while fetching or decoding untrusted input is raised as an
:class:`IngestError` subclass, so callers (the scheduler, the CLI) can catch one type,
log ``str(exc)`` (which names the offending input) and move on to the next source
instead of crashing on a traceback from some library deep in the stack.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: ``input`` is what we were working on (a URL, a file name), ``reason`` why."""

    def __init__(self, input: str, reason: str) -> None:  # noqa: A002 - public attribute name
        super().__init__(input, reason)
        self.input = input
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


class UnsafeURLError(IngestError):
    """The URL (or a redirect hop) points somewhere we must not go: SSRF protection."""


class FetchError(IngestError):
    """Network failure, timeout, HTTP error status, or too many redirects."""


class TooLargeError(IngestError):
    """The body (raw or decompressed) exceeded the configured cap."""


class DecodeError(IngestError):
    """Bytes could not be turned into text (binary, empty, undecodable)."""


class ParseError(IngestError):
    """Text could not be parsed as the expected document type (feed, HTML, ...)."""


__all__ = [
    "DecodeError",
    "FetchError",
    "IngestError",
    "ParseError",
    "TooLargeError",
    "UnsafeURLError",
]
