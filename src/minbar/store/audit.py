"""SQL for the audit trail: append one event, read events back (newest first).

Nothing here updates or deletes: the table is append-only, and triggers (migration 0005) make
the database refuse UPDATE and DELETE on it whoever asks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, or_, select

from minbar.store.schema import audit_events, committees
from minbar.text.dates import iso, utcnow


def append(
    conn: Connection,
    *,
    user_id: int | None,
    user: str,
    org: str | None,
    action: str,
    outcome: str,
    object: str | None = None,  # noqa: A002 - the contract's field name
    committee_id: int | None = None,
    client: str | None = None,
) -> int:
    """Append one event; the committee slug is copied in so the trail reads on its own."""
    slug = None
    if committee_id is not None:
        slug = conn.execute(
            select(committees.c.slug).where(committees.c.id == committee_id)
        ).scalar()
    return conn.execute(
        insert(audit_events).values(
            at=utcnow(),
            user_id=user_id,
            user=user[:320],
            org=org,
            action=action[:64],
            object=object,
            committee_id=committee_id,
            committee=slug,
            client=(client or None) and client[:200],
            outcome=outcome,
        )
    ).inserted_primary_key[0]


def events(
    conn: Connection,
    *,
    limit: int = 100,
    user: str | None = None,
    committee: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
) -> list[dict]:
    """Events newest first. ``user``: e-mail (or "system"); ``committee``: slug or id;
    ``action``: exact, or a prefix when it ends with ``.`` or ``*`` (``case.`` = every case
    action)."""
    t = audit_events
    query = select(t).order_by(t.c.id.desc()).limit(limit)
    if user:
        query = query.where(t.c.user == user.strip().lower())
    if committee:
        ref = str(committee).strip()
        query = query.where(
            or_(t.c.committee_id == int(ref), t.c.committee == ref)
            if ref.isdigit()
            else t.c.committee == ref.lower()
        )
    if action:
        if action.endswith(("*", ".")):
            query = query.where(t.c.action.startswith(action.rstrip("*"), autoescape=True))
        else:
            query = query.where(t.c.action == action)
    if since is not None:
        query = query.where(t.c.at >= since)
    if until is not None:
        query = query.where(t.c.at < until)
    if before_id is not None:
        query = query.where(t.c.id < before_id)
    return [
        {
            "id": r.id,
            "time": iso(r.at),
            "user": r.user,
            "org": r.org,
            "action": r.action,
            "object": r.object,
            "committee": r.committee,
            "client": r.client,
            "outcome": r.outcome,
        }
        for r in conn.execute(query)
    ]
