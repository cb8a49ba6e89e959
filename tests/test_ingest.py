"""Ingestion from files on both databases: formats, duplicates, idempotency, bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from minbar.ingest.pipeline import ingest
from minbar.store.repository import Store
from minbar.store.schema import article_bands, articles, ingest_log
from tests.conftest import write_jsonl

TR_TEXT = (
    "Türkiye Cumhuriyet Merkez Bankası politika faizini 150 baz puan indirerek yüzde 35'e "
    "düşürdü. Banka açıklamasında enflasyonun ekim ayında yüzde 48'e gerilediğini belirtti. "
    "Ekonomistler kararın beklentilere uygun olduğunu söyledi."
)
AR_TEXT = (
    "أعلنت وزارة الصحة أن عدد المصابين بالحصبة ارتفع إلى 320 حالة خلال أسبوعين، "
    "وقال المتحدث باسم الوزارة إن حملة التطعيم ستبدأ يوم الأحد في جميع المحافظات."
)
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Kervan Gazetesi</title><language>tr</language>
<item><title>Faiz kararı &lt;b&gt;açıklandı&lt;/b&gt;</title><link>https://kervan.example/faiz</link>
<description>&lt;p&gt;{text}&lt;/p&gt;</description><pubDate>Tue, 17 Nov 2026 10:00:00 +0300</pubDate></item>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Kar yağışı</title><link>https://kervan.example/kar</link>
<description>İstanbul'da kar yağışı etkili oldu, okullar tatil edildi ve ulaşımda aksamalar yaşandı.</description></item>
</channel></rss>""".replace("{text}", TR_TEXT)


def count(store: Store, table=articles) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def rec(i: int, text: str = TR_TEXT, **kw) -> dict:
    return {
        "url": f"https://example.org/a/{i}",
        "title": f"Haber {i}",
        "text": text,
        "published": "2026-11-17T10:00:00+03:00",
        "source": "Kervan Gazetesi",
        **kw,
    }


def test_jsonl_ingest_is_idempotent(store, settings, tmp_path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [rec(1), rec(2, AR_TEXT, lang="ar")])
    first = ingest(store, [str(path)], settings)
    assert (first.ingested, first.duplicates, first.errors) == (2, 0, [])
    again = ingest(store, [str(path)], settings)
    assert again.to_dict() == {"ingested": 0, "duplicates": 2, "near_duplicates": 0, "errors": []}
    assert count(store) == 2
    art = store.article(first.article_ids[1])
    assert art.lang == "ar" and art.source == "Kervan Gazetesi"
    assert art.published.isoformat() == "2026-11-17T07:00:00+00:00"


def test_language_detected_when_absent_and_explicit_wins(store, settings, tmp_path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [rec(1), rec(2, AR_TEXT), rec(3, AR_TEXT + " x", lang="fa")]
    )
    ids = ingest(store, [str(path)], settings).article_ids
    langs = [store.article(i).lang for i in ids]
    assert langs[:2] == ["tr", "ar"]
    assert langs[2] == "fa"  # explicit lang in the input wins


