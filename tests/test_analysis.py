"""The analysis stage end to end: ``minbar analyze`` (stateless contract), enrichment that
stores sentences, check-worthiness, entities and quotes (SQLite and PostgreSQL), ``minbar quotes``
and user-defined entities that re-open the analysis."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from minbar.analysis.analyze import analyze_text
from minbar.analysis.enrich import analyze_pending, load_entity_defs, pending_ids, save_entity_defs
from minbar.analysis.records import list_quotes
from minbar.cli import app
from minbar.ingest.pipeline import ingest
from minbar.store.analysis import top_entities
from minbar.store.schema import article_entities, article_sentences, quotes

ARTICLES = [
    {
        "url": "https://kervan.example/2026/11/21/altun",
        "title": "İletişim Başkanı Altun: Dezenformasyonla mücadele sürecek",
        "text": (
            "İletişim Başkanı Fahrettin Altun, Ankara'da düzenlenen forumda konuştu. "
            '"Dezenformasyonla mücadelemizi kararlılıkla sürdüreceğiz," dedi. '
            "Altun, geçen yıl 1.200 sahte haberin tespit edildiğini söyledi."
        ),
        "published": "2026-11-21T10:00:00+03:00",
        "source": "Kervan Gazetesi",
        "lang": "tr",
    },
    {
        "url": "https://alrawi.example/2026/11/21/altun",
        "title": "ألتون: مكافحة التضليل مستمرة",
        "text": (
            "قال رئيس دائرة الاتصال في الرئاسة التركية فخر الدين ألتون إن مكافحة الأخبار "
            "الكاذبة ستستمر. وأضاف أن أكثر من 1200 خبر كاذب رصد العام الماضي."
        ),
        "published": "2026-11-21T12:00:00+03:00",
        "source": "Al-Rawi Daily",
        "lang": "ar",
    },
    {
        "url": "https://vostok.example/2026/11/21/baku",
        "title": "В Баку открылся медиафорум",
        "text": (
            "В Баку открылся международный медиафорум. «Мы будем бороться с дезинформацией "
            "вместе», — сказал президент Азербайджана Ильхам Алиев."
        ),
        "published": "2026-11-21T13:00:00+04:00",
        "source": "Vostok Vestnik",
        "lang": "ru",
    },
]


def test_analyze_text_contract():
    result = analyze_text(ARTICLES[0]["text"], "tr").to_dict()
    assert set(result) == {"lang", "sentences", "entities", "quotes", "claims"}
    assert result["lang"] == "tr" and len(result["sentences"]) == 3
    # every sentence scored, in [0, 1]
    assert [c["text"] for c in result["claims"]] == result["sentences"]
    assert all(0.0 <= c["score"] <= 1.0 for c in result["claims"])
    assert any(e["canonical"] == "Fahrettin Altun" for e in result["entities"])
    assert any(
        q["kind"] == "direct" and "Fahrettin Altun" in (q["speaker"] or "")
        for q in result["quotes"]
    )


def test_analyze_cli_single_and_batch(tmp_path):
    runner = CliRunner()
    src = tmp_path / "t.txt"
    src.write_text(ARTICLES[2]["text"], encoding="utf-8")
    res = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "analyze", str(src), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["lang"] == "ru"
    assert doc["quotes"] and doc["quotes"][0]["speaker"].endswith("Алиев")
    assert not (tmp_path / "d" / "minbar.db").exists()  # stateless: no store created

    batch = tmp_path / "b.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps({"id": i, "text": a["text"]}, ensure_ascii=False)
            for i, a in enumerate(ARTICLES)
        )
        + "\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "analyze", "--batch", str(batch)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == [0, 1, 2]
    assert [x["lang"] for x in lines] == ["tr", "ar", "ru"]

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    res = runner.invoke(app, ["analyze", "--batch", str(bad)])
    assert res.exit_code == 2 and "line 1" in res.output


def _load(store, settings, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8"
    )
    report = ingest(store, [str(path)], settings)
    assert report.ingested == len(ARTICLES)


def test_enrich_stores_analysis_incrementally(store, settings, tmp_path):
    _load(store, settings, tmp_path)
    first = analyze_pending(store)
    assert first.analyzed == 3 and not first.errors
    assert pending_ids(store) == [] and analyze_pending(store).analyzed == 0  # incremental
    with store.engine.connect() as conn:
        n_sent = conn.execute(select(func.count()).select_from(article_sentences)).scalar_one()
        n_quotes = conn.execute(select(func.count()).select_from(quotes)).scalar_one()
        keys = set(conn.execute(select(article_entities.c.key)).scalars())
    assert n_sent == first.sentences and n_quotes == first.quotes >= 3
    # one person across Latin and Arabic script, one country across scripts
    by_key = {r["key"]: r for r in top_entities(store)}
    altun = [r for r in by_key.values() if r["canonical"] == "Fahrettin Altun"]
    assert altun and altun[0]["articles"] == 2, by_key
    assert any(k.startswith("PER:") for k in keys)
    # quotes by speaker in another script than the one written
    found = list_quotes(store, speaker="Fahrettin Altun")
    assert {q["lang"] for q in found} == {"tr", "ar"}, found


def test_user_entities_reopen_analysis(store, settings, tmp_path):
    _load(store, settings, tmp_path)
    analyze_pending(store)
    from minbar.analysis.entities import EntityDef

    result = save_entity_defs(
        store, [EntityDef("Caspian Media Forum", "ORG", ["медиафорум", "Xəzər Media Forumu"])]
    )
    assert result == {"added": 1, "updated": 0}
    assert len(pending_ids(store)) == 3  # every article re-opened
    assert [d.canonical for d in load_entity_defs(store)] == ["Caspian Media Forum"]
    analyze_pending(store)
    rows = top_entities(store)
    assert any(r["canonical"] == "Caspian Media Forum" for r in rows), rows
    again = save_entity_defs(store, [EntityDef("Caspian Media Forum", "ORG", ["медиафорум"])])
    assert again == {"added": 0, "updated": 1}


def test_quotes_and_entities_cli(settings, tmp_path):
    runner = CliRunner(env={"MINBAR_DATABASE_URL": settings.database_url or None})
    data = ["--data-dir", str(settings.data_dir)]
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8"
    )
    res = runner.invoke(app, [*data, "ingest", str(path), "--enrich", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["ingested"] == 3 and doc["enrich"]["stages"]["analysis"] == 3
    res = runner.invoke(app, [*data, "quotes", "--json"])
    rows = json.loads(res.stdout)
    assert rows and set(rows[0]) >= {"article_id", "speaker", "quote", "kind", "lang"}
    res = runner.invoke(app, [*data, "quotes", "--speaker", "Алиев", "--json"])
    assert [r["lang"] for r in json.loads(res.stdout)] == ["ru"]
    res = runner.invoke(app, [*data, "enrich", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["enriched"] == 0  # nothing pending

    csv = tmp_path / "ents.csv"
    csv.write_text("canonical,type,aliases\nKervan Forum,ORG,Kervan Forumu|Караван Форум\n")
    res = runner.invoke(app, [*data, "entities", "import", str(csv), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == {"added": 1, "updated": 0}
    bad = tmp_path / "bad.csv"
    bad.write_text("canonical,type,aliases\nX,WEAPON,\n")
    res = runner.invoke(app, [*data, "entities", "import", str(bad)])
    assert res.exit_code == 2 and "bad.csv" in res.output
    res = runner.invoke(app, [*data, "entities", "list", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)
