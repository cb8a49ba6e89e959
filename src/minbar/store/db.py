"""Engine creation, migrations, and the transaction boundary that the layers above hold.

SQLite runs in WAL mode with a busy timeout so the web server, the scheduler and ingest can share
one file; PostgreSQL is used as is. ``open_store`` always brings the schema to the latest Alembic
revision, so a fresh data dir and an old one behave the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError as DatabaseError

from minbar.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
__all__ = [
    "DatabaseError",
    "IntegrityError",
    "connection",
    "database_error_reason",
    "make_engine",
    "migrate",
    "open_engine",
    "transaction",
]


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for the block: the connection it yields goes to store functions (which
    take ``conn``), committed when the block ends, rolled back when it raises. Callers above the
    store (facade, cases) hold the connection but never build a query on it."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reads; anything written on it without a commit is rolled back."""
    with engine.connect() as conn:
        yield conn


def ping(engine: Engine) -> None:
    """One round trip to the database (health checks); raises when it cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def database_error_reason(exc: BaseException) -> str:
    """The first line of what the database said (for reports: no traceback, no SQL)."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True)


_MIGRATE_LOCK = threading.Lock()


def migrate(engine: Engine) -> None:
    """Upgrade to the latest revision. Alembic's context is a module-global proxy, so two
    threads migrating at once trip over each other: one at a time per process."""
    with _MIGRATE_LOCK:
        _migrate(engine)


def _migrate(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_engine(settings: Settings) -> Engine:
    """Engine for ``settings`` with the schema migrated to head."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    migrate(engine)
    return engine