def test_csv_and_json_array_and_aliases(store, settings, tmp_path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(
        "url,title,text,published,source,lang\n"
        f'https://x.example/1,Başlık,"{TR_TEXT}",2026-11-17,Kervan,tr\n',
        "utf-8",
    )
    json_path = tmp_path / "b.json"
    json_path.write_text(
        json.dumps(
            [
                {
                    "url": "https://y.example/2",
                    "title": "خبر",
                    "content": AR_TEXT,
                    "date_extracted": "2015-08-08 10:00:00",
                    "source": "alriyadh",
                }
            ],
            ensure_ascii=False,
        ),
        "utf-8",
    )
    report = ingest(store, [str(csv_path), str(json_path)], settings)
    assert report.ingested == 2 and not report.errors


def test_directory_recursive_with_feed_and_page(store, settings, tmp_path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "feed.xml").write_text(RSS, "utf-8")
    (tmp_path / "in" / "sub" / "page.html").write_text(
        "<html lang=ar><head><title>خبر</title>"
        '<meta property="article:published_time" content="2026-11-18T08:30:00+03:00">'
        '<link rel="canonical" href="https://sahilnews.example/2026/11/18/hasba"></head><body>'
        f"<article><h1>الحصبة</h1><p>{AR_TEXT}</p><p>{AR_TEXT}</p></article>"
        "<div id='comments' class='comments'><p>تعليق: هذا كذب</p></div></body></html>",
        "utf-8",
    )
    (tmp_path / "in" / "notes.txt").write_text("ignored", "utf-8")
    (tmp_path / "in" / ".hidden.jsonl").write_text("not json", "utf-8")
    report = ingest(store, [str(tmp_path / "in")], settings)
    assert report.ingested == 3, report.errors
    assert not report.errors
    with store.engine.connect() as conn:
        rows = {r.canonical_url: r for r in conn.execute(select(articles)).all()}
    page = rows["https://sahilnews.example/2026/11/18/hasba"]
    assert "تعليق" not in page.text  # comments excluded
    assert page.lang == "ar"
    assert str(page.published).startswith("2026-11-18 05:30")
    xss = rows["https://kervan.example/kar"]
    assert "<" not in xss.title and "alert" not in xss.title and xss.title.endswith("Kar yağışı")
    assert rows["https://kervan.example/faiz"].title == "Faiz kararı açıklandı"


def test_exact_copy_at_another_url_is_linked(store, settings, tmp_path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [rec(1), rec(2)])
    report = ingest(store, [str(path)], settings)
    assert (report.ingested, report.duplicates) == (1, 1)
    copy = store.article(report.article_ids[1])
    assert copy.duplicate_of == report.article_ids[0] and copy.dup_kind == "exact"


def test_near_duplicates_link_to_the_earliest(store, settings, tmp_path) -> None:
    edited = TR_TEXT.replace("Ekonomistler", "Piyasa analistleri") + " (Caspian Wire)"
    other = (
        "Azərbaycan Mərkəzi Bankı uçot dərəcəsini 7,25 faizdə saxlayıb. Bank bildirib ki, "
        "inflyasiya oktyabrda 4,1 faizə enib və manatın məzənnəsi sabit qalır."
    )
    records = [
        rec(2, edited, published="2026-11-17T12:00:00+03:00"),
        rec(3, other, lang="az"),
        rec(1, TR_TEXT, published="2026-11-17T09:00:00+03:00"),
    ]
    report = ingest(store, [str(write_jsonl(tmp_path / "a.jsonl", records))], settings)
    assert report.to_dict()["near_duplicates"] == 1 and report.ingested == 3
    first_copy, unrelated, earliest = (store.article(i) for i in report.article_ids)
    # The copy arrived first, but the original was published earlier: provenance is by time.
    assert earliest.duplicate_of is None
    assert first_copy.duplicate_of == earliest.id and first_copy.dup_kind == "near"
    assert 0.5 <= first_copy.dup_similarity < 1.0
    assert unrelated.duplicate_of is None
    assert store.copies_of(earliest.id) == [first_copy.id]


def test_bad_records_are_reported_by_position_and_the_rest_stored(
    store, settings, tmp_path
) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps(rec(1)),
        "{not json",
        json.dumps({"title": "no url", "text": "x"}),
        json.dumps(rec(4, "")),
        json.dumps(rec(5, AR_TEXT, published="yesterday-ish")),
        json.dumps([1, 2]),
        json.dumps(rec(6, AR_TEXT)),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ingest(store, [str(path)], settings)
    assert report.ingested == 2
    where = sorted(e.input for e in report.errors)
    assert where == [f"{path} (line {n})" for n in (2, 3, 4, 5, 6)]
    assert any("not a date" in e.error for e in report.errors)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "bomb.xml",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<rss version="2.0"><channel><title>&c;</title><item><title>&c;</title>'
            "<link>https://e.example/1</link><description>&c;</description></item></channel></rss>",
            "hostile XML",
        ),
        (
            "xxe.xml",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
            "<link>https://e.example/2</link><description>&x;</description></item></channel></rss>",
            "hostile XML",
        ),
        ("broken.rss", "<rss><channel><title>oops</title><item><titl", "not a readable RSS/Atom"),
        ("empty.xml", "", "empty"),
        ("binary.html", "\x00\x01\x02\x03PK\x03\x04" * 50, "binary"),
        ("nothing.html", "<html><body><nav>menu</nav></body></html>", "no article text"),
    ],
)
def test_hostile_and_broken_files(store, settings, tmp_path, name, content, reason) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if "\x00" in content else content.encode())
    good = write_jsonl(tmp_path / "good.jsonl", [rec(1)])
    report = ingest(store, [str(path), str(good)], settings)
    assert report.ingested == 1, "the rest of the batch goes on"
    assert len(report.errors) == 1
    assert report.errors[0].input.startswith(str(path))
    assert reason in report.errors[0].error
    assert "/etc/passwd" not in json.dumps([a.text for a in map(store.article, report.article_ids)])
    log = store.recent_log(errors_only=True)
    assert log and log[0]["input"] == str(path)


def test_huge_inputs_are_refused(store, settings, tmp_path) -> None:
    huge_page = tmp_path / "huge.html"
    huge_page.write_bytes(
        b"<html><body><p>" + b"a " * (settings.max_download_bytes // 2 + 10) + b"</p></body></html>"
    )
    long_text = write_jsonl(
        tmp_path / "long.jsonl", [rec(1, "kelime " * (settings.max_text_chars // 6))]
    )
    report = ingest(store, [str(huge_page), str(long_text)], settings)
    assert report.ingested == 0
    assert "over the cap" in report.errors[0].error and report.errors[0].input == str(huge_page)
    assert "over the cap" in report.errors[1].error and "example.org/a/1" in report.errors[1].input


def test_missing_input_is_an_error_not_a_crash(store, settings, tmp_path) -> None:
    report = ingest(store, [str(tmp_path / "nope.jsonl")], settings)
    assert report.errors[0].error == "no such file or directory"


def test_a_failing_batch_leaves_nothing_half_written(store, settings, tmp_path) -> None:
    # A real database failure in the middle of a batch: a trigger refuses one title.
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON articles "
                    "WHEN NEW.title = 'FAIL' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.title = 'FAIL' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON articles "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
    bad = write_jsonl(tmp_path / "bad.jsonl", [rec(1), {**rec(2, AR_TEXT), "title": "FAIL"}])
    report = ingest(store, [str(bad)], settings)
    assert report.ingested == 0 and "database error" in report.errors[0].error
    assert count(store) == 0 and count(store, article_bands) == 0
    assert count(store, ingest_log) == 1
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM articles_fts")).scalar_one() == 0
