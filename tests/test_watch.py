"""Watchlists through the facade on SQLite and PostgreSQL: inflected keyword forms fire and
near misses stay silent, one entity across Latin / Cyrillic / Arabic script, language and
source filters, one alert per (watchlist, article) even on re-ingest and re-evaluation,
permissions (404 for non-members, 403 for viewers), velocity and silence rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import write_jsonl

from minbar import Minbar
from minbar.auth import Actor
from minbar.errors import Forbidden, InvalidInput, NotFound
from minbar.store import watchlists as wstore
from minbar.watch.evaluate import evaluate_articles
from minbar.watch.keywords import KeywordIndex
from minbar.watch.periodic import evaluate_periodic

# (lang, title, text, fires for "Gəncə") — the inflected forms must fire, the rest must not.
KEYWORD_CASES = [
    ("az", "Gəncədə yeni park açıldı", "Gəncədə bu gün yeni park açılıb.", True),
    ("az", "Gəncənin meri istefa verdi", "Şəhərin meri istefa verib.", True),
    ("az", "Prezident Gəncəyə səfər edib", "Səfər iki gün davam edəcək.", True),
    ("tr", "GENCE'DEN ihracat arttı", "Şehirden ihracat yüzde 10 arttı.", True),
    ("az", "Gənc idmançılar mükafatlandırılıb", "Gənclər və İdman Nazirliyi mükafat verib.", False),
    ("tr", "Genç futbolcu transfer oldu", "Genç oyuncu yeni takımına geçti.", False),
    ("tr", "Gençlik festivali başladı", "Gençlik ve spor festivali başladı.", False),
    ("az", "Gədəbəydə yol təmiri", "Gədəbəy rayonunda yol təmir olunur.", False),
]

# One person in three scripts (must fire) and namesakes / other people (must stay silent).
ENTITY_CASES = [
    ("en", "Ilham Aliyev meets EU envoy", "President Ilham Aliyev met the EU envoy in Baku.", True),
    ("ru", "Ильхам Алиев принял посла", "Президент Ильхам Алиев принял посла Франции.", True),
    ("ar", "إلهام علييف يستقبل وفدا", "استقبل الرئيس الأذربيجاني إلهام علييف وفدا تركيا.", True),
    ("az", "İlham Əliyev Gəncəyə gəlib", "Prezident İlham Əliyev Gəncədə olub.", True),
    ("en", "Heydar Aliyev centre hosts show", "The Heydar Aliyev Centre hosts an art show.", False),
    ("ru", "Мехрибан Алиева открыла школу", "Первый вице-президент открыла школу.", False),
    ("en", "Recep Tayyip Erdogan visits Baku", "Erdogan visited Baku on Monday.", False),
    ("ar", "أردوغان يزور باكو", "زار الرئيس التركي رجب طيب أردوغان باكو.", False),
]


def records(cases, prefix: str, source: str = "wire") -> list[dict]:
    return [
        {
            "url": f"https://{prefix}.example/{i}",
            "title": t,
            "text": x,
            "lang": lg,
            "source": source,
        }
        for i, (lg, t, x, _fires) in enumerate(cases)
    ]


@pytest.fixture
def world(settings):
    mb = Minbar(settings=settings)
    system = Actor.system("test")
    mb.add_org(system, "org", "Org")
    mb.add_committee(system, "pd", "Public diplomacy")
    mb.add_committee(system, "other", "Other")
    for email, com, role in [
        ("analyst@x.org", "pd", "analyst"),
        ("viewer@x.org", "pd", "viewer"),
        ("outsider@x.org", "other", "lead"),
    ]:
        mb.add_user(system, email, "org")
        mb.add_member(system, com, email, role)
    actors = {}
    for email in ("analyst@x.org", "viewer@x.org", "outsider@x.org"):
        user = mb.user(system, email)
        actors[email.split("@")[0]] = mb.actor_from_session(
            user["id"], mb.session_epoch(user["id"]), "127.0.0.1"
        )
    yield mb, actors
    mb.close()


def fired(mb, actor, wid) -> set[str]:
    return {a["url"] for a in mb.alerts(actor, watchlist=wid)}


def expected(cases, prefix: str) -> set[str]:
    return {f"https://{prefix}.example/{i}" for i, c in enumerate(cases) if c[-1]}


def test_keyword_inflections_fire_and_near_misses_stay_silent(world, tmp_path):
    mb, who = world
    wl = mb.create_watchlist(who["analyst"], "pd", "Ganja", "keyword", "Gəncə")
    mb.ingest([str(write_jsonl(tmp_path / "kw.jsonl", records(KEYWORD_CASES, "kw")))], enrich=True)
    assert fired(mb, who["analyst"], wl["id"]) == expected(KEYWORD_CASES, "kw")
    assert sum(not c[-1] for c in KEYWORD_CASES) >= sum(c[-1] for c in KEYWORD_CASES)


def test_entity_across_scripts(world, tmp_path):
    mb, who = world
    wl = mb.create_watchlist(who["analyst"], "pd", "President", "entity", "Ильхам Алиев")
    assert wl["params"]["keys"] == ["PER:ilham-aliyev"]
    mb.ingest([str(write_jsonl(tmp_path / "e.jsonl", records(ENTITY_CASES, "en")))], enrich=True)
    assert fired(mb, who["analyst"], wl["id"]) == expected(ENTITY_CASES, "en")


def test_one_alert_per_watchlist_and_article_ever(world, tmp_path):
    mb, who = world
    wl = mb.create_watchlist(who["analyst"], "pd", "Ganja", "keyword", "Gəncə OR Гянджа")
    path = write_jsonl(tmp_path / "kw.jsonl", records(KEYWORD_CASES[:2], "kw"))
    mb.ingest([str(path)], enrich=True)
    first = mb.alerts(who["analyst"], watchlist=wl["id"])
    assert len(first) == 2
    mb.ingest([str(path)], enrich=True)  # re-ingest: same URLs
    copy = write_jsonl(tmp_path / "copy.jsonl", records(KEYWORD_CASES[:1], "mirror"))
    mb.ingest([str(copy)], enrich=True)  # the same body at another URL: an exact copy
    ids = [a["article_id"] for a in first]
    assert evaluate_articles(mb.store, ids) == 0  # re-evaluation inserts nothing
    assert len(mb.alerts(who["analyst"], watchlist=wl["id"])) == 2


def test_filters_permissions_and_read_state(world, tmp_path):
    mb, who = world
    only_tr = mb.create_watchlist(
        who["analyst"], "pd", "tr only", "keyword", "Gəncə", langs=["tr"], sources=["wire"]
    )
    other_source = mb.create_watchlist(
        who["analyst"], "pd", "elsewhere", "keyword", "Gəncə", sources=["nowhere"]
    )
    mb.ingest([str(write_jsonl(tmp_path / "kw.jsonl", records(KEYWORD_CASES, "kw")))], enrich=True)
    assert [a["lang"] for a in mb.alerts(who["viewer"], watchlist=only_tr["id"])] == ["tr"]
    assert mb.alerts(who["viewer"], watchlist=other_source["id"]) == []
    # a non-member learns nothing; a viewer may read but not manage
    with pytest.raises(NotFound):
        mb.alerts(who["outsider"], watchlist=only_tr["id"])
    with pytest.raises(NotFound):
        mb.watchlists(who["outsider"], "pd")
    assert mb.alerts(who["outsider"]) == []
    with pytest.raises(Forbidden):
        mb.create_watchlist(who["viewer"], "pd", "x", "keyword", "x")
    with pytest.raises(NotFound):
        mb.create_watchlist(who["outsider"], "pd", "x", "keyword", "x")
    with pytest.raises(InvalidInput):
        mb.create_watchlist(who["analyst"], "pd", "x", "nonsense", "x")
    with pytest.raises(InvalidInput):  # the SSRF guard, at creation
        mb.create_watchlist(
            who["analyst"], "pd", "x", "keyword", "x",
            channels=[{"type": "webhook", "url": "http://127.0.0.1:9/x", "secret": "s" * 16}],
        )  # fmt: skip
    assert mb.unread_count(who["viewer"]) == 1
    alert = mb.alerts(who["viewer"], watchlist=only_tr["id"])[0]
    assert set(alert) >= {"id", "watchlist_id", "article_id", "title", "url", "lang", "reason"}
    with pytest.raises(NotFound):
        mb.mark_read(who["outsider"], [alert["id"]])
    assert mb.mark_read(who["viewer"], [alert["id"]]) == {"read": 1}
    assert mb.unread_count(who["viewer"]) == 0
    actions = [e["action"] for e in mb.audit_log(Actor.system("test"), limit=50)]
    assert "watchlist.create" in actions and "alert.read" in actions


def test_velocity_and_silence(world, tmp_path):
    mb, who = world
    vel = mb.create_watchlist(
        who["analyst"], "pd", "fast", "velocity", params={"articles": 3, "languages": 3, "hours": 6}
    )
    sil = mb.create_watchlist(
        who["analyst"], "pd", "quiet", "silence", params={"factor": 3, "min_hours": 1}
    )
    quake = [
        ("tr", "Malatya'da 5.6 büyüklüğünde deprem", "AFAD Malatya'da deprem olduğunu duyurdu."),
        ("ru", "Землетрясение в Малатье", "В турецкой провинции Малатья произошло землетрясение."),
        ("ar", "زلزال يضرب ملاطية التركية", "ضرب زلزال بقوة 5.6 درجات ولاية ملاطية في تركيا."),
    ]
    recs = [
        {"url": f"https://q.example/{i}", "title": t, "text": x, "lang": lg, "source": "wire"}
        for i, (lg, t, x) in enumerate(quake)
    ]
    mb.ingest([str(write_jsonl(tmp_path / "q.jsonl", recs))], enrich=True)
    now = wstore.utcnow()
    assert evaluate_periodic(mb.store, now) >= 1
    alerts = mb.alerts(who["analyst"], watchlist=vel["id"])
    assert len(alerts) >= 1 and all(a["article_id"] is None for a in alerts)
    assert evaluate_periodic(mb.store, now) == 0  # once per story
    # the source posted three articles at once: its usual gap is 0 → floor of 1 h applies
    assert mb.alerts(who["analyst"], watchlist=sil["id"]) == []
    later = now + timedelta(hours=2)
    assert evaluate_periodic(mb.store, later) == 1
    assert "silence" in mb.alerts(who["analyst"], watchlist=sil["id"])[0]["reason"]
    assert evaluate_periodic(mb.store, later + timedelta(hours=1)) == 0  # one per silent spell


def test_keyword_index_unit():
    ix = KeywordIndex([(1, '"Hakan Fidan"'), (2, "bayraq"), (3, "غزة"), (4, "Гянджа")])
    from minbar.text.normalize import search_key, stem_key

    def m(text, lang):
        return set(ix.match(search_key(text), stem_key(text, lang)))

    assert m("Dışişleri Bakanı Hakan Fidan açıkladı", "tr") == {1}
    assert m("Fidan dikimi: Hakan Bey katıldı", "tr") == set()  # phrase words not adjacent
    assert m("Bayrağı qaldırdılar", "az") == {2}
    assert m("Bayram tətili başladı", "az") == set()
    assert m("قصف على غزة اليوم", "ar") == {3}
    assert m("Взрыв в Гяндже", "ru") == {4}


def test_claim_watchlist_bound_to_a_factcheck(world, tmp_path):
    """``factcheck:ID``: the auto-matcher's links to that fact-check fire it, including links
    made after the article's watch stage (new fact-checks re-open matching)."""
    import json

    from sqlalchemy import insert, select

    from minbar.store.schema import claim_matches, factchecks

    mb, who = world
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": "https://checks.example/1", "claimReviewed": "Gəncədə park 50 hektardır",
        "inLanguage": "az", "datePublished": "2026-11-15",
        "author": {"@type": "Organization", "name": "Checks"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5,
                         "worstRating": 1, "alternateName": "False"},
    }  # fmt: skip
    (tmp_path / "fc.json").write_text(json.dumps(review, ensure_ascii=False), "utf-8")
    mb.factchecks_import([str(tmp_path / "fc.json")])
    with mb.store.engine.connect() as conn:
        fid = conn.execute(select(factchecks.c.id)).scalar_one()
    wl = mb.create_watchlist(who["analyst"], "pd", "park claim", "claim", f"factcheck:{fid}")
    assert wl["params"]["factcheck_ids"] == [fid]
    mb.ingest([str(write_jsonl(tmp_path / "kw.jsonl", records(KEYWORD_CASES[:2], "kw")))],
              enrich=True)  # fmt: skip
    assert mb.alerts(who["analyst"], watchlist=wl["id"]) == []
    with mb.store.engine.begin() as conn:  # what the auto-matcher writes when it links them
        aid = conn.execute(select(claim_matches.c.article_id).limit(1)).scalar()
        assert aid is None
        conn.execute(insert(claim_matches).values(
            article_id=1, sentence="Gəncədə bu gün yeni park açılıb.", factcheck_id=fid,
            score=0.99, matched_at=wstore.utcnow()))  # fmt: skip
    assert evaluate_periodic(mb.store) == 1
    [alert] = mb.alerts(who["analyst"], watchlist=wl["id"])
    assert alert["article_id"] == 1 and alert["reason"].startswith("claim: ")
    assert evaluate_periodic(mb.store) == 0
