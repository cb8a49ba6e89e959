"""Stories: online clustering on SQLite and PostgreSQL, provenance, velocity, CLI, quality gate.

Storage tests give articles chosen vectors (written to ``article_vectors`` as the embedding stage
would) so each case says exactly which articles are the same event; the gate runs the real e5
vectors of the annotated set.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select

from minbar.analysis.embeddings import to_bytes
from minbar.ingest.prepare import prepare_batch
from minbar.models import ArticleIn
from minbar.store.schema import article_entities, article_vectors, articles, quotes, stories
from minbar.stories.clustering import Params, cluster_items
from minbar.stories.provenance import get_story, list_stories
from minbar.stories.stage import cluster_pending, consolidate, pending_ids
from minbar.text.dates import parse_datetime, to_utc
from tests.test_cli import as_json, cli

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
RNG = np.random.default_rng(3)
CENTERS = {name: RNG.normal(size=384) for name in "ABCDE"}


def vec(center: str, noise: float = 0.15) -> np.ndarray:
    c = CENTERS[center] / np.linalg.norm(CENTERS[center])
    v = c + RNG.normal(scale=noise / np.sqrt(384), size=384)
    return (v / np.linalg.norm(v)).astype(np.float32)


def add(store, rows: list[tuple], noise: float = 0.15) -> list[int]:
    """Store articles (key, lang, title, published, center) with their vectors; returns ids."""
    items = [
        ArticleIn(
            url=f"https://news.example/{key}",
            title=title,
            text=f"{title}. Report {key} with its own wording number {n} for the record.",
            published=at,
            source=f"Outlet {n % 3}",
            lang=lang,
        )
        for n, (key, lang, title, at, _) in enumerate(rows)
    ]
    ids = store.add_articles(prepare_batch(items)).article_ids
    with store.engine.begin() as conn:
        conn.execute(
            insert(article_vectors),
            [
                {"article_id": i, "vector": to_bytes(vec(r[4], noise))}
                for i, r in zip(ids, rows, strict=True)
            ],
        )
    return ids


def story_of(store, article_id: int) -> int:
    for s in list_stories(store, limit=1000):
        if article_id in s["article_ids"]:
            return s["id"]
    raise AssertionError(f"article {article_id} is in no story")


def test_cluster_pending_is_incremental_and_idempotent(store) -> None:
    ids = add(
        store,
        [
            ("a1", "en", "Quake hits Van", T0, "A"),
            ("a2", "tr", "Van'da deprem", T0 + timedelta(hours=1), "A"),
            ("b1", "ru", "Банк сохранил ставку", T0 + timedelta(hours=2), "B"),
            ("a3", "ar", "زلزال في فان", T0 + timedelta(hours=3), "A"),
            ("b2", "az", "Bank dərəcəni saxlayıb", T0 + timedelta(hours=4), "B"),
        ],
    )
    assert cluster_pending(store) == 5
    assert cluster_pending(store) == 0  # nothing pending: no story changes
    listed = list_stories(store)
    assert len(listed) == 2
    quake = next(s for s in listed if ids[0] in s["article_ids"])
    assert sorted(quake["article_ids"]) == sorted([ids[0], ids[1], ids[3]])
    assert quake["languages"] == ["ar", "en", "tr"]
    assert quake["first_article_id"] == ids[0]
    assert quake["first_url"] == "https://news.example/a1"
    assert quake["title"] == "Quake hits Van"
    assert set(quake) >= {"id", "title", "languages", "article_ids", "urls", "first_article_id",
                          "first_url", "velocity", "article_count"}  # fmt: skip
    # a later batch joins the open story and starts a new one, without touching the rest
    more = add(
        store,
        [
            ("a4", "ru", "Землетрясение в Ване", T0 + timedelta(hours=6), "A"),
            ("c1", "en", "Museum reopens", T0 + timedelta(hours=6), "C"),
        ],
    )
    assert pending_ids(store) == more
    assert cluster_pending(store) == 2
    assert story_of(store, more[0]) == quake["id"]
    assert story_of(store, more[1]) not in {s["id"] for s in listed}
    record = get_story(store, quake["id"])
    assert record["titles"] == {
        "en": "Quake hits Van",
        "tr": "Van'da deprem",
        "ar": "زلزال في فان",
        "ru": "Землетрясение в Ване",
    }
    assert record["timeline"]["per_day"] == {"2026-11-20": {"en": 1, "tr": 1, "ar": 1, "ru": 1}}


def test_quiet_story_closes_and_a_followup_develops_it(store) -> None:
    first = add(
        store,
        [
            ("q1", "en", "Quake hits Van", T0, "A"),
            ("q2", "tr", "Van'da deprem", T0 + timedelta(hours=2), "A"),
        ],
    )
    cluster_pending(store)
    later = add(
        store,
        [
            ("f1", "en", "Van rebuilding starts", T0 + timedelta(days=10), "A"),
            ("x1", "en", "Unrelated match report", T0 + timedelta(days=10, hours=1), "D"),
        ],
    )
    cluster_pending(store)
    old, new, other = (story_of(store, i) for i in (first[0], later[0], later[1]))
    assert new != old  # the follow-up does not swallow into the closed story...
    assert get_story(store, new)["developing_from"] == old  # ...it links to it
    assert get_story(store, old)["developed_by"] == [new]
    assert get_story(store, other)["developing_from"] is None
    with store.engine.connect() as conn:
        status = dict(conn.execute(select(stories.c.id, stories.c.status)).all())
    assert status[old] == "closed" and status[new] == "open"


def test_copy_chain_and_first_article(store) -> None:
    body = (
        "The central bank kept its key rate at 16 percent on Friday, in line with forecasts. "
        "Annual inflation slowed to 7.4 percent in October but remains above the target. "
        "The governor said a cut was possible in the first half of next year. "
        "The currency barely moved after the decision, traders in the capital said."
    )
    items = [
        ArticleIn(url="https://wire.example/orig", title="Bank holds rate at 16%", text=body,
                  published=T0, source="Wire", lang="en"),
        ArticleIn(url="https://copy.example/c1", title="Central bank holds rate", text=body.replace(
            "traders in the capital said", "according to dealers"),
                  published=T0 + timedelta(hours=3), source="Copier", lang="en"),
        ArticleIn(url="https://other.example/t1", title="Merkez bankası faizi sabit tuttu",
                  text="Banka faizi yüzde 16'da sabit bıraktı, enflasyon yüzde 7,4'e geriledi.",
                  published=T0 + timedelta(hours=1), source="Haber", lang="tr"),
    ]  # fmt: skip
    ids = store.add_articles(prepare_batch(items)).article_ids
    with store.engine.begin() as conn:
        conn.execute(
            insert(article_vectors),
            [{"article_id": i, "vector": to_bytes(vec("B"))} for i in ids],
        )
        dup = conn.execute(select(articles.c.duplicate_of).where(articles.c.id == ids[1]))
        assert dup.scalar() == ids[0]  # the near-duplicate stage linked the copy
    cluster_pending(store)
    record = get_story(store, story_of(store, ids[0]))
    assert record["first_article_id"] == ids[0]
    assert record["article_ids"] == [ids[0], ids[2], ids[1]]  # by publication time
    (chain,) = record["copy_chains"]
    assert chain["original_id"] == ids[0] and chain["original_in_story"]
    (copy,) = chain["copies"]
    assert copy["article_id"] == ids[1]
    assert 0.0 < copy["changed"] < 0.2  # one clause rewritten out of four sentences
    assert record["sources"] == ["Copier", "Haber", "Wire"]


def test_entities_from_the_entity_stage_split_near_misses_and_show_in_the_record(store) -> None:
    """Two rate decisions of different banks on one day with near vectors: the entity keys
    (read from ``article_entities``) keep them apart; the record lists entities and quotes."""
    ids = add(
        store,
        [
            ("r1", "en", "Russia holds rate", T0, "B"),
            ("e1", "en", "Egypt cuts rate", T0 + timedelta(hours=1), "B"),
            ("r2", "ru", "Банк России сохранил ставку", T0 + timedelta(hours=2), "B"),
        ],
        noise=0.33,  # pairwise cosine ≈ 0.90: one topic, as two rate decisions are
    )
    keys = {ids[0]: "ORG:bank of russia", ids[1]: "ORG:central bank of egypt",
            ids[2]: "ORG:bank of russia"}  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(
            insert(article_entities),
            [
                {"article_id": i, "key": k, "canonical": k[4:].title(), "type": "ORG",
                 "mention": k[4:], "count": 2}
                for i, k in keys.items()
            ] + [
                {"article_id": i, "key": f"LOC:{name}", "canonical": name, "type": "LOC",
                 "mention": name, "count": 1}
                for i, name in ((ids[0], "moscow"), (ids[1], "cairo"), (ids[2], "moscow"))
            ],
        )  # fmt: skip
        conn.execute(
            insert(quotes),
            [{"article_id": ids[0], "sentence_idx": 1, "speaker": "Governor",
              "speaker_key": "PER:governor", "quote": "A cut is possible next year.",
              "kind": "direct", "lang": "en"}],
        )  # fmt: skip
    # cosine alone (≈ 0.90) stays under the join threshold; a shared entity lifts it over
    cluster_pending(store, params=Params(w_ent=0.1, w_num=0.0, w_time=0.0, join=0.95))
    assert story_of(store, ids[0]) == story_of(store, ids[2]) != story_of(store, ids[1])
    record = get_story(store, story_of(store, ids[0]))
    # ranked by articles, then mentions
    assert [e["key"] for e in record["top_entities"]] == ["ORG:bank of russia", "LOC:moscow"]
    assert record["top_entities"][0]["mentions"] == 4
    assert record["top_quotes"][0]["quote"] == "A cut is possible next year."


def test_velocity_sort_puts_the_growing_story_first(store) -> None:
    now = T0 + timedelta(days=2)
    old = [(f"o{k}", "en", f"Old story part {k}", now - timedelta(hours=30 + k), "C")
           for k in range(5)]  # fmt: skip
    hot = [(f"h{k}", "tr", f"Sıcak haber {k}", now - timedelta(hours=k), "E") for k in range(3)]
    ids = add(store, old + hot)
    cluster_pending(store)
    by_velocity = list_stories(store, sort="velocity")
    assert ids[-1] in by_velocity[0]["article_ids"]
    assert by_velocity[0]["velocity"] == pytest.approx(3 / 6)
    assert by_velocity[0]["recent_articles"] == 3
    assert list_stories(store, sort="size")[0]["article_count"] == 5
    since = list_stories(store, since=now - timedelta(hours=10))
    assert [s["article_count"] for s in since] == [3]


def test_consolidation_merges_a_story_split_by_arrival(store) -> None:
    ids = add(
        store,
        [
            ("m1", "en", "Floods in Antalya", T0, "A"),
            ("m2", "tr", "Antalya'da sel", T0 + timedelta(hours=1), "A"),
        ],
    )
    cluster_pending(store, params=Params(join=1.5))  # nothing joins: two stories
    assert story_of(store, ids[0]) != story_of(store, ids[1])
    assert consolidate(store, params=Params(merge=0.9)) == 1
    merged = story_of(store, ids[0])
    assert story_of(store, ids[1]) == merged
    assert get_story(store, merged)["article_count"] == 2
    assert consolidate(store) == 0


def test_consolidation_splits_a_chained_story_and_retires_an_emptied_one(store) -> None:
    """The order-free consolidation applied by the store (``apply_regroup``, one transaction):
    a story that chained two events splits (a new story for the second), a story of one stray
    article of the first event is emptied and kept as "merged" pointing where it went, and the
    aggregates of every touched story are recomputed from their members."""
    from minbar.store.schema import story_articles

    chained = add(
        store,
        [
            ("s1", "en", "Floods in Antalya", T0, "A"),
            ("s2", "tr", "Antalya'da sel", T0 + timedelta(hours=1), "A"),
            ("s3", "en", "Vote count begins", T0 + timedelta(hours=2), "B"),
            ("s4", "ru", "Подсчёт голосов начался", T0 + timedelta(hours=3), "B"),
        ],
    )
    cluster_pending(store, params=Params(join=-5.0))  # everything joins: one chained story
    (stray,) = add(store, [("s5", "az", "Antalyada sel", T0 + timedelta(hours=4), "A")])
    cluster_pending(store, params=Params(join=1.5))  # nothing joins: a story of its own
    first, lone = story_of(store, chained[0]), story_of(store, stray)
    assert {story_of(store, i) for i in chained} == {first} and lone != first

    assert consolidate(store) == 2  # one story split off, one merged away
    flood, vote = chained[:2] + [stray], chained[2:]
    assert {story_of(store, i) for i in flood} == {first}  # the chained story keeps its id
    split = story_of(store, vote[0])
    assert story_of(store, vote[1]) == split and split not in {first, lone}
    with store.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(stories)).all()}
        members = dict(
            conn.execute(select(story_articles.c.article_id, story_articles.c.story_id)).all()
        )
        vectors = dict(
            conn.execute(select(article_vectors.c.article_id, article_vectors.c.vector)).all()
        )
    assert rows[lone].status == "merged" and rows[lone].parent_id == first
    assert rows[split].status != "merged" and rows[split].parent_id is None
    for sid, ids, title, langs in (
        (first, flood, "Floods in Antalya", ["az", "en", "tr"]),
        (split, vote, "Vote count begins", ["en", "ru"]),
    ):
        row = rows[sid]
        assert sorted(a for a, s in members.items() if s == sid) == sorted(ids)
        assert row.article_count == len(ids) and row.title == title
        assert sorted(json.loads(row.languages)) == langs
        assert row.first_article_id == ids[0]
        assert to_utc(row.last_published) == T0 + timedelta(hours=4 if sid == first else 3)
        vsum = sum(np.frombuffer(vectors[a], dtype=np.float32) for a in ids)
        assert np.allclose(np.frombuffer(row.centroid, dtype=np.float32), vsum, atol=1e-5)
    assert get_story(store, lone)["id"] == first  # a merged story's record is its survivor's

    assert consolidate(store) == 0  # idempotent: nothing to change, nothing written
    with store.engine.connect() as conn:
        again = {r.id: r for r in conn.execute(select(stories)).all()}
    assert {k: (r.updated_at, r.article_count) for k, r in again.items()} == {
        k: (r.updated_at, r.article_count) for k, r in rows.items()
    }


def test_a_large_pending_batch_is_regrouped_whatever_its_order(store, monkeypatch) -> None:
    """A backfill (a pending batch of at least REGROUP_BATCH) is assigned as a whole: two events
    come out as two stories, with the same membership, however the articles were stored."""
    from minbar.stories import stage

    monkeypatch.setattr(stage, "REGROUP_BATCH", 2)
    rows = [
        (f"r{k}", "en", f"{'Floods' if c == 'A' else 'Vote'} report {k}",
         T0 + timedelta(hours=k), c)
        for k, c in enumerate("ABABBA")
    ]  # fmt: skip
    ids = add(store, rows[::-1])[::-1]  # stored newest first
    assert cluster_pending(store) == 6
    a = {story_of(store, i) for i, r in zip(ids, rows, strict=True) if r[4] == "A"}
    b = {story_of(store, i) for i, r in zip(ids, rows, strict=True) if r[4] == "B"}
    assert len(a) == len(b) == 1 and a != b
    assert pending_ids(store) == []
    assert cluster_pending(store) == 0


def test_cli_stories_and_story(tmp_path) -> None:
    data = str(tmp_path / "data")
    from minbar.config import Settings
    from minbar.store.repository import Store

    store = Store.open(Settings(data_dir=Path(data)))
    ids = add(
        store,
        [
            ("c1", "en", "Quake hits Van", T0, "A"),
            ("c2", "az", "Vanda zəlzələ", T0 + timedelta(hours=1), "A"),
        ],
    )
    cluster_pending(store)
    store.close()
    listed = cli("--data-dir", data, "stories", "--json")
    assert listed.exit_code == 0, listed.output
    (story,) = as_json(listed)
    assert story["article_ids"] == ids and story["languages"] == ["az", "en"]
    assert story["first_url"] == "https://news.example/c1"
    velocity = cli("--data-dir", data, "stories", "--sort", "velocity", "--json")
    assert as_json(velocity)[0]["id"] == story["id"]
    full = cli("--data-dir", data, "story", str(story["id"]), "--json")
    assert full.exit_code == 0, full.output
    record = as_json(full)
    assert record["first_article_id"] == ids[0]
    assert set(record) >= {"titles", "timeline", "top_entities", "top_quotes", "copy_chains",
                           "articles", "velocity", "sources"}  # fmt: skip
    text = cli("--data-dir", data, "story", str(story["id"]))
    assert text.exit_code == 0 and "Quake hits Van" in text.output
    assert cli("--data-dir", data, "story", "999").exit_code == 2
    assert cli("--data-dir", data, "stories", "--sort", "loud").exit_code == 2
    assert cli("--data-dir", data, "stories", "--since", "yesterday-ish").exit_code == 2


# ---------------------------------------------------------------------------- quality gate

#: Measured B-cubed F1 on the test half (even event numbers), rounded down (BENCHMARKS.md):
#: online assignment one article at a time (order-dependent), and with the order-free
#: consolidation / one batch (regrouping; 0.987 in every order, helper M, 2026-12-06).
TEST_F1_FLOOR = {"chronological": 0.98, "reversed": 0.82, "shuffled_1": 0.95}
REGROUPED_TEST_F1_FLOOR = 0.98


def test_story_clustering_quality_floor() -> None:
    """The shipped parameters on the test half of the annotated set, in three arrival orders.
    Uses the e5 vectors cached by benchmarks/stories.py, else embeds the 222 articles (~75 s)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from _stories_data import bcubed, build_items, load_records

    records = load_records()
    items = build_items(records)
    gold = {r["idx"]: r["event"] for r in records}
    test = {r["idx"] for r in records if r["split"] == "test"}
    chrono = sorted(items, key=lambda i: (i.t, i.id))
    shuffled = list(chrono)
    random.Random(1).shuffle(shuffled)
    for name, seq in (("chronological", chrono), ("reversed", chrono[::-1]),
                      ("shuffled_1", shuffled)):  # fmt: skip
        f1 = bcubed(cluster_items(seq), gold, test)["f1"]
        assert f1 >= TEST_F1_FLOOR[name], f"{name}: B-cubed F1 {f1} < {TEST_F1_FLOOR[name]}"


