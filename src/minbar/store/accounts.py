"""SQL for accounts: organisations, users, committees, memberships, API tokens, login failures.

Plain functions over a SQLAlchemy ``Connection`` so the facade can put several of them in one
transaction (a user and its memberships are written together or not at all). Rows come back as
plain dicts; times as aware UTC datetimes. Validation and permissions are the facade's job.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Connection, delete, func, insert, select, update

from minbar.store.schema import (
    api_tokens,
    committees,
    login_failures,
    memberships,
    organisations,
    users,
)
from minbar.text.dates import aware, iso, utcnow

# --- organisations ------------------------------------------------------------------------


def _org(r) -> dict:
    return {"id": r.id, "slug": r.slug, "name": r.name, "country": r.country}


def insert_org(conn: Connection, slug: str, name: str, country: str | None) -> dict:
    new_id = conn.execute(
        insert(organisations).values(slug=slug, name=name, country=country, created_at=utcnow())
    ).inserted_primary_key[0]
    return {"id": new_id, "slug": slug, "name": name, "country": country}


def find_org(conn: Connection, ref: str | int) -> dict | None:
    """Organisation by slug, or by id (an int or a string of digits)."""
    query = select(organisations)
    if isinstance(ref, int) or str(ref).isdigit():
        query = query.where(organisations.c.id == int(ref))
    else:
        query = query.where(organisations.c.slug == str(ref).strip().lower())
    r = conn.execute(query).first()
    return _org(r) if r else None


def list_orgs(conn: Connection) -> list[dict]:
    counts = select(users.c.org_id, func.count().label("n")).group_by(users.c.org_id).subquery("uc")
    rows = conn.execute(
        select(organisations, func.coalesce(counts.c.n, 0).label("users"))
        .outerjoin(counts, counts.c.org_id == organisations.c.id)
        .order_by(organisations.c.slug)
    )
    return [{**_org(r), "users": r.users} for r in rows]


def org_slugs(conn: Connection) -> list[str]:
    return list(conn.execute(select(organisations.c.slug).order_by(organisations.c.slug)).scalars())


# --- users ----------------------------------------------------------------------------------

_USER_COLS = (
    users.c.id,
    users.c.email,
    users.c.name,
    users.c.org_id,
    organisations.c.slug.label("org"),
    users.c.password_hash,
    users.c.lang,
    users.c.active,
    users.c.is_admin,
    users.c.session_epoch,
    users.c.created_at,
)


def _user(r) -> dict:
    d = dict(r._mapping)
    d["created_at"] = aware(d["created_at"])
    d["active"] = bool(d["active"])
    d["is_admin"] = bool(d["is_admin"])
    return d


def _user_query():
    return select(*_USER_COLS).join(organisations, organisations.c.id == users.c.org_id)


def insert_user(
    conn: Connection,
    *,
    email: str,
    org_id: int,
    name: str | None,
    password_hash: str | None,
    lang: str,
    is_admin: bool,
) -> int:
    return conn.execute(
        insert(users).values(
            email=email,
            name=name,
            org_id=org_id,
            password_hash=password_hash,
            lang=lang,
            active=True,
            is_admin=is_admin,
            session_epoch=0,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]


def find_user(conn: Connection, *, email: str | None = None, user_id: int | None = None):
    """The user as a dict (with ``password_hash``), or ``None``. ``email`` is lower-cased."""
    query = _user_query()
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    else:
        query = query.where(users.c.email == (email or "").strip().lower())
    r = conn.execute(query).first()
    return _user(r) if r else None


def list_users(conn: Connection) -> list[dict]:
    return [_user(r) for r in conn.execute(_user_query().order_by(users.c.email))]


def set_user(conn: Connection, user_id: int, **values) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def bump_epoch(conn: Connection, user_id: int, **values) -> int:
    """Increment the session epoch (voiding every session of the user) with other changes."""
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(session_epoch=users.c.session_epoch + 1, **values)
    )
    return conn.execute(select(users.c.session_epoch).where(users.c.id == user_id)).scalar_one()


# --- committees and memberships -------------------------------------------------------------


def _committee(r) -> dict:
    return {
        "id": r.id,
        "slug": r.slug,
        "name": r.name,
        "names": json.loads(r.names or "{}"),
        "description": r.description,
    }


def insert_committee(
    conn: Connection, slug: str, name: str, names: dict, description: str | None
) -> dict:
    new_id = conn.execute(
        insert(committees).values(
            slug=slug,
            name=name,
            names=json.dumps(names, ensure_ascii=False, sort_keys=True),
            description=description,
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]
    return {"id": new_id, "slug": slug, "name": name, "names": names, "description": description}


def find_committee(conn: Connection, ref: str | int) -> dict | None:
    """Committee by slug, or by id (an int or a string of digits)."""
    query = select(committees)
    if isinstance(ref, int) or str(ref).strip().isdigit():
        query = query.where(committees.c.id == int(ref))
    else:
        query = query.where(committees.c.slug == str(ref).strip().lower())
    r = conn.execute(query).first()
    return _committee(r) if r else None


def list_committees(conn: Connection, ids: set[int] | None = None) -> list[dict]:
    """All committees (``ids=None``) or those of ``ids``, by slug, with their member count."""
    counts = (
        select(memberships.c.committee_id, func.count().label("n"))
        .group_by(memberships.c.committee_id)
        .subquery("mc")
    )
    query = (
        select(committees, func.coalesce(counts.c.n, 0).label("members"))
        .outerjoin(counts, counts.c.committee_id == committees.c.id)
        .order_by(committees.c.slug)
    )
    if ids is not None:
        if not ids:
            return []
        query = query.where(committees.c.id.in_(sorted(ids)))
    return [{**_committee(r), "members": r.members} for r in conn.execute(query)]


def committee_slugs(conn: Connection, ids: set[int] | None = None) -> list[str]:
    query = select(committees.c.slug).order_by(committees.c.slug)
    if ids is not None:
        query = query.where(committees.c.id.in_(sorted(ids)))
    return list(conn.execute(query).scalars())


def roles_of(conn: Connection, user_id: int) -> dict[int, str]:
    rows = conn.execute(
        select(memberships.c.committee_id, memberships.c.role).where(
            memberships.c.user_id == user_id
        )
    )
    return {r.committee_id: r.role for r in rows}


def user_committees(conn: Connection, user_id: int) -> dict[str, str]:
    """{committee slug: role} of one user."""
    rows = conn.execute(
        select(committees.c.slug, memberships.c.role)
        .join(committees, committees.c.id == memberships.c.committee_id)
        .where(memberships.c.user_id == user_id)
        .order_by(committees.c.slug)
    )
    return {r.slug: r.role for r in rows}


def all_user_committees(conn: Connection) -> dict[int, dict[str, str]]:
    """{user id: {committee slug: role}} for every user with a membership (one query)."""
    rows = conn.execute(
        select(memberships.c.user_id, committees.c.slug, memberships.c.role)
        .join(committees, committees.c.id == memberships.c.committee_id)
        .order_by(committees.c.slug)
    )
    out: dict[int, dict[str, str]] = {}
    for r in rows:
        out.setdefault(r.user_id, {})[r.slug] = r.role
    return out


def set_membership(conn: Connection, user_id: int, committee_id: int, role: str) -> None:
    """Add the membership, or change its role."""
    done = conn.execute(
        update(memberships)
        .where(memberships.c.user_id == user_id, memberships.c.committee_id == committee_id)
        .values(role=role)
    ).rowcount
    if not done:
        conn.execute(
            insert(memberships).values(
                user_id=user_id, committee_id=committee_id, role=role, created_at=utcnow()
            )
        )


def delete_membership(conn: Connection, user_id: int, committee_id: int) -> bool:
    return bool(
        conn.execute(
            delete(memberships).where(
                memberships.c.user_id == user_id, memberships.c.committee_id == committee_id
            )
        ).rowcount
    )


def committee_members(conn: Connection, committee_id: int) -> list[dict]:
    rows = conn.execute(
        select(
            users.c.id,
            users.c.email,
            users.c.name,
            organisations.c.slug.label("org"),
            users.c.active,
            memberships.c.role,
        )
        .join(users, users.c.id == memberships.c.user_id)
        .join(organisations, organisations.c.id == users.c.org_id)
        .where(memberships.c.committee_id == committee_id)
        .order_by(users.c.email)
    )
    return [{**dict(r._mapping), "active": bool(r.active)} for r in rows]


# --- API tokens ------------------------------------------------------------------------------


def insert_token(conn: Connection, user_id: int, token_hash: str, label: str | None) -> int:
    return conn.execute(
        insert(api_tokens).values(
            user_id=user_id, token_hash=token_hash, label=label, created_at=utcnow()
        )
    ).inserted_primary_key[0]


def _token(r) -> dict:
    return {
        "id": r.id,
        "email": r.email,
        "label": r.label,
        "created": iso(r.created_at),
        "last_used": iso(r.last_used_at),
        "revoked": iso(r.revoked_at),
    }


def _token_query():
    return select(
        api_tokens.c.id,
        api_tokens.c.user_id,
        users.c.email,
        api_tokens.c.label,
        api_tokens.c.created_at,
        api_tokens.c.last_used_at,
        api_tokens.c.revoked_at,
    ).join(users, users.c.id == api_tokens.c.user_id)


def find_token(conn: Connection, token_id: int) -> dict | None:
    r = conn.execute(_token_query().where(api_tokens.c.id == token_id)).first()
    return {**_token(r), "user_id": r.user_id} if r else None


def list_tokens(conn: Connection, user_id: int | None = None) -> list[dict]:
    query = _token_query().order_by(api_tokens.c.id.desc())
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return [_token(r) for r in conn.execute(query)]


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def token_owner(conn: Connection, token_hash: str) -> tuple[int, int] | None:
    """(token id, user id) of a live (not revoked) token with this hash."""
    r = conn.execute(
        select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at).where(
            api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None)
        )
    ).first()
    if r is None:
        return None
    now = utcnow()
    last = aware(r.last_used_at)
    if last is None or now - last > timedelta(minutes=1):  # one write a minute, not per request
        conn.execute(update(api_tokens).where(api_tokens.c.id == r.id).values(last_used_at=now))
    return r.id, r.user_id


# --- login failures -------------------------------------------------------------------------


def insert_attempt(conn: Connection, email: str) -> int:
    """Record a sign-in attempt as a failure *before* checking it, in its own transaction, so
    parallel guesses see each other; removed again when the attempt succeeds
    (:func:`clear_failures`) or is refused unchecked (:func:`drop_attempt`)."""
    return conn.execute(
        insert(login_failures).values(email=email, at=utcnow())
    ).inserted_primary_key[0]


def count_failures(
    conn: Connection, email: str, window: timedelta, up_to: int | None = None
) -> int:
    query = select(func.count()).where(
        login_failures.c.email == email, login_failures.c.at > utcnow() - window
    )
    if up_to is not None:
        query = query.where(login_failures.c.id <= up_to)
    return conn.execute(query).scalar_one()


def drop_attempt(conn: Connection, row_id: int) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.id == row_id))


def clear_failures(conn: Connection, email: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.email == email))
