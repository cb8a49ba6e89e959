"""Cost of the freshness check of a vector index (minbar.store.vectors.is_stale): count + max
over the last TAIL ids of an article_vectors-shaped table (id primary key, 1,536-byte vector),
against the highest id alone. A count over the whole table was 0.6 s (SQLite) / 0.04 s
(PostgreSQL) at 200k rows, which is why only the tail is counted.

    .venv/bin/python benchmarks/vector_version.py 200000
"""

import os
import statistics
import sys
import time
import uuid

import numpy as np
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    select,
    text,
)

from minbar.store.vectors import TAIL

N = int(sys.argv[1])
md = MetaData()
t = Table(
    "av_bench", md, Column("article_id", Integer, primary_key=True), Column("vector", LargeBinary)
)
blob = np.random.default_rng(0).normal(size=384).astype("<f4").tobytes()


def run(url, label, setup=None):
    eng = create_engine(url)
    with eng.begin() as c:
        if setup:
            c.execute(text(setup))
        md.create_all(c)
        for s in range(0, N, 10000):
            c.execute(
                insert(t),
                [{"article_id": i, "vector": blob} for i in range(s + 1, min(N, s + 10000) + 1)],
            )
    if eng.dialect.name == "postgresql":
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE av_bench"))
    times = []
    with eng.connect() as c:
        t0 = time.perf_counter()
        c.execute(select(func.max(t.c.article_id))).one()
        print(f"  max only {(time.perf_counter() - t0) * 1000:.2f} ms")
    with eng.connect() as c:
        for _ in range(30):
            t0 = time.perf_counter()
            c.execute(
                select(func.count(), func.max(t.c.article_id))
                .select_from(t)
                .where(t.c.article_id > N - TAIL)
            ).one()
            times.append((time.perf_counter() - t0) * 1000)
    print(
        f"{label} N={N}: version read median {statistics.median(times):.1f} ms, p95 {sorted(times)[int(0.95 * len(times)) - 1]:.1f} ms"
    )
    return eng


lite = f"/tmp/vector_version_{uuid.uuid4().hex[:8]}.db"
run(f"sqlite:///{lite}", "sqlite")
os.remove(lite)
schema = "bench_" + uuid.uuid4().hex[:8]
pg = os.environ.get("MINBAR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
eng = run(
    f"{pg}?options=-csearch_path%3D{schema}",
    "postgres",
    f"CREATE SCHEMA {schema}; SET search_path TO {schema}",
)
with create_engine(pg).begin() as c:
    c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
