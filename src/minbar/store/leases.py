"""Work leases (``work_leases``) and the story lock: who is enriching which article, until when.

The database is the source of truth for *what* is pending (``minbar.store.stages``); a lease only
says who holds an article now. Life of a lease:

* :func:`offer` — the article is queued (``owner`` NULL) until ``expires_at``; offering again an
  article whose lease is live does nothing, so a sweep never queues it twice;
* :func:`claim` — a worker takes queued or expired articles (``owner`` set, ``attempts`` + 1);
  :func:`renew` keeps its leases alive while it works (a heartbeat);
* :func:`release` — done: the row goes; :func:`fail` — the error is kept, the article is offered
  again after ``retry_after`` seconds, and after ``MAX_ATTEMPTS`` claims it counts as failed.

A worker killed with -9 stops renewing; its leases expire and the next sweep offers the articles
again. Times are epoch seconds of the *database* clock, so workers on several machines agree.

:func:`exclusive` is a lock across processes and machines (a PostgreSQL advisory lock, on SQLite a
file lock beside the database) for the order-sensitive story assignment.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)

from minbar.store.schema import metadata

#: Claims of one article before it counts as failed (a poison article, or one that kills its
#: worker, e.g. out of memory, every time).
MAX_ATTEMPTS = 3
#: The lock around the order-sensitive story assignment and consolidation.
STORY_LOCK = "stories"

work_leases = Table(
    "work_leases",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("owner", String(120)),  # NULL: queued, nobody is working on it yet
    Column("expires_at", Float, nullable=False),  # epoch seconds, database clock
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Index("ix_work_leases_expires", "expires_at"),
    Index("ix_work_leases_owner", "owner"),
)


def db_now(engine_or_dialect) -> object:
    """SQL for "now" in epoch seconds on the database's clock."""
    name = getattr(engine_or_dialect, "name", None) or engine_or_dialect.dialect.name
    if name == "postgresql":
        return literal_column("extract(epoch from clock_timestamp())::float8")
    return literal_column("((julianday('now') - 2440587.5) * 86400.0)")


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _insert_missing(conn, ids: list[int], now) -> None:
    """Free lease rows (unowned, already expired) for the ``ids`` that have none; concurrent
    inserts of one id are ignored. The UPDATE that follows takes them like any free lease."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(work_leases).values(owner=None, expires_at=now - 1.0, attempts=0)
    conn.execute(  # in id order, as every writer of these rows: no lock-order deadlocks
        stmt.on_conflict_do_nothing(index_elements=["article_id"]),
        [{"article_id": i} for i in sorted(ids)],
    )


def _free(now):
    return and_(
        work_leases.c.expires_at < now,
        work_leases.c.attempts < MAX_ATTEMPTS,
    )


def offer(engine: Engine, ids: Iterable[int], ttl: float) -> list[int]:
    """Queue the articles of ``ids`` that nobody holds (no lease, or an expired one); returns
    them, in the order given. Concurrent offers of one article: only one of them gets it."""
    ids = list(dict.fromkeys(ids))
    out: set[int] = set()
    now = db_now(engine)
    for chunk in _chunks(ids):
        with engine.begin() as conn:
            _insert_missing(conn, chunk, now)
            out.update(
                conn.execute(
                    update(work_leases)
                    .where(work_leases.c.article_id.in_(chunk), _free(now))
                    .values(owner=None, expires_at=now + ttl, error=None)
                    .returning(work_leases.c.article_id)
                ).scalars()
            )
    return [i for i in ids if i in out]


def claim(engine: Engine, ids: Iterable[int], owner: str, ttl: float) -> list[int]:
    """Take the articles of ``ids`` that are queued or whose lease expired; returns them."""
    out: list[int] = []
    now = db_now(engine)
    for chunk in _chunks(sorted(set(ids))):
        with engine.begin() as conn:
            _insert_missing(conn, chunk, now)
            out += conn.execute(
                update(work_leases)
                .where(
                    work_leases.c.article_id.in_(chunk),
                    work_leases.c.attempts < MAX_ATTEMPTS,
                    or_(
                        and_(work_leases.c.owner.is_(None), work_leases.c.error.is_(None)),
                        work_leases.c.expires_at < now,
                    ),
                )
                .values(owner=owner, expires_at=now + ttl, attempts=work_leases.c.attempts + 1)
                .returning(work_leases.c.article_id)
            ).scalars()
    return sorted(out)


def renew(engine: Engine, owner: str, ttl: float) -> int:
    """Extend every lease ``owner`` holds; returns how many (the worker's heartbeat)."""
    with engine.begin() as conn:
        return conn.execute(
            update(work_leases)
            .where(work_leases.c.owner == owner)
            .values(expires_at=db_now(engine) + ttl)
        ).rowcount


def release(engine: Engine, ids: Iterable[int], owner: str) -> None:
    """The work on ``ids`` is done: drop ``owner``'s leases."""
    for chunk in _chunks(sorted(set(ids))):
        with engine.begin() as conn:
            conn.execute(
                delete(work_leases).where(
                    work_leases.c.article_id.in_(chunk), work_leases.c.owner == owner
                )
            )


def fail(engine: Engine, ids: Iterable[int], owner: str, error: str, retry_after: float) -> None:
    """The work on ``ids`` failed: keep the error; the articles are free again after
    ``retry_after`` seconds (or for good once they reached ``MAX_ATTEMPTS``)."""
    for chunk in _chunks(sorted(set(ids))):
        with engine.begin() as conn:
            conn.execute(
                update(work_leases)
                .where(work_leases.c.article_id.in_(chunk), work_leases.c.owner == owner)
                .values(owner=None, error=error[:2000], expires_at=db_now(engine) + retry_after)
            )


def attempted(engine: Engine, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` some worker has claimed before (retaken work)."""
    out: set[int] = set()
    for chunk in _chunks(sorted(set(ids))):
        with engine.connect() as conn:
            out.update(
                conn.execute(
                    select(work_leases.c.article_id).where(
                        work_leases.c.article_id.in_(chunk), work_leases.c.attempts > 0
                    )
                ).scalars()
            )
    return out


def failed_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(work_leases)
            .where(work_leases.c.attempts >= MAX_ATTEMPTS, work_leases.c.owner.is_(None))
        ).scalar_one()


def unowned_ids(engine: Engine, limit: int = 5000) -> list[int]:
    """Articles with a queued or failed lease (nobody working on them)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(work_leases.c.article_id)
                .where(work_leases.c.owner.is_(None))
                .order_by(work_leases.c.article_id)
                .limit(limit)
            ).scalars()
        )


def forget(engine: Engine, ids: Iterable[int]) -> None:
    """Drop the unowned leases of ``ids`` (the articles turned out to be done: finished by a
    worker whose lease had expired, or by a `minbar enrich` run by hand)."""
    for chunk in _chunks(sorted(set(ids))):
        with engine.begin() as conn:
            conn.execute(
                delete(work_leases).where(
                    work_leases.c.article_id.in_(chunk), work_leases.c.owner.is_(None)
                )
            )


def held(engine: Engine) -> list[dict]:
    """Every lease row (for ``minbar status`` details and tests)."""
    with engine.connect() as conn:
        now = conn.execute(select(db_now(engine))).scalar_one()
        return [
            {**r._asdict(), "expires_in": round(r.expires_at - now, 1)}
            for r in conn.execute(select(work_leases).order_by(work_leases.c.article_id))
        ]


# --- the story lock ------------------------------------------------------------------------

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _key(name: str) -> int:
    return zlib.crc32(f"minbar:{name}".encode()) - 2**31  # a signed 32-bit key, stable


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` across every process sharing this database.

    PostgreSQL: a session advisory lock on a connection of its own, released when the block
    ends or, if the process dies, when its connection closes. SQLite: a thread lock plus an
    ``fcntl`` lock on a file beside the database (the embedded store is one machine)."""
    with _GUARD:
        local = _THREAD_LOCKS.setdefault(f"{engine.url}:{name}", threading.Lock())
    with local:
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _key(name)})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(name)})
                    conn.commit()
            return
        import fcntl

        path = engine.url.database
        if not path or path == ":memory:":
            yield
            return
        with open(f"{path}.{name}.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
