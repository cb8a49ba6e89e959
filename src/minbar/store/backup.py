"""Backup and restore of the embedded SQLite database (``minbar backup`` / ``minbar restore``).

Both use SQLite's online backup API, page by page through the library, so they are consistent
while the web server or a worker keeps reading and writing (WAL pages included) — unlike a file
copy. The full-text index lives in the same file and travels with it. The queue (``queue.db``)
is not backed up: the database says what is pending and the workers queue it again.

PostgreSQL deployments back up with ``pg_dump`` / ``pg_restore`` (docs/deploy.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from minbar.config import Settings
from minbar.errors import Conflict, InvalidInput, NotFound

PAGES_PER_STEP = 1024  # between steps the live database is free for other writers


def _database(settings: Settings) -> Path:
    if not settings.is_sqlite:
        raise InvalidInput(
            "backup and restore are for the embedded SQLite database; back up PostgreSQL "
            "with pg_dump (see docs/deploy.md)"
        )
    return settings.data_dir / "minbar.db"


def _check(conn: sqlite3.Connection, what: str) -> None:
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        has_schema = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{what}: not a minbar database ({exc})") from None
    if ok != "ok":
        raise InvalidInput(f"{what}: damaged database ({ok})")
    if not has_schema:
        raise InvalidInput(f"{what}: not a minbar database (no schema version)")


def _articles(conn: sqlite3.Connection) -> int:
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0


def backup(settings: Settings, path: str | Path) -> dict:
    """Write a consistent copy of the embedded database to ``path`` (a new file)."""
    source = _database(settings)
    target = Path(path).expanduser()
    if not source.exists():
        raise NotFound(f"no database in {settings.data_dir}")
    if target.exists():
        raise Conflict(f"{target} exists; give a new file name")
    if not target.parent.is_dir():
        raise InvalidInput(f"{target.parent} is not a directory")
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _check(dst, str(target))
            articles = _articles(dst)
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(target)
    return {"path": str(target), "bytes": target.stat().st_size, "articles": articles}


def restore(settings: Settings, path: str | Path) -> dict:
    """Replace the embedded database with the backup at ``path`` (checked first). Stop
    ``minbar serve`` / ``minbar run`` before: they would keep caches of the old contents."""
    target = _database(settings)
    source = Path(path).expanduser()
    if not source.is_file():
        raise NotFound(f"{source}: no such backup file")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check(src, str(source))
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            articles = _articles(dst)
        finally:
            dst.close()
    finally:
        src.close()
    # an older backup is brought to the current schema
    from minbar.store.repository import Store

    Store.open(settings).close()
    return {"path": str(source), "database": str(target), "articles": articles}
