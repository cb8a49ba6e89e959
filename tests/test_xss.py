"""XSS: titles, text, quotes, source names and fact-check fields carrying script payloads (ours
and feedparser's sanitizer corpus) are shown as text. Checked in chromium twice — with the CSP and
with the CSP bypassed, so escaping alone must hold — plus on the raw HTML."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.test_browser import SKIP_BROWSER, Watch, _chromium, signed_in
from tests.test_web_support import PAYLOADS, corpus_copy, live_server, login

DANGEROUS = (
    "[onerror],[onload],[onmouseover],[onclick],iframe,object,embed,svg,"
    "a[href^='javascript:' i],script:not([src]):not([type='application/json'])"
    ":not([type='application/ld+json'])"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from minbar import Minbar
    from minbar.web.app import create_app

    mb = Minbar(data_dir=corpus_copy(tmp_path_factory))
    app = create_app(mb)
    with live_server(app) as base:
        yield mb, app, base
    mb.close()


def payload_pages(mb) -> list[str]:
    hits = mb.search("payload OR earthquake OR زلزال", limit=50) + mb.search("xss", limit=50)
    arts = sorted({h["id"] for h in hits if "xss.example" in h["url"]})
    stories = sorted({mb.article(a)["story_id"] for a in arts if mb.article(a).get("story_id")})
    fcs = [i["id"] for i in mb.factcheck_list(limit=100)[0]]
    assert arts, "the payload articles were ingested"
    return (
        [
            "/",
            "/?window=7d",
            "/search?q=earthquake",
            "/search?q=%D8%B2%D9%84%D8%B2%D8%A7%D9%84",
            "/search?q=executeMe",
            "/quotes",
            "/entities",
            "/sources",
            "/factchecks",
        ]
        + [f"/articles/{a}" for a in arts]
        + [f"/stories/{s}" for s in stories]
        + [f"/factchecks/{f}" for f in fcs]
    )


def test_payloads_are_escaped_in_html(site):
    mb, app, _ = site
    client = TestClient(app)
    login(client)
    for path in payload_pages(mb):
        html = client.get(path).text
        for p in PAYLOADS:
            assert p not in html, (path, p)
        assert "window.__xss=1</script>" not in html
        assert 'href="javascript:' not in html.lower()


@SKIP_BROWSER
@pytest.mark.parametrize("bypass_csp", [False, True])
def test_no_payload_executes_in_the_browser(site, bypass_csp):
    from playwright.sync_api import sync_playwright

    mb, _, base = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        ctx, page = signed_in(browser, base, bypass_csp=bypass_csp)
        watch = Watch(page, base)
        try:
            for lang in ("en", "ar"):
                for path in payload_pages(mb):
                    sep = "&" if "?" in path else "?"
                    page.goto(f"{base}{path}{sep}lang={lang}", wait_until="load")
                    page.mouse.move(200, 300)
                    page.hover("main")
                    assert page.evaluate("window.__xss === undefined"), path
                    found = page.evaluate(
                        "sel => Array.from(document.querySelectorAll(sel)).map(e => e.outerHTML)",
                        DANGEROUS,
                    )
                    assert found == [], (path, found[:3])
            assert watch.dialogs == []
            assert watch.foreign == [], watch.foreign[:5]
            assert watch.errors == [], watch.errors[:5]
        finally:
            ctx.close()
            browser.close()
