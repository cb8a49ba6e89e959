"""Shared corpus for the web tests (no tests here).

One small enriched store is built once per pytest process — a dozen demo articles in several
languages, some fact-checks, and articles/fact-checks whose title, text and quotes carry script
payloads — and every web test module gets its own copy of the data directory (a file copy: no
second enrichment, no second model load).
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from minbar.auth import Actor

DEMO = Path(__file__).resolve().parents[1] / "src" / "minbar" / "demo" / "data"
PASSWORD = "correct horse battery staple"
ADMIN = "admin@example.org"
ANALYST = "analyst@example.org"

#: Script payloads: our own, and ones from feedparser's sanitizer test feeds
#: (tests/wellformed/sanitize/*.xml of https://github.com/kurtmckee/feedparser).
PAYLOADS = [
    "<script>window.__xss=1;alert('xss')</script>",
    '<img src="x" onerror="window.__xss=1;alert(1)">',
    '<a href="javascript:window.__xss=1">click</a>',
    "</script><script>window.__xss=1</script>",
    '<svg onload="window.__xss=1">',
    '"><iframe src="javascript:alert(1)"></iframe>',
    "<!-- <script> --><script>window.__xss=1</script>",
    '<body onload="executeMe();"><script>function executeMe(){window.__xss=1}</script>',
    '<div notRealAttribute="value"onmouseover="executeMe();"foo="bar">I will execute here</div>',
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "{{7*7}} ${7*7} <style>body{display:none}</style>",
]

XSS_ARTICLES = [
    {
        "url": "https://xss.example/2026/11/20/a1",
        "title": PAYLOADS[0] + " earthquake",
        "text": (
            f"Officials reported {PAYLOADS[1]} after the earthquake in Van. "
            f'"{PAYLOADS[0]} we will rebuild every house," said President Recep Tayyip Erdoğan. '
            f"The ministry said {PAYLOADS[3]} more than 300 families received tents. "
            f"{PAYLOADS[7]} {PAYLOADS[8]}"
        ),
        "published": "2026-11-20T08:00:00+00:00",
        "source": "Payload <b>Times</b>",
        "lang": "en",
    },
    {
        "url": "https://xss.example/2026/11/20/a2",
        "title": PAYLOADS[4] + " زلزال وان",
        "text": (
            f"قال الرئيس رجب طيب أردوغان إن {PAYLOADS[2]} الحكومة ستعيد بناء المنازل. "
            f"{PAYLOADS[5]} {PAYLOADS[6]} {PAYLOADS[9]} {PAYLOADS[10]}"
        ),
        "published": "2026-11-20T09:00:00+00:00",
        "source": "Payload <i>Arabic</i>",
        "lang": "ar",
    },
]

XSS_FACTCHECK = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://check.example/2026/11/21/xss",
    "claimReviewed": "</script><script>window.__xss=1</script> & <!-- 300 dead in Van",
    "datePublished": "2026-11-21",
    "inLanguage": "en",
    "author": {"@type": "Organization", "name": "<b>Checker</b>"},
    "reviewRating": {"@type": "Rating", "alternateName": "<img src=x onerror=alert(1)>"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "</script><script>window.__xss=1</script>"},
        "appearance": [{"@type": "CreativeWork", "url": "javascript:window.__xss=1"}],
    },
}

_TEMPLATE: Path | None = None


def _demo_records(n: int) -> list[dict]:
    rows = [json.loads(line) for line in (DEMO / "articles_p1.jsonl").open(encoding="utf-8")]
    langs: dict[str, int] = {}
    picked = []
    for r in rows:  # a few of each language
        lang = r.get("lang") or "?"
        if langs.get(lang, 0) < 3:
            picked.append(r)
            langs[lang] = langs.get(lang, 0) + 1
        if len(picked) >= n:
            break
    return picked


def build_template(base: Path) -> Path:
    """Ingest, import, enrich and create accounts once; returns the data dir."""
    from minbar import Minbar

    data = base / "template"
    data.mkdir(parents=True)
    inputs = base / "inputs"
    inputs.mkdir()
    arts = inputs / "articles.jsonl"
    arts.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _demo_records(12) + XSS_ARTICLES),
        "utf-8",
    )
    fcs = json.loads((DEMO / "factchecks_p1.json").read_text("utf-8"))[:8] + [XSS_FACTCHECK]
    fc_file = inputs / "factchecks.json"
    fc_file.write_text(json.dumps(fcs, ensure_ascii=False), "utf-8")
    mb = Minbar(data_dir=data)
    try:
        report = mb.ingest([str(arts)])
        assert report["ingested"] >= 10, report
        mb.factchecks_import([str(fc_file)])
        mb.enrich()
        system = Actor.system()
        mb.add_org(system, "tr-gov", "Türkiye", country="TR")
        mb.add_org(system, "az-gov", "Azərbaycan", country="AZ")
        mb.add_user(system, ADMIN, "tr-gov", name="Admin", admin=True, password=PASSWORD)
        mb.add_user(system, ANALYST, "az-gov", name="Analyst <i>", password=PASSWORD)
    finally:
        mb.close()
    return data


def corpus_copy(tmp_path_factory) -> Path:
    """A fresh copy of the shared enriched data dir."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = build_template(tmp_path_factory.mktemp("web-corpus"))
    target = tmp_path_factory.mktemp("web-data") / "data"
    shutil.copytree(_TEMPLATE, target)
    return target


def login(client, email: str = ANALYST, password: str = PASSWORD):
    r = client.post("/login", data={"email": email, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def csrf_of(html: str) -> str:
    import re

    m = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)"', html)
    assert m, "no csrf meta"
    return m.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app):
    """A real uvicorn server on 127.0.0.1 (free port) in a thread."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
