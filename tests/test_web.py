"""Web app: sign-in, sessions, CSRF, security headers, UI language, errors and bad input, pages
in five languages, JSON-LD serialisation and the i18n catalogs (TestClient, one shared store)."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from tests.test_web_support import ADMIN, ANALYST, PASSWORD, corpus_copy, csrf_of, login

LANGS = ("ar", "tr", "az", "en", "ru")
PRIVATE_PAGES = [
    "/",
    "/search",
    "/search?q=earthquake",
    "/stories",
    "/stories?sort=velocity&since=2026-01-01",
    "/quotes",
    "/entities",
    "/sources",
]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from minbar import Minbar
    from minbar.web.app import create_app

    data = corpus_copy(tmp_path_factory)
    mb = Minbar(data_dir=data)
    app = create_app(mb)

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/boom", boom)
    yield mb, app
    mb.close()


@pytest.fixture
def client(env):
    return TestClient(env[1], raise_server_exceptions=False)


@pytest.fixture
def user(client):
    login(client)
    return client


def ids(mb):
    art = mb.search("earthquake", limit=1)[0]["id"]
    story = mb.stories(limit=1)[0]["id"]
    fc = mb.factcheck_list(limit=1)[0][0]["id"]
    return art, story, fc


# --- headers and public paths --------------------------------------------------------------


def test_healthz_and_security_headers(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    for path in ("/healthz", "/login", "/factchecks", "/static/css/minbar.css", "/nope"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        script = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
        assert "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"]


def test_public_and_private_paths(env, client):
    mb = env[0]
    _, _, fc = ids(mb)
    for path in (
        "/login",
        "/factchecks",
        f"/factchecks/{fc}",
        "/api/v1/factchecks/export",
        "/static/vendor/htmx.min.js",
        "/api/v1/openapi.json",
        "/healthz",
    ):
        assert client.get(path).status_code == 200, path
    art, story, _ = ids(mb)
    for path in PRIVATE_PAGES + [f"/articles/{art}", f"/stories/{story}"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")
    for path in (
        "/api/v1/search?q=x",
        f"/api/v1/articles/{art}",
        "/api/v1/stories",
        f"/api/v1/stories/{story}",
        "/api/v1/sources",
    ):
        r = client.get(path)
        assert r.status_code == 401 and "detail" in r.json(), path
    assert client.post("/api/v1/match", json={"text": "x"}).status_code == 401
    bad = client.get("/api/v1/stories", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["detail"]


# --- sign-in, sessions, CSRF ---------------------------------------------------------------


def test_login_wrong_and_unknown_answer_alike(client):
    a = client.post("/login", data={"email": ANALYST, "password": "wrong password!"})
    b = client.post("/login", data={"email": "nobody@example.org", "password": "wrong password!"})
    assert a.status_code == b.status_code == 401
    assert "minbar_session" not in a.headers.get("set-cookie", "")
    assert re.sub(r'content="[0-9a-f]+"|value="[^"]*"', "", a.text) == re.sub(
        r'content="[0-9a-f]+"|value="[^"]*"', "", b.text
    )


def test_login_sets_cookie_and_redirects_to_next(client):
    r = client.post(
        "/login",
        data={"email": ANALYST, "password": PASSWORD, "next": "/sources"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sources"
    cookie = [c for c in r.headers.get_list("set-cookie") if c.startswith("minbar_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/sources").status_code == 200
    r = client.post(
        "/login",
        data={"email": ANALYST, "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_cross_site_login_refused(client):
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        r = client.post(
            "/login",
            data={"email": ANALYST, "password": PASSWORD},
            headers=headers,
            follow_redirects=False,
        )
        assert r.status_code == 403 and "minbar_session" not in r.headers.get("set-cookie", "")
    r = client.post(
        "/login",
        data={"email": ANALYST, "password": PASSWORD},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_secure_cookie_when_configured(client, monkeypatch):
    monkeypatch.setenv("MINBAR_SECURE_COOKIES", "1")
    r = login(client)
    cookie = [c for c in r.headers.get_list("set-cookie") if c.startswith("minbar_session=")][0]
    assert "Secure" in cookie


def test_csrf_required_for_cookie_requests_not_for_bearer(env, user):
    mb = env[0]
    page = user.get("/")
    token = csrf_of(page.text)
    r = user.post("/logout", follow_redirects=False)
    assert r.status_code == 403 and r.json() == {"detail": "missing or wrong CSRF token"}
    r = user.post("/logout", data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert r.status_code == 403
    r = user.post("/api/v1/match", json={"text": "Van earthquake killed 300 people"})
    assert r.status_code == 403
    r = user.post(
        "/api/v1/match",
        json={"text": "Van earthquake killed 300 people"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200 and isinstance(r.json(), list)
    r = user.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert user.get("/", follow_redirects=False).status_code == 303
    from minbar.auth import Actor

    tok = mb.create_token(Actor.system(), ANALYST)["token"]
    fresh = TestClient(env[1], raise_server_exceptions=False)
    r = fresh.post(
        "/api/v1/match",
        json={"text": "Van earthquake killed 300 people"},
        headers={"Authorization": f"Bearer {tok}"},
    )
    assert r.status_code == 200


def test_session_void_after_password_change_and_expiry(env, client):
    mb = env[0]
    from minbar.web import deps, sessions

    login(client, ADMIN)
    assert client.get("/", follow_redirects=False).status_code == 200
    actor = mb.authenticate(ADMIN, PASSWORD)
    new = PASSWORD + " 2"
    mb.change_password(actor, PASSWORD, new)
    try:
        assert client.get("/", follow_redirects=False).status_code == 303
    finally:
        mb.change_password(mb.authenticate(ADMIN, new), new, PASSWORD)
    codec = deps.codec(env[1])
    uid = actor.user_id
    epoch = mb.session_epoch(uid)
    old = codec.issue(uid, epoch, issued=time.time() - sessions.ABSOLUTE_SECONDS - 60)
    c2 = TestClient(env[1], raise_server_exceptions=False, cookies={"minbar_session": old})
    assert c2.get("/", follow_redirects=False).status_code == 303
    ok = codec.issue(uid, epoch)
    c3 = TestClient(env[1], raise_server_exceptions=False, cookies={"minbar_session": ok})
    assert c3.get("/", follow_redirects=False).status_code == 200
    import itsdangerous.timed as timed

    real = timed.time.time
    timed.time.time = lambda: real() - sessions.IDLE_SECONDS - 60
    try:
        idle = codec.issue(uid, epoch)
    finally:
        timed.time.time = real
    c4 = TestClient(env[1], raise_server_exceptions=False, cookies={"minbar_session": idle})
    assert c4.get("/", follow_redirects=False).status_code == 303
    forged = ok[:-2] + ("AA" if not ok.endswith("AA") else "BB")
    c5 = TestClient(env[1], raise_server_exceptions=False, cookies={"minbar_session": forged})
    assert c5.get("/", follow_redirects=False).status_code == 303


# --- language ------------------------------------------------------------------------------


def _html_lang(text: str) -> tuple[str, str]:
    m = re.search(r'<html lang="([a-z]+)" dir="(rtl|ltr)">', text)
    return m.group(1), m.group(2)


def test_ui_language_query_cookie_header(user):
    assert _html_lang(user.get("/", headers={"Accept-Language": "tr-TR,tr;q=0.9"}).text) == (
        "tr",
        "ltr",
    )
    r = user.get("/?lang=ar")
    assert _html_lang(r.text) == ("ar", "rtl")
    assert "لوحة المتابعة" in r.text
    # remembered in a cookie, over Accept-Language
    assert _html_lang(user.get("/sources", headers={"Accept-Language": "ru"}).text)[0] == "ar"
    user.cookies.delete("minbar_lang")
    assert _html_lang(user.get("/sources", headers={"Accept-Language": "ru"}).text)[0] == "ru"
    assert _html_lang(user.get("/sources", headers={"Accept-Language": "de, fr"}).text)[0] == "en"
    r = user.get("/?lang=xx")
    assert r.status_code == 422 and "unknown language" in r.text


def test_every_page_in_five_languages(env, user):
    art, story, fc = ids(env[0])
    pages = PRIVATE_PAGES + [
        f"/articles/{art}",
        f"/stories/{story}",
        "/factchecks",
        f"/factchecks/{fc}",
        "/search?q=deprem&mode=text&language=tr",
        "/quotes?speaker=Erdoğan",
        "/entities?type=PER",
        "/?window=7d",
    ]
    for lang in LANGS:
        for path in pages:
            sep = "&" if "?" in path else "?"
            r = user.get(f"{path}{sep}lang={lang}")
            assert r.status_code == 200, (path, lang, r.text[:500])
            assert _html_lang(r.text) == (lang, "rtl" if lang == "ar" else "ltr")
            assert '<meta name="csrf-token" content="' in r.text


# --- errors and bad input -------------------------------------------------------------------


def test_not_found_in_user_language(user):
    r = user.get("/articles/99999999?lang=ru")
    assert r.status_code == 404 and "Не найдено" in r.text and _html_lang(r.text)[0] == "ru"
    r = user.get("/stories/99999999?lang=tr")
    assert r.status_code == 404 and "Bulunamadı" in r.text
    r = user.get("/no/such/page?lang=az")
    assert r.status_code == 404 and "Tapılmadı" in r.text
    r = user.get("/api/v1/articles/99999999")
    assert r.status_code == 404 and r.json()["detail"]
    assert user.get("/articles/abc").status_code == 422


def test_bad_input_is_4xx_with_a_clear_message(user):
    long = "a" * 10_000
    r = user.get(f"/search?q={long}")
    assert r.status_code == 422 and "at most 1000" in r.text
    r = user.get(f"/api/v1/search?q={long}")
    assert r.status_code == 422 and r.json()["detail"]
    r = user.get("/search?q=van&since=yesterday-ish")
    assert r.status_code == 422 and "not a date" in r.text
    assert user.get("/api/v1/search?q=van&since=31/31/2026").status_code == 422
    r = user.get("/search?q=van&language=xx")
    assert r.status_code == 422 and "unknown language" in r.text
    assert user.get("/api/v1/search?q=van&lang=klingon").status_code == 422
    assert user.get("/search?q=van&mode=psychic").status_code == 422
    assert user.get("/search?q=van&page=0").status_code == 422
    assert user.get("/search?q=van&page=x").status_code == 422
    assert user.get("/entities?type=ALIEN").status_code == 422
    assert user.get("/stories?sort=random").status_code == 422
    r = user.post("/api/v1/match", json={"text": ""}, headers={"X-CSRF-Token": "x"})
    assert r.status_code in (403, 422)


def test_crash_is_500_without_traceback(user):
    r = user.get("/api/v1/boom")
    assert r.status_code == 500 and r.json() == {"detail": "internal error"}
    r = user.get("/boom")
    assert r.status_code == 500 and "secret internal detail" not in r.text
    assert "Traceback" not in r.text and "content-security-policy" in r.headers


# --- API ------------------------------------------------------------------------------------


def test_api_contract(env, user):
    mb = env[0]
    hits = user.get("/api/v1/search?q=earthquake&limit=3").json()
    assert hits and {"id", "url", "title", "lang", "source", "published", "score"} <= set(hits[0])
    art = user.get(f"/api/v1/articles/{hits[0]['id']}").json()
    assert {
        "id",
        "url",
        "title",
        "lang",
        "source",
        "published",
        "text",
        "entities",
        "quotes",
        "claims",
        "matches",
        "story_id",
    } <= set(art)
    stories = user.get("/api/v1/stories?since=2020-01-01").json()
    assert stories and "urls" in stories[0]
    story = user.get(f"/api/v1/stories/{stories[0]['id']}").json()
    assert story["articles"]
    feed = TestClient(env[1]).get("/api/v1/factchecks/export").json()
    assert feed["@type"] == "DataFeed" and feed["dataFeedElement"]
    spec = user.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/search",
        "/api/v1/articles/{article_id}",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/match",
        "/api/v1/factchecks/export",
    ):
        assert path in spec["paths"], path
    assert mb  # the fixture's store stays open


# --- JSON-LD and escaping -----------------------------------------------------------------


def test_jsonld_is_safely_serialised(env, client):
    mb = env[0]
    items, _ = mb.factcheck_list(limit=100)
    fc = next(
        mb.factcheck_detail(i["id"])
        for i in items
        if "</script>" in json.dumps(mb.factcheck_detail(i["id"])["claimreview"])
    )
    r = client.get(f"/factchecks/{fc['id']}")
    assert r.status_code == 200
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', r.text, re.S)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0] and "&" not in blocks[0]
    data = json.loads(blocks[0])
    assert data["@type"] == "ClaimReview" and data == json.loads(json.dumps(fc["claimreview"]))
    assert "<script>window.__xss" not in r.text
    assert 'href="javascript:' not in r.text.lower()


def test_filters():
    from minbar.web.templating import safe_url, script_json

    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_url("HTTP://a.example/") == "HTTP://a.example/"
    for bad in (
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:x",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example",
        "/local",
        "java\tscript:x",
        "http:///x",
        None,
        3,
    ):
        assert safe_url(bad) is None, bad
    out = str(script_json({"a": "</script><!--&\u2028"}))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!--&\u2028"}


# --- i18n catalogs ------------------------------------------------------------------------


def extracted_msgids() -> set:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    import minbar.web

    web = Path(minbar.web.__file__).parent
    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _fn, _line, msg, _c, _ctx in extract_from_dir(str(web), method_map, keywords=keywords):
        found.add(tuple(msg[:2]) if isinstance(msg, tuple) else msg)
    return found


def test_every_ui_string_is_translated():
    from minbar.web.i18n import load_catalogs

    msgids = extracted_msgids()
    assert len(msgids) > 100
    catalogs = load_catalogs()
    missing = {}
    for lang in ("ar", "tr", "az", "en", "ru"):  # en: msgstr = msgid, so tools count it whole
        messages = catalogs[lang].messages
        gaps = sorted(str(m) for m in msgids if not messages.get(m))
        if gaps:
            missing[lang] = gaps
    assert not missing, missing
    # no placeholder lost or invented
    for lang in ("ar", "tr", "az", "en", "ru"):
        for m in msgids:
            if isinstance(m, str):
                want = set(re.findall(r"%\(\w+\)s", m))
                got = set(re.findall(r"%\(\w+\)s", catalogs[lang].messages[m]))
                assert got == want, (lang, m)


def test_dates_and_numbers_per_locale(user):
    r = user.get("/sources?lang=ru")
    assert r.status_code == 200
    from minbar.web.i18n import load_catalogs

    cats = load_catalogs()
    assert cats["ru"].number(12345) == "12\xa0345"
    assert cats["tr"].number(12345) == "12.345"
    assert "2026" in cats["az"].datetime("2026-01-02T03:04:00+00:00")
