"""Accounts on the web: CSRF on every form, tokens shown once, sessions ended by a password
change or deactivation, the sign-in limit across two app instances on one PostgreSQL, the
audit API and its CSV export, and the admin pages for admins and committee leads."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from minbar import Minbar
from minbar.auth import Actor
from minbar.config import Settings
from minbar.store.schema import api_tokens
from minbar.web.app import create_app

SYSTEM = Actor.system("test")
PW = {
    "admin@example.org": "admin password 1",
    "lead@example.org": "lead password 12",
    "viewer@example.org": "viewer password 1",
}


def _seed(mb: Minbar) -> None:
    mb.add_org(SYSTEM, "tr-org", "Türkiye", "TR")
    mb.add_org(SYSTEM, "az-org", "Azərbaycan", "AZ")
    mb.committees_template(SYSTEM, "istanbul")
    mb.add_user(SYSTEM, "admin@example.org", "tr-org", admin=True, password=PW["admin@example.org"])
    mb.add_user(SYSTEM, "lead@example.org", "az-org", password=PW["lead@example.org"])
    mb.add_user(SYSTEM, "viewer@example.org", "tr-org", password=PW["viewer@example.org"])
    mb.add_member(SYSTEM, "education", "lead@example.org", "lead")
    mb.add_member(SYSTEM, "education", "viewer@example.org", "viewer")


@pytest.fixture
def mb(tmp_path):
    m = Minbar(settings=Settings(data_dir=tmp_path / "data"))
    _seed(m)
    yield m
    m.close()


@pytest.fixture
def app(mb):
    return create_app(mb)


def _client(app, email=None) -> TestClient:
    client = TestClient(app)
    if email:
        answer = client.post(
            "/login", data={"email": email, "password": PW[email]}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
    return client


def _csrf(client: TestClient, path: str = "/account") -> str:
    page = client.get(path)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_forms_refuse_a_missing_or_wrong_csrf_token(app):
    client = _client(app, "viewer@example.org")
    token = _csrf(client)
    for path, data in [
        ("/account/language", {"lang": "tr"}),
        ("/account/tokens", {"label": "x"}),
        ("/account/password", {"old": "a", "new": "b", "again": "b"}),
    ]:
        assert client.post(path, data=data).status_code == 403
        assert client.post(path, data={**data, "csrf_token": "wrong"}).status_code == 403
    answer = client.post(
        "/account/language", data={"lang": "tr", "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    # the header is accepted too (HTMX)
    answer = client.post(
        "/account/language",
        data={"lang": "az"},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_token_is_shown_once_and_stored_hashed(app, mb):
    client = _client(app, "viewer@example.org")
    answer = client.post(
        "/account/tokens", data={"label": "my script", "csrf_token": _csrf(client)}
    )
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"
    token = re.search(r"(mbr_[A-Za-z0-9_-]{20,})", answer.text).group(1)
    again = client.get("/account")
    assert token not in again.text and "my script" in again.text
    with mb.store.engine.connect() as conn:
        stored = [r.token_hash for r in conn.execute(select(api_tokens))]
    assert token not in stored and len(stored) == 1
    me = TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "viewer@example.org"
    assert me.json()["committees"] == {"education": "viewer"}
    token_id = mb.tokens(SYSTEM)[0]["id"]
    answer = client.post(
        f"/account/tokens/{token_id}/revoke",
        data={"csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    refused = TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def test_password_change_ends_other_sessions_but_not_this_one(app):
    here = _client(app, "viewer@example.org")
    elsewhere = _client(app, "viewer@example.org")
    assert elsewhere.get("/account").status_code == 200
    answer = here.post(
        "/account/password",
        data={"old": PW["viewer@example.org"], "new": "short", "again": "short",
              "csrf_token": _csrf(here)},
    )  # fmt: skip
    assert answer.status_code == 422 and "12" in answer.text
    answer = here.post(
        "/account/password",
        data={"old": PW["viewer@example.org"], "new": "a new long password",
              "again": "a new long password", "csrf_token": _csrf(here)},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert here.get("/account").status_code == 200
    gone = elsewhere.get("/account", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")


def test_deactivation_ends_the_session(app):
    user = _client(app, "viewer@example.org")
    admin = _client(app, "admin@example.org")
    answer = admin.post(
        "/admin/users/deactivate",
        data={"email": "viewer@example.org", "csrf_token": _csrf(admin, "/admin")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert user.get("/account", follow_redirects=False).status_code == 303


def test_sign_in_limit_holds_across_two_app_instances_on_postgresql(pg_url, tmp_path):
    first = Minbar(settings=Settings(data_dir=tmp_path / "a", database_url=pg_url))
    second = Minbar(settings=Settings(data_dir=tmp_path / "b", database_url=pg_url))
    try:
        first.add_org(SYSTEM, "tr-org", "Org", "TR")
        first.add_user(SYSTEM, "web@example.org", "tr-org", password="the right password")
        clients = [TestClient(create_app(first)), TestClient(create_app(second))]
        for i in range(5):
            answer = clients[i % 2].post(
                "/login", data={"email": "web@example.org", "password": "a wrong password"}
            )
            assert answer.status_code == 401
        for client in clients:
            answer = client.post(
                "/login", data={"email": "web@example.org", "password": "the right password"}
            )
            assert answer.status_code == 429
    finally:
        first.close()
        second.close()


def test_audit_api_for_admins_newest_first(app):
    admin = _client(app, "admin@example.org")
    token = admin.post(
        "/api/v1/tokens", json={"label": "audit"}, headers={"X-CSRF-Token": _csrf(admin)}
    ).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    api = TestClient(app)
    rows = api.get("/api/v1/audit?limit=5", headers=bearer).json()
    assert len(rows) == 5
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert set(rows[0]) == {
        "id", "time", "user", "org", "action", "object", "committee", "client", "outcome"
    }  # fmt: skip
    assert rows[0]["action"] == "token.create" and rows[0]["user"] == "admin@example.org"
    assert api.get("/api/v1/audit?limit=1000", headers=bearer).status_code == 200
    assert api.get("/api/v1/audit?limit=1001", headers=bearer).status_code == 422
    assert api.get("/api/v1/audit").status_code == 401
    lead = _client(app, "lead@example.org")
    assert lead.get("/api/v1/audit").status_code == 403
    assert lead.get("/admin/audit").status_code == 403
    assert lead.get("/admin/audit.csv").status_code == 403


def test_audit_page_filters_and_csv_export_is_spreadsheet_safe(app, mb):
    with pytest.raises(Exception):  # noqa: B017 - any refusal; we want the audit row
        mb.authenticate("=HYPERLINK(1)@example.org", "whatever password")
    admin = _client(app, "admin@example.org")
    page = admin.get("/admin/audit?action=member.&committee=education")
    assert page.status_code == 200
    assert page.text.count("member.add") == 2
    answer = admin.get("/admin/audit.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    users = {r["user"] for r in rows}
    assert "'=hyperlink(1)@example.org" in users
    assert not any(v.startswith("=") for r in rows for v in r.values())


def test_admin_pages_for_admins_and_committee_leads(app):
    lead = _client(app, "lead@example.org")
    page = lead.get("/admin")
    assert page.status_code == 200
    assert "/admin/committees/education" in page.text
    assert "/admin/committees/legislation" not in page.text
    assert "/admin/orgs" not in page.text  # organisations and users: admins only
    assert lead.get("/admin/committees/legislation").status_code == 404
    token = _csrf(lead, "/admin")
    answer = lead.post(
        "/admin/committees/education/members",
        data={"email": "admin@example.org", "role": "analyst", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    answer = lead.post(
        "/admin/committees/education/members",
        data={"email": "viewer@example.org", "role": "boss", "csrf_token": token},
    )
    assert answer.status_code == 422 and "viewer, analyst, editor, lead" in answer.text
    answer = lead.post("/admin/orgs", data={"slug": "x", "name": "X", "csrf_token": token})
    assert answer.status_code == 403

    viewer = _client(app, "viewer@example.org")
    assert viewer.get("/admin").status_code == 403

    admin = _client(app, "admin@example.org")
    token = _csrf(admin, "/admin")
    answer = admin.post(
        "/admin/users", data={"email": "new@example.org", "org": "az-org", "csrf_token": token}
    )
    assert answer.status_code == 201 and "new@example.org" in answer.text
    answer = admin.post(
        "/admin/users", data={"email": "NEW@example.org", "org": "az-org", "csrf_token": token}
    )
    assert answer.status_code == 409
    answer = admin.post(
        "/admin/users", data={"email": "other@example.org", "org": "nope", "csrf_token": token}
    )
    assert answer.status_code == 422 and "az-org, tr-org" in answer.text


def test_profile_in_arabic_is_right_to_left(app):
    client = _client(app, "viewer@example.org")
    page = client.get("/account?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "رموز الوصول" in page.text  # "API tokens", from accounts.po
    assert "التعليم" in page.text  # the committee's Arabic name
