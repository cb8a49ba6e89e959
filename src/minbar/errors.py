"""The errors the facade raises, one per outcome a caller must tell apart.

The CLI maps them to exit codes and the web/API layer to HTTP statuses (``status`` below), so a
use case says *what* went wrong once and every front end answers the same way.
"""

from __future__ import annotations


class MinbarError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(MinbarError, ValueError):
    """Bad arguments or body (unknown language, bad date, unknown role …): 422."""

    status = 422


class NotAuthenticated(MinbarError):
    """No or bad credentials: 401."""

    status = 401


class Forbidden(MinbarError):
    """Signed in and allowed to see the object, but not to do this: 403."""

    status = 403


class NotFound(MinbarError):
    """Unknown id, or an object the caller may not see (no existence leak): 404."""

    status = 404


class Conflict(MinbarError):
    """Wrong state for this action (a case transition, a duplicate e-mail …): 409."""

    status = 409


class RateLimited(MinbarError):
    """Too many attempts (logins, tips): 429."""

    status = 429
