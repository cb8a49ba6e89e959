"""HTML pages → one article (trafilatura, comments excluded)."""

from __future__ import annotations

import json

import trafilatura
from lxml import html as lxml_html

from minbar.ingest.encoding import decode_bytes
from minbar.ingest.errors import ParseError
from minbar.ingest.html_text import title_text
from minbar.models import ArticleIn
from minbar.text.dates import parse_datetime

_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date.issued",
)
_DATE_KEYS = ("datePublished", "dateCreated", "uploadDate")
#: A page with fewer letters of main text is a menu, an error page or a paywall stub.
MIN_LETTERS = 40


def _jsonld_dates(doc) -> list[str]:
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in _DATE_KEYS:
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text_content() or "null"))
        except ValueError:
            continue
    return found


def published_time(doc) -> str | None:
    """Full timestamp from ``article:published_time``-style meta tags or JSON-LD, if present."""
    for meta in doc.xpath("//meta[@property or @name or @itemprop]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        if key in _DATE_META and meta.get("content"):
            return meta.get("content")
    dates = _jsonld_dates(doc)
    return dates[0] if dates else None


def parse_page(
    data: bytes, *, url: str, input_name: str, declared_charset: str | None = None
) -> ArticleIn:
    text, _enc = decode_bytes(data, declared=declared_charset, kind="html", source=input_name)
    try:
        doc = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ParseError(input_name, f"not readable HTML: {exc}") from None
    extracted = trafilatura.bare_extraction(
        doc, url=url, include_comments=False, with_metadata=True, include_tables=False
    )
    if extracted is None or sum(ch.isalpha() for ch in extracted.text or "") < MIN_LETTERS:
        raise ParseError(input_name, "no article text found in the page")
    published = None
    stamp = published_time(doc)
    for candidate in (stamp, extracted.date):
        try:
            published = parse_datetime(candidate)
        except ValueError:
            continue
        if published:
            break
    lang = (doc.get("lang") or "").split("-")[0].lower() or None
    body = extracted.text.strip()
    title = title_text(extracted.title or "")
    # trafilatura may repeat the headline as the first line of the body.
    first, _, rest = body.partition("\n")
    if title and first.strip() == title and rest.strip():
        body = rest.strip()
    return ArticleIn(
        url=url,
        canonical_url=extracted.url or None,
        title=title,
        text=body,
        published=published,
        source=extracted.sitename or None,
        lang_hint=lang,
    )
