"""Evidence snapshots: an evidence URL fetched through the SSRF-safe fetcher, its text kept.

The page is read once, when the evidence is added (in the background), so the case keeps what the
page said even after it changes or disappears. A refused (private address, bad scheme) or
unreachable URL is not an error of the case: the evidence stays, with ``fetch_status="error"`` and
the fetcher's reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from minbar.config import Settings

MAX_SNAPSHOT_CHARS = 200_000


@dataclass
class Snapshot:
    status: str  # ok | error
    title: str | None = None
    text: str | None = None
    error: str | None = None


def fetch_snapshot(url: str, settings: Settings) -> Snapshot:
    """Fetch ``url`` under the SSRF guard (``MINBAR_ALLOW_HOSTS`` honoured) into plain text."""
    from minbar.ingest.encoding import decode_bytes
    from minbar.ingest.errors import IngestError
    from minbar.ingest.html_text import clean_whitespace, html_to_text, title_text
    from minbar.ingest.safety import FetchPolicy, fetch

    policy = FetchPolicy(
        allow_hosts=settings.allow_hosts, max_bytes=settings.max_download_bytes, retries=1
    )
    try:
        got = fetch(url, policy)
        kind = "html" if "html" in got.content_type or not got.content_type else "text"
        if not (kind == "html" or got.content_type.startswith("text/")):
            return Snapshot("error", error=f"not a text page ({got.content_type})")
        text, _enc = decode_bytes(got.content, declared=got.charset, kind=kind, source=url)
    except IngestError as exc:
        return Snapshot("error", error=exc.reason)
    except Exception as exc:  # a snapshot must never take the worker down
        return Snapshot("error", error=f"unexpected {type(exc).__name__}: {exc}")
    title = None
    if kind == "html":
        title = _page_title(text)
        body = _article_text(text, url) or html_to_text(text)
        title = title_text(title) if title else None
    else:
        body = clean_whitespace(text)
    return Snapshot("ok", title=title, text=body[:MAX_SNAPSHOT_CHARS])


def _page_title(html: str) -> str | None:
    from lxml import html as lxml_html

    try:
        doc = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    node = doc.find(".//title")
    return node.text_content().strip() if node is not None else None


def _article_text(html: str, url: str) -> str | None:
    """The main text by trafilatura (boilerplate dropped); ``None`` when it finds none."""
    try:
        import trafilatura

        return trafilatura.extract(html, url=url, include_comments=False) or None
    except Exception:
        return None
