"""RSS/Atom feeds → articles (feedparser), after a hostile-XML check (defusedxml)."""

from __future__ import annotations

import re

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from minbar.ingest.encoding import decode_bytes
from minbar.ingest.errors import ParseError
from minbar.ingest.html_text import html_to_text, title_text
from minbar.models import ArticleIn
from minbar.text.dates import parse_datetime

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def looks_like_feed(head: str) -> bool:
    """Sniff the first bytes of a document for RSS/Atom/RDF roots."""
    head = head[:2048].lower()
    return any(tag in head for tag in ("<rss", "<feed", "<rdf:rdf"))


def check_xml(data: bytes, input_name: str) -> None:
    """Refuse entity expansion (billion laughs), external entities and external DTDs."""
    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(input_name, f"refused hostile XML ({type(exc).__name__})") from None
    except SafeET.ParseError:
        # Not well-formed: feedparser's lenient parser may still read it; decided below.
        pass


def parse_feed(
    data: bytes, *, input_name: str, declared_charset: str | None = None
) -> tuple[str | None, list[ArticleIn]]:
    """Parse a feed document into (feed title, articles).

    The document is decoded by :func:`decode_bytes` (which knows legacy Arabic/Turkish/Russian
    code pages better than feedparser does) and handed on as UTF-8.
    """
    text, _enc = decode_bytes(data, declared=declared_charset, kind="xml", source=input_name)
    utf8 = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")
    check_xml(utf8, input_name)
    parsed = feedparser.parse(utf8, sanitize_html=True, resolve_relative_uris=True)
    feed_lang = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    articles: list[ArticleIn] = []
    for entry in parsed.entries:
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = html_to_text(body or entry.get("summary", "") or entry.get("description", ""))
        title = title_text(entry.get("title", ""))
        link = entry.get("link") or entry.get("id")
        if not link or not (body or title):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        articles.append(
            ArticleIn(
                url=link,
                title=title,
                text=body or title,
                published=parse_datetime(stamp) if stamp else None,
                source=title_text(parsed.feed.get("title", "")) or None,
                lang_hint=feed_lang,
            )
        )
    if not articles and (parsed.bozo or not parsed.version):
        # A well-formed feed with no items is fine; a broken one that yields nothing is not.
        reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
        raise ParseError(input_name, f"not a readable RSS/Atom feed: {reason}")
    return (title_text(parsed.feed.get("title", "")) or None), articles
