"""In-app notifications (case assigned, review wanted, verdict approved or sent back) and the
public tip inbox, with the DB-counted rate limit on tips."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from minbar.store.cases import iso
from minbar.store.schema import cases, committees, notifications, tips
from minbar.text.dates import utcnow

# --- notifications --------------------------------------------------------------------------------


def notify(conn: Connection, user_ids, case_id: int | None, kind: str) -> None:
    rows = [
        {"user_id": u, "case_id": case_id, "kind": kind, "read": False, "created_at": utcnow()}
        for u in dict.fromkeys(user_ids)
        if u is not None
    ]
    if rows:
        conn.execute(insert(notifications), rows)


def list_notifications(conn: Connection, user_id: int, unread_only: bool, limit: int) -> list[dict]:
    query = (
        select(notifications, cases.c.claim)
        .outerjoin(cases, cases.c.id == notifications.c.case_id)
        .where(notifications.c.user_id == user_id)
    )
    if unread_only:
        query = query.where(notifications.c.read.is_(False))
    rows = conn.execute(query.order_by(notifications.c.id.desc()).limit(limit))
    return [
        {
            "id": r.id,
            "case_id": r.case_id,
            "claim": r.claim,
            "kind": r.kind,
            "read": bool(r.read),
            "created": iso(r.created_at),
        }
        for r in rows
    ]


def mark_read(conn: Connection, user_id: int, ids: list[int] | None) -> int:
    stmt = update(notifications).where(
        notifications.c.user_id == user_id, notifications.c.read.is_(False)
    )
    if ids is not None:
        stmt = stmt.where(notifications.c.id.in_(ids))
    return conn.execute(stmt.values(read=True)).rowcount


def unread_count(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count())
        .select_from(notifications)
        .where(notifications.c.user_id == user_id, notifications.c.read.is_(False))
    ).scalar_one()


# --- tips -----------------------------------------------------------------------------------------


def count_tips_since(conn: Connection, client_hash: str, since: datetime) -> int:
    return conn.execute(
        select(func.count())
        .select_from(tips)
        .where(tips.c.client_hash == client_hash, tips.c.created_at >= since)
    ).scalar_one()


def add_tip(
    conn: Connection,
    text: str,
    url: str | None,
    lang: str | None,
    client_hash: str,
    committee_id: int | None,
) -> int:
    return conn.execute(
        insert(tips).values(
            text=text,
            url=url,
            lang=lang,
            client_hash=client_hash,
            committee_id=committee_id,
            status="new",
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]


def _tip(r) -> dict:
    return {
        "id": r.id,
        "text": r.text,
        "url": r.url,
        "lang": r.lang,
        "committee_id": r.committee_id,
        "committee": r.slug,
        "status": r.status,
        "case_id": r.case_id,
        "created": iso(r.created_at),
    }


def list_tips(
    conn: Connection, committee_ids: set[int] | None, status: str | None, limit: int
) -> list[dict]:
    query = select(tips, committees.c.slug).outerjoin(
        committees, committees.c.id == tips.c.committee_id
    )
    if committee_ids is not None:
        if not committee_ids:
            return []
        query = query.where(tips.c.committee_id.in_(sorted(committee_ids)))
    if status:
        query = query.where(tips.c.status == status)
    return [_tip(r) for r in conn.execute(query.order_by(tips.c.id.desc()).limit(limit))]


def get_tip(conn: Connection, tip_id: int) -> dict | None:
    r = conn.execute(
        select(tips, committees.c.slug)
        .outerjoin(committees, committees.c.id == tips.c.committee_id)
        .where(tips.c.id == tip_id)
    ).first()
    return _tip(r) if r else None


def tip_to_case(conn: Connection, tip_id: int, case_id: int, committee_id: int) -> bool:
    result = conn.execute(
        update(tips)
        .where(tips.c.id == tip_id, tips.c.status == "new")
        .values(status="case", case_id=case_id, committee_id=committee_id)
    )
    return result.rowcount == 1


def set_tip_status(conn: Connection, tip_id: int, status: str) -> None:
    conn.execute(update(tips).where(tips.c.id == tip_id).values(status=status))


def committee_list(conn: Connection) -> list[dict]:
    """Every committee (id, slug, name, names): the public tip form lets senders pick one."""
    rows = conn.execute(
        select(committees.c.id, committees.c.slug, committees.c.name, committees.c.names).order_by(
            committees.c.id
        )
    )
    return [
        {"id": r.id, "slug": r.slug, "name": r.name, "names": json.loads(r.names or "{}")}
        for r in rows
    ]
