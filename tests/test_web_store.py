"""The web reads (store/dashboard.py via WebMixin) on SQLite and PostgreSQL: shapes, stream
clock windows, per-day buckets, source health gaps."""

from __future__ import annotations

from minbar import Minbar
from tests.conftest import write_jsonl

RECORDS = [
    {
        "url": f"https://{src}.example/2026/11/{day:02d}/{i}",
        "title": f"Van deprem haberi {i}",
        "text": f"Van'da deprem: {i}. haber, gün {day}. Yetkililer açıklama yaptı {src}.",
        "published": f"2026-11-{day:02d}T10:00:00+00:00",
        "source": src,
        "lang": lang,
    }
    for i, (src, lang, day) in enumerate(
        [
            ("kervan", "tr", 1),
            ("kervan", "tr", 2),
            ("kervan", "tr", 5),
            ("caspian", "en", 5),
            ("caspian", "en", 5),
            ("vostok", "ru", 4),
        ]
    )
]


def test_dashboard_reads(settings, tmp_path):
    mb = Minbar(settings=settings)
    try:
        mb.ingest([str(write_jsonl(tmp_path / "a.jsonl", RECORDS))])
        vol = mb.volume_series(7)
        assert vol["buckets"][-1] == "2026-11-05"
        assert sum(vol["by_lang"]["tr"]) == 3 and sum(vol["by_lang"]["en"]) == 2
        assert vol["by_source"]["caspian"][vol["buckets"].index("2026-11-05")] == 2
        health = {s["name"]: s for s in mb.source_health(14)}
        assert health["kervan"]["articles"] == 3
        assert health["kervan"]["gaps"] == ["2026-11-03", "2026-11-04"]
        assert health["kervan"]["warning"] == "gaps"
        assert health["caspian"]["gaps"] == [] and health["caspian"]["warning"] is None
        assert health["kervan"]["last_article"].startswith("2026-11-05")
        assert mb.source_names() == ["caspian", "kervan", "vostok"]
        assert mb.recent_claims(5) == [] and mb.recent_claims(5, matched=True) == []
        assert mb.factcheck_list("deprem") == ([], 0)
        assert mb.top_speakers() == []
        assert mb.article_mentions(1) == []
        texts = mb.article_texts([1, 2])
        assert set(texts) == {1, 2}
    finally:
        mb.close()
