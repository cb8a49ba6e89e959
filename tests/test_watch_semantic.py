"""Cross-lingual semantic and claim watchlists on the hand-written held-out set
(tests/data/watch_semantic.json): English queries fire on Arabic, Russian, Turkish and
Azerbaijani articles about the same thing, and the near misses (same place or neighbouring topic)
stay silent. Bounds are the measured results with a margin (docs/round2/watchlists.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_jsonl

from minbar import Minbar
from minbar.auth import Actor

DATA = json.loads((Path(__file__).parent / "data" / "watch_semantic.json").read_text("utf-8"))


@pytest.fixture
def mb(settings):
    m = Minbar(settings=settings)
    m.add_committee(Actor.system("test"), "pd", "Public diplomacy")
    yield m
    m.close()


def test_semantic_cross_lingual_with_near_misses(mb, tmp_path):
    system = Actor.system("test")
    recs, truth = [], {}
    for ti, topic in enumerate(DATA["topics"]):
        for label in ("pos", "neg"):
            for ai, a in enumerate(topic[label]):
                url = f"https://t{ti}.example/{label}/{ai}"
                recs.append({**a, "url": url, "source": "wire"})
                if label == "pos":
                    truth.setdefault(ti, set()).add(url)
    assert sum(len(t["neg"]) for t in DATA["topics"]) >= sum(len(t["pos"]) for t in DATA["topics"])
    wls = {
        ti: mb.create_watchlist(system, "pd", f"t{ti}", "semantic", t["query"])["id"]
        for ti, t in enumerate(DATA["topics"])
    }
    mb.ingest([str(write_jsonl(tmp_path / "s.jsonl", recs))], enrich=True)
    tp = fp = 0
    for ti, wid in wls.items():
        got = {a["url"] for a in mb.alerts(system, watchlist=wid)}
        tp += len(got & truth[ti])
        fp += len(got - truth[ti])
        assert all(a["reason"].startswith("semantic: ") for a in mb.alerts(system, watchlist=wid))
    n_pos = sum(len(v) for v in truth.values())
    # measured 2026-12-06 (threshold 0.83): 12 of 19 on-topic articles fire, 1 false alert over
    # the 6 x 38 (watchlist, article) pairs
    assert tp >= 0.6 * n_pos
    assert fp <= 2
    # all but the two-word query ("forest fires": best cosine 0.81) fire across languages
    crossing = [wid for wid in wls.values() if mb.alerts(system, watchlist=wid)]
    assert len(crossing) >= 5


def test_claim_watchlist_matches_a_sentence_in_another_language(mb, tmp_path):
    system = Actor.system("test")
    wl = mb.create_watchlist(
        system, "pd", "autism claim", "claim", "Vaccines cause autism in children."
    )
    recs = [
        {"url": "https://ru.example/claim", "lang": "ru", "source": "wire",
         "title": "В соцсетях снова распространяют миф о прививках",
         "text": "Пользователи соцсетей утверждают, что вакцины вызывают аутизм у детей. "
                 "Врачи называют это опасным мифом, который давно опровергнут."},
        {"url": "https://tr.example/claim", "lang": "tr", "source": "wire",
         "title": "Sosyal medyada aşı iddiası",
         "text": "Sosyal medyada paylaşılan bir videoda aşıların çocuklarda otizme neden olduğu "
                 "iddia edildi. Uzmanlar iddianın bilimsel dayanağı olmadığını söyledi."},
        {"url": "https://ru.example/near", "lang": "ru", "source": "wire",
         "title": "В поликлиниках закончились вакцины от гриппа",
         "text": "В нескольких поликлиниках города закончились вакцины от гриппа для детей, "
                 "новая партия ожидается на следующей неделе."},
        {"url": "https://tr.example/near", "lang": "tr", "source": "wire",
         "title": "Otizm farkındalık günü etkinlikleri",
         "text": "Otizm farkındalık günü dolayısıyla okullarda çocuklar için etkinlikler "
                 "düzenlendi."},
    ]  # fmt: skip
    mb.ingest([str(write_jsonl(tmp_path / "c.jsonl", recs))], enrich=True)
    got = {a["url"] for a in mb.alerts(system, watchlist=wl["id"])}
    assert got == {"https://ru.example/claim", "https://tr.example/claim"}
