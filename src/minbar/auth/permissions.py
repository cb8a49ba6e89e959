"""The one permission table. The facade enforces it; the authz tests are generated from it.

Roles are per committee (a membership); the platform admin (and the system actor) may do
everything. Committee objects (cases, watchlists, alerts) are invisible to non-members: asking
for them answers :class:`~minbar.errors.NotFound`, never ``Forbidden``, so a non-member cannot
learn that a committee's case exists.
"""

from __future__ import annotations

from minbar.auth import Actor
from minbar.errors import Forbidden, NotFound

ROLES = ("viewer", "analyst", "editor", "lead")

_WORKERS = frozenset({"analyst", "editor", "lead"})

#: action -> roles (of a membership in the committee concerned) allowed to do it.
#: An empty set means platform admins only. Admins may do every action.
PERMISSIONS: dict[str, frozenset[str]] = {
    # read the committee's cases, watchlists and alerts
    "committee.read": frozenset(ROLES),
    # open a case, add evidence or a comment, propose a verdict, assign
    "case.work": _WORKERS,
    "watchlist.manage": _WORKERS,
    # approve a verdict (never one the actor wrote: four eyes, checked by the cases facade)
    "case.approve": frozenset({"editor", "lead"}),
    "case.publish": frozenset({"editor", "lead"}),
    "members.manage": frozenset({"lead"}),
    # organisations, users, committees, sources add/remove, the audit log
    "platform.admin": frozenset(),
}

#: Actions that concern one committee (the others are platform-wide).
COMMITTEE_ACTIONS = frozenset(a for a, roles in PERMISSIONS.items() if roles)


class NotVisible(NotFound):
    """A committee object asked for by someone who may not see it: answered exactly like a
    missing one (404), but the audit trail records the attempt as ``denied``."""


def _check_action(action: str) -> frozenset[str]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}") from None


def can(actor: Actor, action: str, committee_id: int | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (in committee ``committee_id``)."""
    allowed = _check_action(action)
    if actor.is_admin:
        return True
    if not allowed or committee_id is None:
        return False
    return actor.roles.get(committee_id) in allowed


def require(actor: Actor, action: str, committee_id: int | None = None) -> None:
    """Raise unless ``actor`` may do ``action``.

    A committee action by someone neither admin nor member of the committee raises
    :class:`NotVisible`, a :class:`NotFound` (no existence leak); a member without the role,
    or anyone but an admin attempting an admin-only action, :class:`Forbidden`.
    """
    if can(actor, action, committee_id):
        return
    if action in COMMITTEE_ACTIONS and (committee_id is None or committee_id not in actor.roles):
        raise NotVisible("not found")
    raise Forbidden(f"not allowed: {action}")


def visible_committees(actor: Actor) -> set[int] | None:
    """Committee ids whose objects ``actor`` may see; ``None`` = all (admin or system)."""
    if actor.is_admin:
        return None
    return set(actor.roles)


def role_can(role: str | None, action: str) -> bool:
    """Whether a membership with ``role`` allows ``action`` (``None`` = not a member)."""
    return role is not None and role in _check_action(action)


__all__ = [
    "COMMITTEE_ACTIONS",
    "NotVisible",
    "PERMISSIONS",
    "ROLES",
    "can",
    "require",
    "role_can",
    "visible_committees",
]