def test_story_clustering_is_order_free_when_regrouped() -> None:
    """Five arrival orders (chronological, reversed, three shuffles): the order-free
    consolidation and one-batch assignment give the same stories and test-half F1 >= 0.98.
    Fails (never skips) when the set is missing."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from _stories_data import bcubed, build_items, load_records

    records = load_records()
    items = build_items(records)
    assert len(items) >= 200
    gold = {r["idx"]: r["event"] for r in records}
    test = {r["idx"] for r in records if r["split"] == "test"}
    chrono = sorted(items, key=lambda i: (i.t, i.id))
    orders = [chrono, chrono[::-1]]
    for seed in (1, 2, 3):
        shuffled = list(chrono)
        random.Random(seed).shuffle(shuffled)
        orders.append(shuffled)
    for how in ({"regrouped": True}, {"batch": 1000}):
        partitions = set()
        for seq in orders:
            pred = cluster_items(seq, **how)
            groups: dict[int, set[int]] = {}
            for aid, sid in pred.items():
                groups.setdefault(sid, set()).add(aid)
            partitions.add(frozenset(frozenset(g) for g in groups.values()))
            f1 = bcubed(pred, gold, test)["f1"]
            assert f1 >= REGROUPED_TEST_F1_FLOOR, (how, f1)
        assert len(partitions) == 1, how


def test_regroup_plan_keeps_ids_and_moves_only_what_changes() -> None:
    from minbar.stories.clustering import regroup_plan

    # story 10 chained two events (1-4); story 20 holds a stray of the second event (5)
    current = {1: 10, 2: 10, 3: 10, 4: 10, 5: 20, 6: 30}
    plan = regroup_plan(current, [[1, 2], [3, 4, 5], [6]])
    assert plan.keep == {0: 10, 1: 20, 2: 30}  # each group keeps the story it overlaps most
    assert sorted(plan.moves) == [(3, 1), (4, 1)]
    assert plan.emptied == {}
    plan = regroup_plan({1: 10, 2: 11}, [[1, 2]])
    assert plan.keep == {0: 10} and plan.moves == [(2, 0)] and plan.emptied == {11: 0}


#: Measured B-cubed F1 through the database (SQLite and PostgreSQL, helper N, 2026-12-06):
#: the set arriving in chunks of 40, each clustered (``cluster_pending``) and followed by the
#: periodic consolidation, is 0.978 (all 222) / 0.987 (test half) in every arrival order, the
#: same partition as regrouping the whole set in memory; floors = measured less ~0.01.
DB_ALL_F1_FLOOR = 0.968
DB_TEST_F1_FLOOR = 0.977


def feed(store, records, items, order, chunk: int = 40) -> dict[int, int]:
    """Store the annotated set in ``order`` as the pipeline would (ingest, the cached vectors,
    entity rows as the entity stage writes them), clustering and consolidating after every
    chunk; returns {record idx: article id}."""
    art = {}
    for k in range(0, len(order), chunk):
        part = [records[i.id] for i in order[k : k + chunk]]
        ids = store.add_articles(
            prepare_batch(
                [
                    ArticleIn(url=r["url"], title=r["title"], text=r["text"],
                              published=parse_datetime(r["published"]), source=r["source"],
                              lang=r["lang"])
                    for r in part
                ]
            )
        ).article_ids  # fmt: skip
        with store.engine.begin() as conn:
            conn.execute(
                insert(article_vectors),
                [{"article_id": a, "vector": to_bytes(items[r["idx"]].vec)}
                 for a, r in zip(ids, part, strict=True)],
            )  # fmt: skip
            ents = [
                {"article_id": a, "key": key, "canonical": key.split(":", 1)[-1],
                 "type": key.split(":", 1)[0][:8], "mention": key, "count": 1}
                for a, r in zip(ids, part, strict=True)
                for key in sorted(items[r["idx"]].keys)
            ]  # fmt: skip
            if ents:
                conn.execute(insert(article_entities), ents)
        art.update({r["idx"]: a for a, r in zip(ids, part, strict=True)})
        cluster_pending(store)
        consolidate(store)
    return art


@pytest.mark.parametrize("arrival", ["reversed", "shuffled_1", "shuffled_2"])
def test_consolidation_makes_stories_order_free_through_the_database(store, arrival) -> None:
    """The annotated set arrives out of order in chunks of 40 (the live stream's small
    batches, which stay online): after the periodic consolidation the stories are the ones
    regrouping the whole set gives, whatever the order. Fails (never skips) when data is
    missing."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from _stories_data import bcubed, build_items, load_records

    records = load_records()
    items = build_items(records)
    assert len(items) >= 200
    chrono = sorted(items, key=lambda i: (i.t, i.id))
    order = chrono[::-1]
    if arrival != "reversed":
        order = list(chrono)
        random.Random(int(arrival[-1])).shuffle(order)  # the benchmark's shuffles (seeds 1, 2)
    art = feed(store, records, {i.id: i for i in items}, order)
    story = {a: s["id"] for s in list_stories(store, limit=10_000) for a in s["article_ids"]}
    pred = {idx: story[a] for idx, a in art.items()}
    gold = {r["idx"]: r["event"] for r in records}
    test = {r["idx"] for r in records if r["split"] == "test"}
    f1_all, f1_test = bcubed(pred, gold)["f1"], bcubed(pred, gold, test)["f1"]
    assert f1_all >= DB_ALL_F1_FLOOR and f1_test >= DB_TEST_F1_FLOOR, (arrival, f1_all, f1_test)

    def partition(assign: dict[int, int]) -> set[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for idx, sid in assign.items():
            groups.setdefault(sid, set()).add(idx)
        return {frozenset(g) for g in groups.values()}

    assert partition(pred) == partition(cluster_items(chrono, regrouped=True))
    assert consolidate(store) == 0
