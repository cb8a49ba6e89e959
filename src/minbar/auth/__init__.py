"""Who is acting: :class:`Actor`, built by the facade from a session, a token or the CLI.

Permissions live in :mod:`minbar.auth.permissions` (one table), password hashing in
:mod:`minbar.auth.passwords`. An ``Actor`` is a plain immutable value: the facade checks it, the
audit trail records it, and no layer reaches back into the database from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """A signed-in user (``user_id`` set) or the system (CLI operator, workers: ``None``)."""

    user_id: int | None
    email: str | None = None
    name: str | None = None
    org_id: int | None = None
    org: str | None = None  # organisation slug
    is_admin: bool = False
    roles: Mapping[int, str] = field(default_factory=dict, hash=False)  # committee id -> role
    lang: str = "en"  # UI language
    client: str | None = None  # client address, for the audit trail

    @classmethod
    def system(cls, client: str = "cli") -> Actor:
        """Full rights (platform admin), audited as ``system``."""
        return cls(user_id=None, name="system", is_admin=True, client=client)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def label(self) -> str:
        """How the audit trail names this actor: the e-mail, or ``system``."""
        return self.email or ("system" if self.is_system else f"user:{self.user_id}")


__all__ = ["Actor"]
