"""Case pages and the public tip form in a browser session (cookie + CSRF token), on SQLite and
PostgreSQL: the flow by forms, four eyes and wrong states as error pages, five UI languages, the
tip form's honeypot and rate limit; and every text of the case templates translated by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from minbar.auth import Actor
from tests.test_cases import make_world

PASSWORD = "correct horse battery staple"
TEMPLATES = Path(__file__).resolve().parents[1] / "src/minbar/web/templates/cases"


@pytest.fixture
def web(settings):
    from minbar.web.app import create_app

    mb, actors = make_world(settings, PASSWORD)
    yield mb, actors, create_app(mb), Actor.system("test")
    mb.wait_evidence(30)
    mb.close()


def signed_in(app, mb, email: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    r = client.post("/login", data={"email": email, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client, csrf(client, "/cases")


def csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[-300:]
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_case_flow_by_forms(web) -> None:
    mb, _a, app, _system = web
    analyst, token = signed_in(app, mb, "analyst@x.org")
    r = analyst.post(
        "/cases",
        data={
            "committee": "c1",
            "claim": "Ministers' salaries were tripled last month.",
            "lang": "en",
            "csrf_token": token,
        },
    )
    assert r.status_code == 201 and "Before you start" in r.text
    cid = int(re.search(r"/cases/(\d+)/assign", r.text).group(1))
    assert analyst.post(f"/cases/{cid}/comment", data={"text": "no token"}).status_code == 403
    r = analyst.post(
        f"/cases/{cid}/assign",
        data={"assignee": "analyst@x.org", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{cid}"
    editor, etoken = signed_in(app, mb, "editor@x.org")
    r = editor.post(
        f"/cases/{cid}/verdict",
        data={"rating": "false", "summary_en": "No.", "summary_tr": "Hayır.", "csrf_token": etoken},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = editor.get(f"/cases/{cid}")
    assert "Four eyes" in page.text and 'value="approve"' not in page.text
    r = editor.post(f"/cases/{cid}/review", data={"decision": "approve", "csrf_token": etoken})
    assert r.status_code == 403 and "<html" in r.text
    r = editor.post(f"/cases/{cid}/publish", data={"csrf_token": etoken})
    assert r.status_code == 409
    editor2, e2token = signed_in(app, mb, "editor2@x.org")
    r = editor2.post(
        f"/cases/{cid}/review",
        data={"decision": "approve", "csrf_token": e2token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = editor2.post(f"/cases/{cid}/publish", data={"csrf_token": e2token}, follow_redirects=False)
    assert r.status_code == 303
    page = editor2.get(f"/cases/{cid}?lang=tr")
    assert "Yayımlandı" in page.text or "Yayımlanan doğrulamalar" in page.text
    for lang, word in (("ar", "الملف"), ("tr", "Dosya"), ("az", "İş"), ("ru", "Дело")):
        page = analyst.get(f"/cases/{cid}?lang={lang}")
        assert page.status_code == 200 and word in page.text
    assert 'dir="rtl"' in analyst.get("/cases?lang=ar").text
    listed = analyst.get("/cases?status=published&committee=c1&language=en")
    assert f'href="/cases/{cid}"' in listed.text
    outsider = TestClient(app)
    assert outsider.get(f"/cases/{cid}", follow_redirects=False).status_code in (302, 303, 307)


def test_public_tip_form(web) -> None:
    mb, a, app, _system = web
    visitor = TestClient(app)
    for lang, word in (("ar", "بلاغ"), ("tr", "İhbar"), ("az", "Məlumat"), ("ru", "Сообщ")):
        assert word in visitor.get(f"/tips?lang={lang}").text
    token = csrf(visitor, "/tips")
    text = "A video claims the bridge collapsed yesterday."
    r = visitor.post("/tips", data={"text": text, "committee": "c1"})
    assert r.status_code == 403  # no CSRF token
    r = visitor.post(
        "/tips", data={"text": text, "committee": "c1", "website": "x", "csrf_token": token}
    )
    assert r.status_code == 200 and mb.tips(a["lead"]) == []  # honeypot: nothing stored
    for _ in range(5):
        r = visitor.post("/tips", data={"text": text, "committee": "c1", "csrf_token": token})
        assert r.status_code == 200
    r = visitor.post("/tips", data={"text": text, "committee": "c1", "csrf_token": token})
    assert r.status_code == 429
    assert len(mb.tips(a["lead"])) == 5
    r = visitor.post("/api/v1/tips", json={"text": text})
    assert r.status_code == 429  # the same address, counted in the database


def test_every_case_template_text_is_translated() -> None:
    from minbar.web import i18n

    catalogs = i18n.load_catalogs()
    ids: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        for m in re.finditer(
            r'_\(\s*"((?:[^"\\]|\\.)*)"|_\(\s*\'((?:[^\'\\]|\\.)*)\'', path.read_text()
        ):
            ids.add(m.group(1) or m.group(2))
    assert len(ids) > 100
    for lang in ("ar", "tr", "az", "ru"):
        missing = sorted(i for i in ids if not catalogs[lang].messages.get(i))
        assert not missing, (lang, missing)
