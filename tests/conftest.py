"""Shared fixtures: a real store on SQLite *and* on PostgreSQL for every storage test.

PostgreSQL is taken from ``MINBAR_TEST_PG_URL`` (default: the local server CI starts); each test
gets its own schema, dropped afterwards. Set ``MINBAR_TEST_SKIP_PG=1`` to run SQLite only on a
machine without PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from minbar.config import Settings
from minbar.store.repository import Store

PG_URL = os.environ.get("MINBAR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite"] if os.environ.get("MINBAR_TEST_SKIP_PG") else ["sqlite", "postgres"]


@pytest.fixture
def pg_url():
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path) -> Settings:
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "data", politeness_delay=0.0)
    url = request.getfixturevalue("pg_url")
    return Settings(data_dir=tmp_path / "data", database_url=url, politeness_delay=0.0)


@pytest.fixture
def store(settings):
    st = Store.open(settings)
    yield st
    st.close()


def write_jsonl(path: Path, records: list[dict]) -> Path:
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    """Serve ``server`` (bound to 127.0.0.1, port 0) from a thread for the duration."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
