"""The sources registry and polling (conditional GET, back-off, politeness) on both databases,
against a real local feed server."""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text, update

from minbar.ingest.pipeline import ingest
from minbar.ingest.poll import poll_due, poll_source
from minbar.store.schema import sources as sources_table
from minbar.store.sources import (
    MIN_INTERVAL,
    add_source,
    due_sources,
    list_sources,
    parse_every,
    record_poll,
)
from tests.conftest import running

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ETAG = '"feed-v1"'
LAST_MODIFIED = "Fri, 20 Nov 2026 10:00:00 GMT"


def _rss(title: str, slug: str, n: int = 2) -> bytes:
    items = "".join(
        f"<item><title>{title} haberi {i}</title><link>https://{slug}.example/{i}</link>"
        f"<description>{title} muhabirinin bildirdiğine göre {i}. gelişme bugün sabah saatlerinde "
        f"yaşandı ve yetkililer açıklama yaptı; konu {slug} kentinde gündemin ilk sırasında.</description>"
        f"<pubDate>Fri, 20 Nov 2026 0{i}:00:00 +0300</pubDate></item>"
        for i in range(1, n + 1)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title>{items}</channel></rss>"
    ).encode()


def _huge_url_rss() -> bytes:
    # Random (incompressible) path: too long for a PostgreSQL btree index entry.
    link = "https://huge.example/" + secrets.token_hex(4000)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Huge</title>'
        f"<item><title>Uzun adres</title><link>{link}</link><description>Bu haberin adresi "
        "olağanüstü uzun, veritabanı bunu kabul etmeyebilir ama diğer kaynaklar "
        "etkilenmemeli.</description></item></channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.send_response(status)
        hdrs = {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))}
        for key, value in {**hdrs, **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        srv: _Server = self.server  # type: ignore[assignment]
        with srv.lock:
            srv.requests.append((self.path, dict(self.headers), time.monotonic()))
        path = self.path
        if path.startswith("/cond/"):
            if (
                self.headers.get("If-None-Match") == ETAG
                or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self._send(304, headers={"ETag": ETAG})
                return
            body = _rss("Kervan", "kervan-" + path.rsplit("/", 1)[1])
            self._send(200, body, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        elif path.startswith("/plain/"):
            self._send(200, _rss("Yol", "yol-" + path.rsplit("/", 1)[1], n=1))
        elif path == "/huge":
            self._send(200, _huge_url_rss())
        else:
            self._send(404, b"not here", {"Content-Type": "text/plain"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict, float]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass

    def seen(self, path: str) -> list[tuple[str, dict, float]]:
        with self.lock:
            return [r for r in self.requests if r[0] == path]


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    with running(_Server()) as srv:
        yield srv


@pytest.fixture
def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def local(settings):
    return dataclasses.replace(settings, allow_hosts=frozenset({"127.0.0.1"}))


def _now() -> datetime:
    return datetime.now(UTC)


def _get(store, sid: int):
    return next(s for s in list_sources(store.engine) if s.id == sid)


def _make_due(store, sid: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(sources_table)
            .where(sources_table.c.id == sid)
            .values(next_due_at=_now() - timedelta(seconds=1))
        )


# ----------------------------------------------------------------------------- parse_every


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15m", 900),
        ("1h", 3600),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("2d", 172800),
        ("90s", 90),
        ("60s", MIN_INTERVAL),
        ("15", 900),  # bare number: minutes
        (" 2H ", 7200),
        ("1d12h", 129600),
    ],
)
def test_parse_every(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "  ", "abc", "15x", "m", "1.5h", "-5m", "15 minutes", "30s", "0", "0m", "59s"]
)
def test_parse_every_errors(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_every(text)
    assert repr(text) in str(info.value)


# ----------------------------------------------------------------------------- registry


def test_add_list_and_due(store) -> None:
    url = "http://Feeds.Example.org/rss.xml?utm_source=x&b=2&a=1"
    src = add_source(store.engine, url, name="Example", every_seconds=900, now=T0)
    # the URL is polled as given: the canonical form (https, no tracking) is for matching only
    assert src.url.startswith("http://") and "b=2" in src.url
    assert (src.name, src.kind, src.every_seconds, src.active) == ("Example", "feed", 900, True)
    assert src.next_due_at == T0 and src.last_polled_at is None and src.etag is None
    d = src.to_dict()
    assert d["every"] == 900 and d["next_due_at"] == T0.isoformat()
    json.dumps(d)

    # the same feed under another spelling is the same source: schedule updated, name kept
    again = add_source(
        store.engine,
        "https://feeds.example.org/rss.xml?a=1&b=2&utm_medium=y",
        name=None,
        every_seconds=3600,
        now=T0,
    )
    assert again.id == src.id and again.name == "Example" and again.every_seconds == 3600
    other = add_source(
        store.engine, "https://other.example/feed", name=None, every_seconds=600, now=T0
    )
    assert other.name == other.url == "https://other.example/feed"
    assert [s.id for s in list_sources(store.engine)] == [src.id, other.id]

    assert due_sources(store.engine, T0 - timedelta(seconds=1)) == []
    assert {s.id for s in due_sources(store.engine, T0)} == {src.id, other.id}


def test_outlets_from_ingest_are_not_polled(store, settings, tmp_path) -> None:
    rec = {
        "url": "https://kervan.example/1",
        "title": "Haber",
        "text": "İstanbul'da kar yağışı nedeniyle okullar tatil edildi.",
        "source": "Kervan",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", "utf-8")
    (art_id,) = ingest(store, [str(path)], settings).article_ids
    assert [s.kind for s in list_sources(store.engine)] == ["outlet"]
    assert list_sources(store.engine, polled_only=True) == []
    assert due_sources(store.engine, T0) == []
    # registering the outlet's feed under the outlet's name adopts the outlet
    src = add_source(
        store.engine, "https://kervan.example/rss", name="Kervan", every_seconds=900, now=T0
    )
    assert src.name == "Kervan" and src.url == "https://kervan.example/rss"
    assert [s.id for s in list_sources(store.engine)] == [src.id]
    assert store.article(art_id).source == "Kervan"
    # a name taken by another source is refused, not a database error
    with pytest.raises(ValueError, match="Kervan"):
        add_source(
            store.engine, "https://elsewhere.example/rss", name="Kervan", every_seconds=900, now=T0
        )
    other = add_source(
        store.engine, "https://other.example/rss", name=None, every_seconds=900, now=T0
    )
    with pytest.raises(ValueError, match="Kervan"):
        add_source(store.engine, other.url, name="Kervan", every_seconds=900, now=T0)
    assert [s.name for s in list_sources(store.engine)] == ["Kervan", other.url]


def test_record_poll_schedules_and_keeps_validators(store) -> None:
    src = add_source(store.engine, "https://a.example/rss", name="A", every_seconds=900, now=T0)
    t1 = T0 + timedelta(minutes=1)
    record_poll(store.engine, src, now=t1, status="ok", etag='"x"', last_modified=LAST_MODIFIED)
    got = _get(store, src.id)
    assert (got.last_polled_at, got.next_due_at) == (t1, t1 + timedelta(seconds=900))
    assert (got.last_status, got.last_error, got.etag) == ("ok", None, '"x"')
    assert got.last_modified == LAST_MODIFIED
    assert due_sources(store.engine, t1 + timedelta(seconds=899)) == []
    assert [s.id for s in due_sources(store.engine, t1 + timedelta(seconds=900))] == [src.id]
    # a failure keeps the validators of the last good answer
    record_poll(store.engine, got, now=t1, status="error", error="HTTP 500")
    got = _get(store, src.id)
    assert (got.etag, got.last_modified) == ('"x"', LAST_MODIFIED)
    # a later good answer without validators clears them (no stale If-None-Match)
    record_poll(store.engine, got, now=t1, status="ok")
    got = _get(store, src.id)
    assert (got.etag, got.last_modified, got.last_status) == (None, None, "ok")


def test_failures_back_off_exponentially_up_to_a_day(store) -> None:
    src = add_source(store.engine, "https://b.example/rss", name="B", every_seconds=900, now=T0)
    intervals = []
    now = T0
    for _ in range(8):
        record_poll(store.engine, src, now=now, status="error", error="HTTP 503")
        src = _get(store, src.id)
        intervals.append((src.next_due_at - now).total_seconds())
        assert src.last_status == "error" and src.last_error == "HTTP 503"
        now = src.next_due_at
    assert intervals[:5] == [1800, 3600, 7200, 14400, 28800]
    assert intervals[-1] == 86400 and max(intervals) == 86400
    record_poll(store.engine, src, now=now, status="ok")
    src = _get(store, src.id)
    assert (src.next_due_at - now).total_seconds() == 900 and src.last_error is None


# ----------------------------------------------------------------------------- polling


def test_conditional_get_on_second_poll(store, local, server, base) -> None:
    path = f"/cond/{secrets.token_hex(4)}"  # the server outlives one backend's test
    url = base + path
    src = add_source(store.engine, url, name="Kervan A", every_seconds=900, now=_now())
    first = poll_due(store, local)
    assert (first.ingested, first.errors) == (2, [])
    got = _get(store, src.id)
    assert (got.etag, got.last_modified, got.last_status) == (ETAG, LAST_MODIFIED, "ok")
    assert got.next_due_at > _now() + timedelta(seconds=800)
    assert poll_due(store, local).to_dict()["ingested"] == 0  # nothing due: nothing fetched
    assert len(server.seen(path)) == 1
    assert "If-None-Match" not in server.seen(path)[0][1]

    _make_due(store, src.id)
    second = poll_due(store, local)
    assert second.to_dict() == {
        "ingested": 0,
        "duplicates": 0,
        "near_duplicates": 0,
        "errors": [],
    }
    _path, headers, _at = server.seen(path)[-1]
    assert headers.get("If-None-Match") == ETAG
    assert headers.get("If-Modified-Since") == LAST_MODIFIED
    got = _get(store, src.id)
    assert got.last_status == "not_modified" and got.etag == ETAG
    assert got.next_due_at > _now() + timedelta(seconds=800)
    outcomes = [r["outcome"] for r in store.recent_log(5) if r["input"] == got.url]
    assert outcomes == ["not_modified", "ok"]


def test_failing_source_backs_off_and_does_not_stop_others(store, local, server, base) -> None:
    bad = add_source(store.engine, f"{base}/gone", name="Gone", every_seconds=600, now=_now())
    good = add_source(store.engine, f"{base}/plain/b", name="Yol", every_seconds=600, now=_now())
    before = _now()
    report = poll_due(store, local)
    assert report.ingested == 1
    assert len(report.errors) == 1 and report.errors[0].input == bad.url
    assert "404" in report.errors[0].error
    bad_now, good_now = _get(store, bad.id), _get(store, good.id)
    assert bad_now.last_status == "error" and "404" in bad_now.last_error
    assert bad_now.next_due_at >= before + timedelta(seconds=1200)  # backed off: 2 x 600 s
    assert good_now.last_status == "ok"
    assert good_now.next_due_at < before + timedelta(seconds=700)
    row = next(r for r in store.recent_log(5) if r["input"] == bad.url)
    assert row["outcome"] == "error" and "404" in row["error"]


def test_overlong_url_is_one_bad_item_on_both_databases(store, local, base) -> None:
    # PostgreSQL cannot index an 8,000-character URL; it used to fail the whole poll run there.
    huge = add_source(store.engine, f"{base}/huge", name="Huge", every_seconds=600, now=T0)
    good = add_source(store.engine, f"{base}/plain/c", name="Yol C", every_seconds=600, now=T0)
    report = poll_due(store, local)
    assert report.ingested == 1
    assert len(report.errors) == 1 and report.errors[0].input.startswith(huge.url)
    assert "URL" in report.errors[0].error
    assert _get(store, good.id).last_status == "ok"
    assert _get(store, huge.id).last_polled_at is not None


def test_database_failure_is_recorded_and_polling_goes_on(store, local, base) -> None:
    a = add_source(store.engine, f"{base}/plain/e1", name="E1", every_seconds=600, now=T0)
    b = add_source(store.engine, f"{base}/plain/e2", name="E2", every_seconds=600, now=T0)
    index = "articles_fts" if store.dialect == "sqlite" else "articles_search"
    with store.engine.begin() as conn:  # a broken database: the full-text index is gone
        conn.execute(text(f"DROP TABLE {index}"))
    report = poll_due(store, local)
    assert report.ingested == 0
    assert [e.input for e in report.errors] == [a.url, b.url]
    assert all("database error" in e.error for e in report.errors)
    for sid in (a.id, b.id):
        got = _get(store, sid)
        assert got.last_status == "error" and "database error" in got.last_error
        assert got.next_due_at >= got.last_polled_at + timedelta(seconds=1200)
    assert due_sources(store.engine, _now()) == []  # not retried every minute


def test_politeness_between_sources_on_one_host(store, local, server, base) -> None:
    polite = dataclasses.replace(local, politeness_delay=0.3)
    paths = [f"/plain/{secrets.token_hex(4)}" for _ in range(3)]
    for i, path in enumerate(paths):
        add_source(store.engine, base + path, name=f"P{i}", every_seconds=600, now=_now())
    report = poll_due(store, polite)
    assert (report.ingested, report.errors) == (3, [])
    stamps = sorted(server.seen(p)[-1][2] for p in paths)
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert all(g >= 0.3 - 0.05 for g in gaps), gaps


def test_poll_source_directly(store, local, base) -> None:
    src = add_source(store.engine, f"{base}/plain/d", name=None, every_seconds=600, now=T0)
    report = poll_source(store, src, local)
    assert (report.ingested, report.errors) == (1, [])
    (hit,) = store.search("yol")
    assert hit.source == "Yol"  # the feed's own title: the source was registered without a name
