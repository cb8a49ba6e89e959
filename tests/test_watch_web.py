"""The watchlist API and pages over HTTP (FastAPI TestClient on a real store): 201 on create,
401 / 404 / 403 / 422 as the contract says, alerts in the contract's shape, the pages in five
languages (Arabic right to left), the digest as PDF."""

from __future__ import annotations

import pytest
from conftest import write_jsonl
from fastapi.testclient import TestClient

from minbar import Minbar
from minbar.auth import Actor
from minbar.web.app import create_app

ARTICLES = [
    {"url": "https://az.example/1", "title": "Gəncədə yeni park açıldı", "lang": "az",
     "text": "Gəncədə bu gün yeni park açılıb.", "source": "wire"},
    {"url": "https://tr.example/2", "title": "Genç futbolcu transfer oldu", "lang": "tr",
     "text": "Genç oyuncu yeni takımına geçti.", "source": "wire"},
]  # fmt: skip


@pytest.fixture
def api(settings, tmp_path):
    mb = Minbar(settings=settings)
    system = Actor.system("test")
    mb.add_org(system, "org", "Org")
    mb.add_committee(system, "pd", "Public diplomacy")
    mb.add_committee(system, "other", "Other")
    tokens = {}
    for email, com, role in [
        ("analyst@x.org", "pd", "analyst"),
        ("viewer@x.org", "pd", "viewer"),
        ("outsider@x.org", "other", "lead"),
    ]:
        mb.add_user(system, email, "org")
        mb.add_member(system, com, email, role)
        tokens[email.split("@")[0]] = {
            "Authorization": "Bearer " + mb.create_token(system, email)["token"]
        }
    with TestClient(create_app(mb)) as client:
        yield client, tokens, mb, tmp_path
    mb.close()


