"""Work leases and the story lock, on SQLite and PostgreSQL (``settings`` runs both)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import insert, text, update

from minbar.store import leases, stages
from minbar.store.leases import MAX_ATTEMPTS, work_leases
from minbar.store.repository import utcnow
from minbar.store.schema import article_vectors, articles


def _articles(store, n: int) -> list[int]:
    now = utcnow()
    with store.engine.begin() as conn:
        return [
            conn.execute(
                insert(articles).values(
                    url=f"https://x.example/{i}",
                    canonical_url=f"https://x.example/{i}",
                    title=f"t{i}",
                    text=f"text {i}",
                    text_norm=f"text {i}",
                    text_stem=f"text {i}",
                    fetched_at=now,
                    content_hash=f"h{i}",
                    word_count=2,
                )
            ).inserted_primary_key[0]
            for i in range(n)
        ]


def _expire(store, ids) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(work_leases).where(work_leases.c.article_id.in_(ids)).values(expires_at=0.0)
        )


def test_offer_queues_each_article_once(store) -> None:
    ids = _articles(store, 5)
    assert leases.offer(store.engine, ids, ttl=600) == ids
    assert leases.offer(store.engine, ids, ttl=600) == []  # live queued leases: not again
    _expire(store, ids[:2])
    assert leases.offer(store.engine, ids, ttl=600) == ids[:2]  # lost tasks: queued again


def test_claim_renew_release(store) -> None:
    ids = _articles(store, 4)
    leases.offer(store.engine, ids, ttl=600)
    assert leases.claim(store.engine, ids[:3], "w1", ttl=60) == ids[:3]
    assert leases.claim(store.engine, ids, "w2", ttl=60) == [ids[3]]  # w1 holds the others
    assert leases.renew(store.engine, "w1", ttl=60) == 3
    held = {r["article_id"]: r for r in leases.held(store.engine)}
    assert held[ids[0]]["owner"] == "w1" and 50 < held[ids[0]]["expires_in"] <= 60
    leases.release(store.engine, ids[:3], "w2")  # not w2's: nothing happens
    assert len(leases.held(store.engine)) == 4
    leases.release(store.engine, ids[:3], "w1")
    assert [r["article_id"] for r in leases.held(store.engine)] == [ids[3]]


def test_a_dead_workers_leases_are_taken_again(store) -> None:
    ids = _articles(store, 2)
    assert leases.claim(store.engine, ids, "dead", ttl=60) == ids
    assert leases.offer(store.engine, ids, ttl=600) == []  # live: the sweep leaves them
    _expire(store, ids)  # no heartbeat: the TTL ran out
    assert leases.offer(store.engine, ids, ttl=600) == ids
    assert leases.claim(store.engine, ids, "alive", ttl=60) == ids
    assert {r["attempts"] for r in leases.held(store.engine)} == {2}


def test_failed_articles_are_retried_then_given_up(store) -> None:
    (aid,) = _articles(store, 1)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert leases.offer(store.engine, [aid], ttl=600) == [aid], attempt
        assert leases.claim(store.engine, [aid], "w", ttl=60) == [aid]
        leases.fail(store.engine, [aid], "w", "ValueError('bad')", retry_after=60)
        assert leases.claim(store.engine, [aid], "w", ttl=60) == []  # waits out retry_after
        _expire(store, [aid])
    assert leases.offer(store.engine, [aid], ttl=600) == []  # given up
    assert leases.failed_count(store.engine) == 1
    (row,) = leases.held(store.engine)
    assert row["error"] == "ValueError('bad')" and row["attempts"] == MAX_ATTEMPTS


def test_unfinished_and_counts_follow_the_stages(store) -> None:
    ids = _articles(store, 3)
    assert stages.unfinished_ids(store) == ids
    with store.engine.begin() as conn:
        conn.execute(insert(article_vectors), [{"article_id": ids[0], "vector": b"\0" * 8}])
        stages.mark_done(conn, stages.ANALYSIS, [ids[0], ids[1]])
        stages.mark_done(conn, stages.STORY, [ids[0]])
    assert stages.unfinished_ids(store) == ids[1:]
    assert stages.unfinished_ids(store, [ids[0], ids[2]]) == [ids[2]]
    assert stages.counts(store) == {"articles": 3, "enriched": 1}
    with store.engine.connect() as conn:
        assert list(conn.execute(stages.ready_for_stories()).scalars()) == []  # no vector


def test_exclusive_serialises_across_threads_and_connections(store) -> None:
    inside: list[int] = []
    overlap: list[bool] = []

    def hold(i: int) -> None:
        with leases.exclusive(store.engine, "stories"):
            overlap.append(bool(inside))
            inside.append(i)
            time.sleep(0.05)
            inside.remove(i)

    threads = [threading.Thread(target=hold, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [False] * 4


def test_exclusive_holds_off_other_database_sessions(store) -> None:
    """What other processes see: on PostgreSQL an advisory lock another session cannot take."""
    if store.dialect != "postgresql":
        return
    key = leases._key("stories")
    with leases.exclusive(store.engine, "stories"), store.engine.connect() as other:
        assert other.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar() is False
    with store.engine.connect() as other:
        assert other.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar() is True
        other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


def test_forget_drops_only_unowned_leases(store) -> None:
    ids = _articles(store, 3)
    leases.offer(store.engine, ids, ttl=600)
    leases.claim(store.engine, ids[:1], "w", ttl=60)
    assert leases.unowned_ids(store.engine) == ids[1:]
    leases.forget(store.engine, ids)  # the one a worker holds stays
    assert [r["article_id"] for r in leases.held(store.engine)] == ids[:1]


def test_attempted_tells_retaken_work_apart(store) -> None:
    ids = _articles(store, 3)
    leases.offer(store.engine, ids, ttl=600)
    assert leases.attempted(store.engine, ids) == set()
    leases.claim(store.engine, ids[:1], "dead", ttl=60)
    _expire(store, ids[:1])
    assert leases.offer(store.engine, ids, ttl=600) == ids[:1]
    assert leases.attempted(store.engine, ids) == {ids[0]}
