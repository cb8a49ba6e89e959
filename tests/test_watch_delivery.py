"""Alert delivery to real receivers: an HTTP server on 127.0.0.1 for webhooks (signature checked,
a 500 then a retry within 60 s with the same idempotency key) and aiosmtpd as the SMTP server
(text + HTML in the recipient's language, batched; SMTP down → retried, nothing lost); the SSRF
guard at send time; digests (HTML + PDF) and their e-mail; campaign pickup bands."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from conftest import running, write_jsonl

from minbar import Minbar
from minbar.auth import Actor
from minbar.store import watch_outbound as wout
from minbar.store import watchlists as wstore
from minbar.watch.deliver import deliver_due
from minbar.watch.digest import send_due_digests

SECRET = "s3cret-for-tests"
ARTICLES = [
    {"url": "https://az.example/1", "title": "Gəncədə yeni park açıldı",
     "text": "Gəncədə bu gün yeni park açılıb. Şəhər sakinləri sevinir.", "lang": "az",
     "source": "wire"},
    {"url": "https://tr.example/2", "title": "Gence'de festival",
     "text": "Gence'de bu hafta sonu müzik festivali düzenleniyor.", "lang": "tr",
     "source": "wire"},
    {"url": "https://tr.example/3", "title": "Genç futbolcu transfer oldu",
     "text": "Genç oyuncu yeni takımına geçti.", "lang": "tr", "source": "wire"},
]  # fmt: skip


class Hook(BaseHTTPRequestHandler):
    received: list = []
    statuses: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        status = self.statuses.pop(0) if self.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def world(settings, tmp_path):
    settings = replace(settings, allow_hosts=frozenset({"127.0.0.1"}))
    mb = Minbar(settings=settings)
    system = Actor.system("test")
    mb.add_org(system, "org", "Org")
    mb.add_committee(system, "pd", "Public diplomacy", names={"ar": "الدبلوماسية العامة"})
    mb.add_user(system, "ru@x.org", "org", lang="ru")
    mb.add_member(system, "pd", "ru@x.org", "analyst")
    mb.add_user(system, "ar@x.org", "org", lang="ar")
    mb.add_member(system, "pd", "ar@x.org", "viewer")
    user = mb.user(system, "ru@x.org")
    actor = mb.actor_from_session(user["id"], mb.session_epoch(user["id"]), "127.0.0.1")
    yield mb, actor, tmp_path
    mb.close()


def test_webhook_signed_retried_with_same_key(world):
    mb, actor, tmp = world
    Hook.received, Hook.statuses = [], [500]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    with running(server):
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        wl = mb.create_watchlist(
            actor, "pd", "Ganja", "keyword", "Gəncə",
            channels=[{"type": "webhook", "url": url, "secret": SECRET}],
        )  # fmt: skip
        mb.ingest([str(write_jsonl(tmp / "a.jsonl", ARTICLES))], enrich=True)
        now = wstore.utcnow()
        first = deliver_due(mb.store, mb.settings, now)
        assert first["queued"] == 1 and first["retrying"] == 1
        [d] = mb.deliveries(actor, wl["id"])
        assert (
            d["status"] == "pending"
            and d["attempts"] == 1
            and d["last_error"] == ("WebhookError: HTTP 500")
        )
        wait = (wout.delivery(mb.store, d["id"])["next_attempt_at"]).replace(tzinfo=now.tzinfo)
        assert timedelta(0) < wait - now <= timedelta(seconds=60)  # first retry within 60 s
        assert deliver_due(mb.store, mb.settings, now)["sent"] == 0  # not due yet
        second = deliver_due(mb.store, mb.settings, now + timedelta(seconds=61))
        assert second["sent"] == 1
        assert deliver_due(mb.store, mb.settings, now + timedelta(seconds=200))["sent"] == 0
    assert len(Hook.received) == 2
    keys = {h["Idempotency-Key"] for h, _ in Hook.received}
    assert len(keys) == 1  # stable across retries
    headers, body = Hook.received[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Minbar-Signature"], expected)
    payload = json.loads(body)
    assert payload["watchlist"] == {"id": wl["id"], "name": "Ganja"}
    api = mb.alerts(actor, watchlist=wl["id"])
    public = ("id", "watchlist_id", "article_id", "title", "url", "lang", "reason", "created")
    assert sorted(payload["alerts"], key=lambda a: a["id"]) == sorted(
        ({k: a[k] for k in public} for a in api), key=lambda a: a["id"]
    )
    assert {a["url"] for a in payload["alerts"]} == {ARTICLES[0]["url"], ARTICLES[1]["url"]}
    assert mb.deliveries(actor, wl["id"])[0]["status"] == "sent"


def test_webhook_ssrf_guard_at_send(world):
    mb, actor, tmp = world
    wl = mb.create_watchlist(
        actor, "pd", "Ganja", "keyword", "Gəncə",
        channels=[{"type": "webhook", "url": "http://127.0.0.1:9/hook", "secret": SECRET}],
    )  # fmt: skip
    mb.ingest([str(write_jsonl(tmp / "a.jsonl", ARTICLES[:1]))], enrich=True)
    strict = replace(mb.settings, allow_hosts=frozenset())  # the allow-list was withdrawn
    out = deliver_due(mb.store, strict)
    assert out["retrying"] == 1
    [d] = mb.deliveries(actor, wl["id"])
    assert "SSRF" in d["last_error"] and d["status"] == "pending"


def test_email_batched_in_recipient_language_and_smtp_down(world, monkeypatch):
    mb, actor, tmp = world
    port = free_port()
    monkeypatch.setenv("MINBAR_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("MINBAR_MAIL_FROM", "alerts@minbar.test")
    wl = mb.create_watchlist(
        actor, "pd", "Ganja", "keyword", "Gəncə",
        channels=[{"type": "email", "to": "ru@x.org, someone@else.org"}],
    )  # fmt: skip
    mb.ingest([str(write_jsonl(tmp / "a.jsonl", ARTICLES))], enrich=True)
    now = wstore.utcnow()
    assert deliver_due(mb.store, mb.settings, now)["queued"] == 0  # batch window still open
    later = now + timedelta(seconds=60)
    down = deliver_due(mb.store, mb.settings, later)  # nobody listens on the port yet
    assert down["queued"] == 1 and down["retrying"] == 1
    assert "Connection refused" in mb.deliveries(actor, wl["id"])[0]["last_error"]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = deliver_due(mb.store, mb.settings, later + timedelta(seconds=61))
    finally:
        controller.stop()
    assert up["sent"] == 1
    by_rcpt = {tuple(r): message_from_bytes(c, policy=policy.default) for r, c in inbox.messages}
    assert set(by_rcpt) == {("ru@x.org",), ("someone@else.org",)}
    ru, en = by_rcpt[("ru@x.org",)], by_rcpt[("someone@else.org",)]
    assert "новые оповещения" in ru["Subject"] and "new alerts" in en["Subject"]
    for msg in (ru, en):
        text = msg.get_body(("plain",)).get_content()
        html = unescape(msg.get_body(("html",)).get_content())
        for a in ARTICLES[:2]:
            assert a["url"] in text and a["url"] in html and a["title"] in html
        assert ARTICLES[2]["url"] not in text


def test_digest_html_pdf_and_mail(world, monkeypatch):
    mb, actor, tmp = world
    mb.create_watchlist(actor, "pd", "Ganja", "keyword", "Gəncə")
    mb.ingest([str(write_jsonl(tmp / "a.jsonl", ARTICLES))], enrich=True)
    case = mb.create_case(actor, "pd", "Gəncədə yeni parkın sahəsi 50 hektardır.", "az")
    d = mb.digest(actor, "pd", "day", lang="ar")
    assert d["cases"] == 1 and f"#{case['id']}" in d["html"] and "نشاط الملفات" in d["html"]
    assert 'dir="rtl"' in d["html"] and "الموجز اليومي" in d["html"]
    assert ARTICLES[0]["title"] in d["html"] and d["alerts"] == 2
    assert d["pdf"].startswith(b"%PDF")
    week = mb.digest(actor, "pd", "week", pdf=False)
    assert "Еженедельный дайджест" in week["html"]  # the actor's own language (ru)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("MINBAR_SMTP_URL", f"smtp://127.0.0.1:{port}")
    try:
        sent = mb.send_digest(actor, "pd", "day")
        now = wstore.utcnow()
        monday = (now + timedelta(days=7 - now.weekday())).replace(hour=7, minute=0)
        assert send_due_digests(mb.store, mb.settings, monday) == 0  # MINBAR_DIGEST_HOUR unset
        monkeypatch.setenv("MINBAR_DIGEST_HOUR", "6")
        assert send_due_digests(mb.store, mb.settings, monday) == 2  # daily + weekly
        assert send_due_digests(mb.store, mb.settings, monday + timedelta(hours=3)) == 0
    finally:
        controller.stop()
    assert sorted(sent["languages"]) == ["ar", "ru"]
    subjects = [message_from_bytes(c, policy=policy.default)["Subject"] for _r, c in inbox.messages]
    assert set(subjects[:2]) == {"الموجز اليومي", "Ежедневный дайджест"}
    assert set(subjects[2:]) == {"الموجز اليومي", "Ежедневный дайджест", "Еженедельный дайджест",
                                 "الموجز الأسبوعي"}  # fmt: skip
    assert len(subjects) == 6


def test_campaign_pickup_bands(world):
    mb, actor, tmp = world
    msg = mb.add_key_message(
        actor,
        "pd",
        "Azerbaijan and Turkey will open a joint university for media studies in Baku next year.",
        "en",
        campaign="Media education",
    )
    recs = [
        {"url": "https://en.example/copy", "lang": "en", "source": "Daily EN",
         "title": "Joint university announced",
         "text": "Officials said: Azerbaijan and Turkey will open a joint university for media "
                 "studies in Baku next year. The rector will be appointed in spring."},
        {"url": "https://ru.example/tr", "lang": "ru", "source": "RU Vesti",
         "title": "Азербайджан и Турция откроют совместный университет медиа в Баку",
         "text": "Азербайджан и Турция в следующем году откроют в Баку совместный университет "
                 "по изучению медиа."},
        {"url": "https://ru.example/other", "lang": "ru", "source": "RU Vesti",
         "title": "В Баку прошёл футбольный матч",
         "text": "Сборная Азербайджана сыграла вничью с Турцией в товарищеском матче."},
    ]  # fmt: skip
    mb.ingest([str(write_jsonl(tmp / "c.jsonl", recs))], enrich=True)
    [out] = mb.campaign_pickup(actor, "pd")
    assert out["id"] == msg["id"]
    bands = {p["url"]: p["band"] for p in out["pickups"]}
    assert bands == {"https://en.example/copy": "verbatim", "https://ru.example/tr": "translation"}
    assert out["languages"] == {"en": 1, "ru": 1}