def test_watchlist_api_contract(api):
    client, tok, mb, tmp = api
    body = {"committee": "pd", "name": "Ganja", "kind": "keyword", "query": "Gəncə"}
    assert client.post("/api/v1/watchlists", json=body).status_code == 401
    assert client.post("/api/v1/watchlists", json=body, headers=tok["outsider"]).status_code == 404
    assert client.post("/api/v1/watchlists", json=body, headers=tok["viewer"]).status_code == 403
    bad = client.post("/api/v1/watchlists", json={**body, "kind": "x"}, headers=tok["analyst"])
    assert bad.status_code == 422 and "detail" in bad.json()
    private = {
        **body,
        "channels": [{"type": "webhook", "url": "http://10.0.0.5/h", "secret": "x" * 9}],
    }
    assert (
        client.post("/api/v1/watchlists", json=private, headers=tok["analyst"]).status_code == 422
    )
    r = client.post("/api/v1/watchlists", json=body, headers=tok["analyst"])
    assert r.status_code == 201, r.text
    wid = r.json()["id"]
    listed = client.get("/api/v1/watchlists?committee=pd", headers=tok["viewer"]).json()
    assert [w["id"] for w in listed] == [wid]
    assert client.get("/api/v1/watchlists?committee=pd", headers=tok["outsider"]).status_code == 404
    mb.ingest([str(write_jsonl(tmp / "a.jsonl", ARTICLES))], enrich=True)
    alerts = client.get(f"/api/v1/alerts?watchlist={wid}", headers=tok["viewer"]).json()
    assert [a["url"] for a in alerts] == ["https://az.example/1"]
    keys = {"id", "watchlist_id", "article_id", "title", "url", "lang", "reason", "created"}
    assert keys <= set(alerts[0])
    since = alerts[0]["created"]
    assert len(client.get(
        "/api/v1/alerts", params={"watchlist": wid, "since": since}, headers=tok["viewer"]
    ).json()) == 1  # fmt: skip
    assert client.get(f"/api/v1/alerts?watchlist={wid}", headers=tok["outsider"]).status_code == 404
    assert (
        client.get("/api/v1/alerts?since=yesterday-ish", headers=tok["viewer"]).status_code == 422
    )
    assert client.get("/api/v1/alerts/unread", headers=tok["viewer"]).json() == {"unread": 1}
    read = client.post(
        "/api/v1/alerts/read", json={"ids": [alerts[0]["id"]]}, headers=tok["viewer"]
    )
    assert read.json() == {"read": 1}
    page = client.get("/digest?committee=pd&period=week", headers=tok["viewer"])
    assert page.status_code == 200 and "<style>" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    pdf = client.get("/api/v1/digest?committee=pd&format=pdf", headers=tok["viewer"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("lang", ["ar", "tr", "az", "en", "ru"])
def test_pages_in_five_languages(api, lang):
    client, tok, mb, _tmp = api
    mb.create_watchlist(Actor.system("t"), "pd", "Ganja", "keyword", "Gəncə")
    words = {"ar": "قوائم الرصد", "tr": "İzleme listeleri", "az": "İzləmə siyahıları",
             "en": "Watchlists", "ru": "Списки наблюдения"}  # fmt: skip
    page = client.get(f"/watchlists?lang={lang}", headers=tok["analyst"])
    assert page.status_code == 200
    assert words[lang] in page.text
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in page.text
    assert client.get(f"/alerts?lang={lang}", headers=tok["analyst"]).status_code == 200
    assert client.get(f"/campaigns?lang={lang}", headers=tok["analyst"]).status_code == 200


def test_campaign_page_shows_pickups(api):
    client, tok, mb, tmp = api
    r = client.post(
        "/api/v1/campaigns/messages",
        json={"committee": "pd", "text": "Gəncədə yeni park açıldı və sakinlər sevinir.",
              "lang": "az", "campaign": "Parks"},
        headers=tok["analyst"],
    )  # fmt: skip
    assert r.status_code == 201
    copy = {"url": "https://az.example/copy", "title": "Şəhər xəbərləri", "lang": "az",
            "text": "Bu gün Gəncədə yeni park açıldı və sakinlər sevinir.", "source": "wire"}  # fmt: skip
    mb.ingest([str(write_jsonl(tmp / "c.jsonl", [copy]))], enrich=True)
    out = client.get("/api/v1/campaigns?committee=pd", headers=tok["viewer"]).json()
    assert [p["band"] for p in out[0]["pickups"]] == ["verbatim"]
    page = client.get("/campaigns?committee=pd", headers=tok["viewer"])
    assert page.status_code == 200 and "campaign-timeline-data" in page.text
    assert client.get("/api/v1/campaigns?committee=pd", headers=tok["outsider"]).status_code == 404


def test_pages_need_sign_in(api):
    client, _tok, _mb, _tmp = api
    r = client.get("/watchlists", follow_redirects=False)
    assert r.status_code in (302, 303, 307) and "/login" in r.headers["location"]


def test_watchlist_from_the_web_form_alerts_through_all_three_channels(
    settings, tmp_path, monkeypatch
):
    """Done-when: a watchlist created in the browser (session + CSRF form) alerts in-app, by
    webhook and by e-mail on the right article only."""
    import hashlib
    import hmac
    import json
    import re
    import socket
    from dataclasses import replace
    from datetime import timedelta
    from http.server import ThreadingHTTPServer

    from aiosmtpd.controller import Controller
    from conftest import running
    from test_watch_delivery import Hook, Inbox

    from minbar.store import watchlists as wstore
    from minbar.watch.deliver import deliver_due

    settings = replace(settings, allow_hosts=frozenset({"127.0.0.1"}))
    mb = Minbar(settings=settings)
    system = Actor.system("test")
    mb.add_org(system, "org", "Org")
    mb.add_committee(system, "pd", "Public diplomacy")
    mb.add_user(system, "analyst@x.org", "org", password="correct horse battery", lang="tr")
    mb.add_member(system, "pd", "analyst@x.org", "analyst")
    Hook.received, Hook.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        smtp_port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    monkeypatch.setenv("MINBAR_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    try:
        with running(server), TestClient(create_app(mb)) as client:
            page = client.get("/login")
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            r = client.post(
                "/login",
                data={"email": "analyst@x.org", "password": "correct horse battery",
                      "csrf_token": token},
                follow_redirects=False,
            )  # fmt: skip
            assert r.status_code == 303
            page = client.get("/watchlists?lang=tr")
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
            form = {"csrf_token": token, "committee": "pd", "name": "Gence", "kind": "keyword",
                    "query": "Gəncə", "webhook_url": hook, "webhook_secret": "form-secret-1",
                    "email_to": "analyst@x.org"}  # fmt: skip
            assert client.post("/watchlists", data={**form, "csrf_token": "x"}).status_code == 403
            r = client.post("/watchlists", data=form, follow_redirects=False)
            assert r.status_code == 303, r.text
            mb.ingest([str(write_jsonl(tmp_path / "a.jsonl", ARTICLES))], enrich=True)
            alerts_page = client.get("/alerts?lang=tr")
            assert ARTICLES[0]["title"] in alerts_page.text
            assert ARTICLES[1]["title"] not in alerts_page.text
            later = wstore.utcnow() + timedelta(seconds=61)
            assert deliver_due(mb.store, mb.settings, later)["sent"] == 2
    finally:
        controller.stop()
        mb.close()
    [(headers, body)] = Hook.received
    expected = "sha256=" + hmac.new(b"form-secret-1", body, hashlib.sha256).hexdigest()
    assert headers["X-Minbar-Signature"] == expected
    assert [a["url"] for a in json.loads(body)["alerts"]] == [ARTICLES[0]["url"]]
    [(rcpts, content)] = inbox.messages
    assert rcpts == ["analyst@x.org"] and ARTICLES[0]["url"].encode() in content
    assert ARTICLES[1]["url"].encode() not in content
