"""Every read and write of fact-check cases, their timeline, evidence, verdicts, reviews, links,
the fact-check rows a published case became, notifications and public tips.

Functions take a ``Connection`` so the facade composes one transaction per use case (a state
change, its timeline event and its notifications commit together or not at all).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from minbar.store.schema import (
    articles,
    case_comments,
    case_events,
    case_evidence,
    case_links,
    case_reviews,
    case_verdicts,
    cases,
    committees,
    memberships,
    users,
)
from minbar.text import dates
from minbar.text.dates import utcnow


def iso(value: datetime | None) -> str | None:
    return dates.iso(value, "seconds")


# --- cases ----------------------------------------------------------------------------------------

_assignee = users.alias("assignee")
_creator = users.alias("creator")

_CASE_COLS = (
    cases.c.id,
    cases.c.committee_id,
    committees.c.slug.label("committee"),
    cases.c.claim,
    cases.c.lang,
    cases.c.origin,
    cases.c.article_id,
    cases.c.quote_id,
    cases.c.sentence,
    cases.c.origin_url,
    cases.c.tip_id,
    cases.c.status,
    cases.c.close_reason,
    cases.c.duplicate_of,
    cases.c.assignee_id,
    _assignee.c.email.label("assignee"),
    cases.c.priority,
    cases.c.due,
    cases.c.created_by.label("created_by_id"),
    _creator.c.email.label("created_by"),
    cases.c.created_at,
    cases.c.updated_at,
    cases.c.published_at,
)


def _case_query():
    return (
        select(*_CASE_COLS)
        .join(committees, committees.c.id == cases.c.committee_id)
        .outerjoin(_assignee, _assignee.c.id == cases.c.assignee_id)
        .outerjoin(_creator, _creator.c.id == cases.c.created_by)
    )


def _case(r) -> dict:
    d = dict(r._mapping)
    for key in ("due", "created_at", "updated_at", "published_at"):
        d[key] = iso(d[key])
    return d


def insert_case(conn: Connection, **values) -> int:
    now = utcnow()
    values.setdefault("status", "open")
    values.setdefault("priority", "normal")
    return conn.execute(
        insert(cases).values(created_at=now, updated_at=now, **values)
    ).inserted_primary_key[0]


def get_case(conn: Connection, case_id: int) -> dict | None:
    r = conn.execute(_case_query().where(cases.c.id == case_id)).first()
    return _case(r) if r else None


def list_cases(
    conn: Connection,
    committee_ids: set[int] | None,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    lang: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """Cases of ``committee_ids`` (``None`` = every committee), newest first."""
    query = _case_query()
    if committee_ids is not None:
        if not committee_ids:
            return []
        query = query.where(cases.c.committee_id.in_(sorted(committee_ids)))
    if status:
        query = query.where(cases.c.status == status)
    if assignee_id is not None:
        query = query.where(cases.c.assignee_id == assignee_id)
    if lang:
        query = query.where(cases.c.lang == lang)
    query = query.order_by(cases.c.id.desc()).limit(limit).offset(offset)
    return [_case(r) for r in conn.execute(query)]


def case_embedding(conn: Connection, case_id: int) -> bytes | None:
    return conn.execute(select(cases.c.embedding).where(cases.c.id == case_id)).scalar()


def case_vectors(
    conn: Connection, statuses: tuple[str, ...], committee_id: int | None = None
) -> list[tuple[int, bytes]]:
    """(case id, claim vector) of the cases in ``statuses`` (of one committee, or all)."""
    query = select(cases.c.id, cases.c.embedding).where(
        cases.c.status.in_(statuses), cases.c.embedding.is_not(None)
    )
    if committee_id is not None:
        query = query.where(cases.c.committee_id == committee_id)
    return [(r.id, r.embedding) for r in conn.execute(query.order_by(cases.c.id))]


def cases_brief(conn: Connection, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    rows = conn.execute(
        select(
            cases.c.id,
            cases.c.claim,
            cases.c.status,
            cases.c.lang,
            cases.c.committee_id,
            cases.c.article_id,
            cases.c.created_at,
        ).where(cases.c.id.in_(ids))
    )
    return {r.id: dict(r._mapping) for r in rows}


def move(conn: Connection, case_id: int, expected: str, new: str, **values) -> bool:
    """Set the status to ``new`` only if it still is ``expected`` (no lost race); ``False``
    when another request changed the case first."""
    result = conn.execute(
        update(cases)
        .where(cases.c.id == case_id, cases.c.status == expected)
        .values(status=new, updated_at=utcnow(), **values)
    )
    return result.rowcount == 1


def touch(conn: Connection, case_id: int, **values) -> None:
    conn.execute(update(cases).where(cases.c.id == case_id).values(updated_at=utcnow(), **values))


# --- timeline -------------------------------------------------------------------------------------


def add_event(
    conn: Connection, case_id: int, user_id: int | None, kind: str, data: dict | None = None
) -> None:
    conn.execute(
        insert(case_events).values(
            case_id=case_id,
            at=utcnow(),
            user_id=user_id,
            kind=kind,
            data=json.dumps(data, ensure_ascii=False) if data else None,
        )
    )


def events(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(case_events, users.c.email)
        .outerjoin(users, users.c.id == case_events.c.user_id)
        .where(case_events.c.case_id == case_id)
        .order_by(case_events.c.id)
    )
    return [
        {
            "id": r.id,
            "at": iso(r.at),
            "user": r.email or "system",
            "kind": r.kind,
            "data": json.loads(r.data) if r.data else {},
        }
        for r in rows
    ]


# --- evidence and comments ------------------------------------------------------------------------


def add_evidence(
    conn: Connection, case_id: int, url: str | None, note: str, user_id: int | None
) -> int:
    return conn.execute(
        insert(case_evidence).values(
            case_id=case_id,
            url=url,
            note=note,
            fetch_status="pending" if url else "none",
            added_by=user_id,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]


def finish_evidence(
    conn: Connection,
    evidence_id: int,
    status: str,
    title: str | None,
    text: str | None,
    error: str | None,
) -> None:
    conn.execute(
        update(case_evidence)
        .where(case_evidence.c.id == evidence_id)
        .values(
            fetch_status=status,
            snapshot_title=title,
            snapshot=text,
            fetch_error=error,
            fetched_at=utcnow(),
        )
    )


def evidence(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(case_evidence, users.c.email)
        .outerjoin(users, users.c.id == case_evidence.c.added_by)
        .where(case_evidence.c.case_id == case_id)
        .order_by(case_evidence.c.id)
    )
    return [
        {
            "id": r.id,
            "url": r.url,
            "note": r.note,
            "fetch_status": r.fetch_status,
            "fetch_error": r.fetch_error,
            "snapshot_title": r.snapshot_title,
            "snapshot": r.snapshot,
            "fetched_at": iso(r.fetched_at),
            "added_by": r.email or "system",
            "created": iso(r.created_at),
        }
        for r in rows
    ]


def stale_evidence(conn: Connection, before: datetime) -> list[tuple[int, str]]:
    """(id, url) of evidence still ``pending`` since before ``before`` (a fetch that died with
    its process): fetched again."""
    rows = conn.execute(
        select(case_evidence.c.id, case_evidence.c.url).where(
            case_evidence.c.fetch_status == "pending", case_evidence.c.created_at < before
        )
    )
    return [(r.id, r.url) for r in rows]


def add_comment(conn: Connection, case_id: int, user_id: int | None, text: str) -> int:
    return conn.execute(
        insert(case_comments).values(
            case_id=case_id, author_id=user_id, text=text, created_at=utcnow()
        )
    ).inserted_primary_key[0]


def comments(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(case_comments, users.c.email)
        .outerjoin(users, users.c.id == case_comments.c.author_id)
        .where(case_comments.c.case_id == case_id)
        .order_by(case_comments.c.id)
    )
    return [
        {"id": r.id, "author": r.email or "system", "text": r.text, "created": iso(r.created_at)}
        for r in rows
    ]


# --- verdicts and reviews -------------------------------------------------------------------------


def add_verdict(
    conn: Connection, case_id: int, rating: str, summaries: dict, user_id: int | None
) -> int:
    return conn.execute(
        insert(case_verdicts).values(
            case_id=case_id,
            rating=rating,
            summaries=json.dumps(summaries, ensure_ascii=False, sort_keys=True),
            author_id=user_id,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]


def _verdict(r) -> dict:
    return {
        "id": r.id,
        "rating": r.rating,
        "summary": json.loads(r.summaries),
        "author_id": r.author_id,
        "author": r.email or "system",
        "created": iso(r.created_at),
    }


def verdicts(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(case_verdicts, users.c.email)
        .outerjoin(users, users.c.id == case_verdicts.c.author_id)
        .where(case_verdicts.c.case_id == case_id)
        .order_by(case_verdicts.c.id)
    )
    return [_verdict(r) for r in rows]


def add_review(
    conn: Connection,
    case_id: int,
    verdict_id: int,
    user_id: int | None,
    approved: bool,
    comment: str | None,
) -> int:
    return conn.execute(
        insert(case_reviews).values(
            case_id=case_id,
            verdict_id=verdict_id,
            reviewer_id=user_id,
            approved=approved,
            comment=comment,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]


def reviews(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(case_reviews, users.c.email)
        .outerjoin(users, users.c.id == case_reviews.c.reviewer_id)
        .where(case_reviews.c.case_id == case_id)
        .order_by(case_reviews.c.id)
    )
    return [
        {
            "id": r.id,
            "verdict_id": r.verdict_id,
            "reviewer": r.email or "system",
            "approved": bool(r.approved),
            "comment": r.comment,
            "created": iso(r.created_at),
        }
        for r in rows
    ]


# --- links: seen again, duplicates ----------------------------------------------------------------


def link_article(
    conn: Connection, case_id: int, article_id: int, sentence: str | None, score: float | None
) -> bool:
    """Record that the case's claim was seen in ``article_id``; ``False`` if already linked."""
    exists = conn.execute(
        select(case_links.c.id).where(
            case_links.c.case_id == case_id, case_links.c.article_id == article_id
        )
    ).first()
    if exists:
        return False
    try:
        with conn.begin_nested():
            conn.execute(
                insert(case_links).values(
                    case_id=case_id,
                    kind="seen",
                    article_id=article_id,
                    sentence=sentence,
                    score=score,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:  # a concurrent worker linked it first
        return False
    return True


def link_duplicate(conn: Connection, case_id: int, other_case_id: int) -> None:
    conn.execute(
        insert(case_links).values(
            case_id=case_id, kind="duplicate", other_case_id=other_case_id, created_at=utcnow()
        )
    )


def links(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(
        select(
            case_links,
            articles.c.url,
            articles.c.title,
            articles.c.lang,
            articles.c.published,
        )
        .outerjoin(articles, articles.c.id == case_links.c.article_id)
        .where(or_(case_links.c.case_id == case_id, case_links.c.other_case_id == case_id))
        .order_by(case_links.c.id)
    )
    out = []
    for r in rows:
        if r.kind == "seen":
            out.append(
                {
                    "kind": "seen",
                    "article_id": r.article_id,
                    "url": r.url,
                    "title": r.title,
                    "lang": r.lang,
                    "published": iso(r.published),
                    "sentence": r.sentence,
                    "score": round(r.score, 4) if r.score is not None else None,
                    "linked": iso(r.created_at),
                }
            )
        else:
            other = r.other_case_id if r.case_id == case_id else r.case_id
            out.append({"kind": "duplicate", "case_id": other, "linked": iso(r.created_at)})
    return out


def seen_article_urls(conn: Connection, case_id: int) -> list[str]:
    rows = conn.execute(
        select(articles.c.url)
        .join(case_links, case_links.c.article_id == articles.c.id)
        .where(case_links.c.case_id == case_id, case_links.c.kind == "seen")
        .order_by(articles.c.published, articles.c.id)
    )
    return [r.url for r in rows]


# --- members (who may be assigned, who reviews) ---------------------------------------------------


def member_ids(conn: Connection, committee_id: int, roles: tuple[str, ...]) -> list[int]:
    rows = conn.execute(
        select(memberships.c.user_id)
        .join(users, users.c.id == memberships.c.user_id)
        .where(
            memberships.c.committee_id == committee_id,
            memberships.c.role.in_(roles),
            users.c.active.is_(True),
        )
        .order_by(memberships.c.user_id)
    )
    return [r.user_id for r in rows]


def member_role(conn: Connection, committee_id: int, user_id: int) -> str | None:
    return conn.execute(
        select(memberships.c.role).where(
            memberships.c.committee_id == committee_id, memberships.c.user_id == user_id
        )
    ).scalar()
