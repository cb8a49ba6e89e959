"""``ingest`` from http URLs against a real local server, on SQLite and PostgreSQL.

Each document declares its encoding in one place only (XML declaration, ``<meta>``, or the HTTP
header), so a wrong decision order shows up as mojibake in the stored text.
"""

from __future__ import annotations

import dataclasses
import json
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from minbar.ingest.pipeline import ingest
from minbar.store.schema import articles
from tests.conftest import running

LOCAL = frozenset({"127.0.0.1"})

AR_1 = (
    "أعلنت وزارة الصحة أن عدد المصابين بالحصبة ارتفع إلى 320 حالة خلال أسبوعين، "
    "وقال المتحدث باسم الوزارة إن حملة التطعيم ستبدأ يوم الأحد في جميع المحافظات."
)
AR_2 = (
    "قال وزير الخارجية إن المفاوضات مع الجانب التركي ستستأنف الأسبوع المقبل في القاهرة، "
    "مشيرا إلى أن الطرفين اتفقا على تشكيل لجنة مشتركة لمتابعة ملف المياه."
)
RSS_1256 = f"""<?xml version="1.0" encoding="windows-1256"?>
<rss version="2.0"><channel><title>صحيفة المنبر</title><language>ar</language>
<item><title>ارتفاع إصابات الحصبة</title><link>https://almanbar.example/2026/11/17/hasba</link>
<description>{AR_1}</description><pubDate>Tue, 17 Nov 2026 10:00:00 +0300</pubDate></item>
<item><title>استئناف المفاوضات في القاهرة</title><link>https://almanbar.example/2026/11/18/cairo</link>
<description>{AR_2}</description><pubDate>Wed, 18 Nov 2026 09:30:00 +0300</pubDate></item>
</channel></rss>""".encode("cp1256")

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Kervan Haber</title>
<id>urn:kervan</id><updated>2026-11-19T08:00:00Z</updated>
<entry><title>Merkez Bankası faizi sabit tuttu</title>
<link href="https://kervan.example/2026/11/19/faiz"/><id>urn:kervan:1</id>
<updated>2026-11-19T08:00:00Z</updated>
<content type="html">&lt;p&gt;Türkiye Cumhuriyet Merkez Bankası politika faizini yüzde 35'te sabit tuttu. Banka açıklamasında enflasyonun ekim ayında gerilediğini belirtti.&lt;/p&gt;</content></entry>
<entry><title>İstanbul'da kar yağışı</title>
<link href="https://kervan.example/2026/11/19/kar"/><id>urn:kervan:2</id>
<updated>2026-11-19T09:00:00Z</updated>
<summary>İstanbul'da etkili olan kar yağışı nedeniyle okullar tatil edildi ve ulaşımda aksamalar yaşandı.</summary></entry>
</feed>""".encode()

RU_PAGE_TEXT = (
    "Центральный банк сохранил ключевую ставку на прежнем уровне, сообщила пресс-служба "
    "регулятора. Аналитики ожидают снижения инфляции в первом квартале следующего года, "
    "однако риски для экономики остаются высокими."
)
PAGE_1251 = f"""<!DOCTYPE html><html lang="ru"><head>
<meta charset="windows-1251"><title>Банк сохранил ставку</title>
<meta property="article:published_time" content="2026-11-20T12:00:00+03:00"></head>
<body><article><h1>Банк сохранил ставку</h1><p>{RU_PAGE_TEXT}</p>
<p>Решение было принято единогласно на заседании совета директоров в пятницу.</p>
</article></body></html>""".encode("cp1251")

RU_KOI8_TEXT = (
    "Спасатели продолжают поиски выживших после землетрясения магнитудой шесть баллов. "
    "По данным министерства, разрушены более сорока зданий, тысячи жителей провели ночь "
    "на улице при минусовой температуре."
)
PAGE_KOI8 = f"""<html><head><title>Землетрясение: поиски продолжаются</title></head>
<body><article><h1>Землетрясение: поиски продолжаются</h1><p>{RU_KOI8_TEXT}</p>
<p>Правительство объявило трёхдневный траур в пострадавших районах.</p>
</article></body></html>""".encode("koi8-r")

JSONL = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in [
        {
            "url": "https://xeberler.example/2026/11/21/bank",
            "title": "Mərkəzi Bank uçot dərəcəsini saxlayıb",
            "text": "Azərbaycan Mərkəzi Bankı uçot dərəcəsini dəyişməz saxlayıb, bank açıqlama yayıb.",
            "published": "2026-11-21T10:00:00+04:00",
            "source": "Xəbərlər",
        },
        {
            "url": "https://xeberler.example/2026/11/21/kulek",
            "title": "Bakıda güclü külək",
            "text": "Bakıda güclü külək səbəbindən bəzi reyslər təxirə salınıb, yollar bağlanıb.",
            "published": "2026-11-21T11:00:00+04:00",
            "source": "Xəbərlər",
        },
    ]
).encode()


GOOD = {
    "title": "Bakıda güclü külək",
    "text": "Bakıda güclü külək səbəbindən bəzi reyslər təxirə salınıb.",
    "source": "Xəbərlər",
}
BAD_RECORDS = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in [
        {**GOOD, "url": "https://bad.example/ok-1"},
        {**GOOD, "url": "https://bad.example/" + "x" * 3000, "text": "Uzun ünvan xəbəri."},
        {**GOOD, "url": "https://bad.example/nul", "title": "a\x00b", "text": "NUL xəbəri."},
        {**GOOD, "url": "https://bad.example/lang", "lang": "portuguese", "text": "Dil xəbəri."},
        {**GOOD, "url": "https://bad.example/src", "source": "S" * 400, "text": "Mənbə xəbəri."},
        {**GOOD, "url": "https://bad.example/ok-2", "text": "Sonuncu yaxşı xəbər gəldi."},
    ]
).encode()


def _gzip_bomb(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    return b"".join(comp.compress(chunk) for _ in range(size // len(chunk))) + comp.flush()


BOMB = _gzip_bomb(16 * 1024 * 1024)

ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/ar/rss": (200, {"Content-Type": "application/rss+xml"}, RSS_1256),
    "/tr/atom": (200, {"Content-Type": "application/atom+xml"}, ATOM),
    "/ru/page-1251.html": (200, {"Content-Type": "text/html"}, PAGE_1251),
    "/ru/koi8": (200, {"Content-Type": "text/html; charset=KOI8-R"}, PAGE_KOI8),
    "/az/news.jsonl": (200, {"Content-Type": "application/octet-stream"}, JSONL),
    "/bad.jsonl": (200, {"Content-Type": "application/x-ndjson"}, BAD_RECORDS),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/bomb.xml": (200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, BOMB),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        status, headers, body = ROUTES.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for key, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[str]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hangs up on the bomb on purpose


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.requests = []
    with running(srv):
        yield srv


@pytest.fixture
def base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def local(settings):
    return dataclasses.replace(settings, allow_hosts=LOCAL, max_download_bytes=1024 * 1024)


def _count(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(articles)).scalar_one()


def _stored(store, report) -> list:
    return [store.article(i) for i in report.article_ids]


def test_rss_in_windows_1256_declared_in_xml(store, local, base) -> None:
    report = ingest(store, [f"{base}/ar/rss"], local)
    assert (report.ingested, report.errors) == (2, [])
    arts = sorted(_stored(store, report), key=lambda a: a.url)  # hasba (17th), cairo (18th)
    assert [a.title for a in arts] == ["ارتفاع إصابات الحصبة", "استئناف المفاوضات في القاهرة"]
    assert arts[0].text == AR_1 and arts[1].text == AR_2
    assert {a.lang for a in arts} == {"ar"} and {a.source for a in arts} == {"صحيفة المنبر"}
    assert arts[0].published.isoformat() == "2026-11-17T07:00:00+00:00"
    assert [h.id for h in store.search("الحصبه")] == [arts[0].id]  # ة typed as ه


def test_atom_feed(store, local, base) -> None:
    report = ingest(store, [f"{base}/tr/atom"], local)
    assert (report.ingested, report.errors) == (2, [])
    arts = {a.url: a for a in _stored(store, report)}
    faiz = arts["https://kervan.example/2026/11/19/faiz"]
    assert faiz.title == "Merkez Bankası faizi sabit tuttu" and faiz.lang == "tr"
    assert "yüzde 35'te" in faiz.text and "<p>" not in faiz.text
    assert arts["https://kervan.example/2026/11/19/kar"].text.startswith("İstanbul'da")
    assert faiz.source == "Kervan Haber"
    assert {h.id for h in store.search("istanbul kar")} == {
        arts["https://kervan.example/2026/11/19/kar"].id
    }


def test_html_in_windows_1251_declared_in_meta(store, local, base) -> None:
    report = ingest(store, [f"{base}/ru/page-1251.html"], local)
    assert (report.ingested, report.errors) == (1, [])
    (art,) = _stored(store, report)
    assert art.title == "Банк сохранил ставку"
    assert RU_PAGE_TEXT in art.text and art.lang == "ru"
    assert art.published.isoformat() == "2026-11-20T09:00:00+00:00"


def test_koi8_page_declared_only_by_http_header(store, local, base) -> None:
    report = ingest(store, [f"{base}/ru/koi8"], local)
    assert (report.ingested, report.errors) == (1, [])
    (art,) = _stored(store, report)
    assert art.title == "Землетрясение: поиски продолжаются"
    assert RU_KOI8_TEXT in art.text and art.lang == "ru"


def test_jsonl_url(store, local, base) -> None:
    report = ingest(store, [f"{base}/az/news.jsonl"], local)
    assert (report.ingested, report.errors) == (2, [])
    arts = _stored(store, report)
    assert {a.lang for a in arts} == {"az"} and {a.source for a in arts} == {"Xəbərlər"}


def test_reingest_adds_nothing_and_everything_is_logged(store, local, base) -> None:
    urls = [f"{base}/ar/rss", f"{base}/tr/atom", f"{base}/ru/page-1251.html"]
    urls += [f"{base}/ru/koi8", f"{base}/az/news.jsonl"]
    first = ingest(store, urls, local)
    assert (first.ingested, first.duplicates, first.errors) == (8, 0, [])
    again = ingest(store, urls, local)
    assert again.to_dict() == {"ingested": 0, "duplicates": 8, "near_duplicates": 0, "errors": []}
    assert _count(store) == 8
    log = store.recent_log(20)
    assert len(log) == 10
    assert {r["input"] for r in log} == set(urls)
    assert all(r["outcome"] == "ok" and r["error"] is None for r in log)
    assert sorted(r["ingested"] for r in log) == [0] * 5 + [1, 1, 2, 2, 2]


def test_local_url_refused_by_default(store, settings, server, base) -> None:
    assert not settings.allow_hosts
    url = f"{base}/ar/rss"
    seen = len(server.requests)
    report = ingest(store, [url], settings)
    assert report.ingested == 0 and len(report.errors) == 1
    assert report.errors[0].input == url and "127.0.0.1" in report.errors[0].error
    assert len(server.requests) == seen  # refused before connecting
    assert _count(store) == 0
    (row,) = store.recent_log(5)
    assert (row["input"], row["outcome"]) == (url, "error") and url in row["error"]


def test_redirect_to_metadata_refused(store, local, server, base) -> None:
    url = f"{base}/to-metadata"
    report = ingest(store, [url], local)
    assert report.ingested == 0 and len(report.errors) == 1
    assert report.errors[0].input == url and "169.254.169.254" in report.errors[0].error
    assert _count(store) == 0
    assert store.recent_log(5, errors_only=True)[0]["input"] == url


def test_gzip_bomb_refused(store, local, base) -> None:
    assert len(BOMB) < 100_000
    url = f"{base}/bomb.xml"
    started = time.monotonic()
    report = ingest(store, [url], local)
    assert time.monotonic() - started < 10
    assert len(report.errors) == 1 and report.errors[0].input == url
    assert "exceeds" in report.errors[0].error
    assert _count(store) == 0
    assert store.recent_log(5, errors_only=True)[0]["input"] == url


def test_404_is_an_error_naming_the_url_and_the_rest_is_stored(store, local, base) -> None:
    missing = f"{base}/gone.xml"
    report = ingest(store, [missing, f"{base}/az/news.jsonl"], local)
    assert report.ingested == 2
    assert len(report.errors) == 1 and report.errors[0].input == missing
    assert "404" in report.errors[0].error
    rows = {r["input"]: r for r in store.recent_log(5)}
    assert rows[missing]["outcome"] == "error" and "404" in rows[missing]["error"]
    assert rows[f"{base}/az/news.jsonl"]["outcome"] == "ok"


def test_records_the_database_would_refuse_are_errors_on_both_databases(store, local, base):
    # PostgreSQL refuses what SQLite takes (URLs too long to index, NUL, VARCHAR limits); one
    # such record used to fail the whole batch on PostgreSQL only.
    url = f"{base}/bad.jsonl"
    report = ingest(store, [url], local)
    assert report.ingested == 3, report.errors
    assert len(report.errors) == 3 and all(e.input.startswith(url) for e in report.errors)
    assert [e.input for e in report.errors][1:] == [
        f"{url} [https://bad.example/nul]",
        f"{url} [https://bad.example/lang]",
    ]
    stored = {a.url: a for a in _stored(store, report)}
    assert set(stored) == {f"https://bad.example/{p}" for p in ("ok-1", "src", "ok-2")}
    assert stored["https://bad.example/src"].source == "S" * 300
