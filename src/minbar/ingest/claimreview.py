"""ClaimReview records in: JSON-LD (object, array, ``@graph``, ``DataFeed``, embedded in HTML
``<script type="application/ld+json">``), JSONL and CSV.

Produces plain :class:`FactCheckIn` records plus per-position errors; storage and matching are
elsewhere. Field meanings follow https://schema.org/ClaimReview.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml import html as lxml_html

from minbar.ingest.encoding import decode_bytes
from minbar.ingest.errors import ParseError
from minbar.ingest.html_text import title_text
from minbar.text.dates import parse_datetime
from minbar.text.verdicts import normalise_verdict

MAX_CLAIM_CHARS = 5000


@dataclass
class FactCheckIn:
    url: str
    claim: str
    lang: str | None = None
    rating_name: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    verdict: str = "unproven"
    author_name: str | None = None
    author_url: str | None = None
    date_published: datetime | None = None
    claim_author: str | None = None
    claim_date: datetime | None = None
    appearances: list[str] = field(default_factory=list)
    first_appearance: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class ReviewError:
    position: str
    error: str


def _types(node: dict) -> set[str]:
    t = node.get("@type", [])
    return {str(x).rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t])}


def find_claimreviews(data: object) -> Iterator[dict]:
    """Every ClaimReview object in a JSON-LD document, wherever it is nested."""
    if isinstance(data, list):
        for item in data:
            yield from find_claimreviews(item)
    elif isinstance(data, dict):
        if "ClaimReview" in _types(data):
            yield data
            return
        for key in (
            "@graph",
            "dataFeedElement",
            "item",
            "mainEntity",
            "hasPart",
            "itemListElement",
        ):
            if key in data:
                yield from find_claimreviews(data[key])


def _name(node: object) -> str | None:
    if isinstance(node, list):
        node = node[0] if node else None
    if isinstance(node, dict):
        return node.get("name") or node.get("alternateName")
    return str(node) if node else None


def _number(value: object) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def _urls(node: object) -> list[str]:
    items = node if isinstance(node, list) else [node] if node else []
    out = []
    for item in items:
        url = item.get("url") if isinstance(item, dict) else item
        if isinstance(url, str) and url.strip():
            out.append(url.strip())
    return out


def claimreview_to_record(obj: dict) -> FactCheckIn:
    """Validate and flatten one ClaimReview; ``ValueError`` says what is wrong."""
    claim = obj.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("missing claimReviewed")
    claim = title_text(claim)
    if len(claim) > MAX_CLAIM_CHARS:
        raise ValueError(f"claimReviewed is {len(claim):,} characters, over {MAX_CLAIM_CHARS:,}")
    url = obj.get("url") or obj.get("@id")
    if not isinstance(url, str) or not url.strip():
        raise ValueError("missing url")
    rating = obj.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    if not isinstance(rating, dict):
        rating = {}
    item = obj.get("itemReviewed") or {}
    if not isinstance(item, dict):
        item = {}
    lang = obj.get("inLanguage") or item.get("inLanguage")
    if isinstance(lang, dict):
        lang = lang.get("alternateName") or lang.get("name")
    rating_name = rating.get("alternateName") or rating.get("name")
    value, best, worst = (
        _number(rating.get(k)) for k in ("ratingValue", "bestRating", "worstRating")
    )
    first = _urls(item.get("firstAppearance"))
    return FactCheckIn(
        url=url.strip(),
        claim=claim,
        lang=str(lang).lower().split("-")[0] if lang else None,
        rating_name=title_text(str(rating_name)) if rating_name else None,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        verdict=normalise_verdict(rating_name, value, best, worst),
        author_name=_name(obj.get("author")),
        author_url=(obj.get("author") or {}).get("url")
        if isinstance(obj.get("author"), dict)
        else None,
        date_published=parse_datetime(obj.get("datePublished")),
        claim_author=_name(item.get("author")),
        claim_date=parse_datetime(item.get("datePublished")),
        appearances=_urls(item.get("appearance")),
        first_appearance=first[0] if first else None,
        raw=obj,
    )


_LDJSON = '//script[@type="application/ld+json"]'
_CDATA = re.compile(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$")


def _jsonld_blocks(text: str, input_name: str) -> Iterator[tuple[str, object]]:
    try:
        doc = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ParseError(input_name, f"not readable HTML: {exc}") from None
    for n, script in enumerate(doc.xpath(_LDJSON), start=1):
        body = _CDATA.sub("", script.text_content() or "")
        try:
            yield f"script {n}", json.loads(body)
        except json.JSONDecodeError as exc:
            yield f"script {n}", ValueError(f"invalid JSON-LD: {exc.msg}")


def _csv_rows(text: str) -> Iterator[tuple[str, object]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for n, row in enumerate(reader, start=2):
        r = {(k or "").strip().lower().replace("_", ""): (v or "").strip() for k, v in row.items()}
        obj = {
            "@type": "ClaimReview",
            "url": r.get("url"),
            "claimReviewed": r.get("claimreviewed") or r.get("claim"),
            "inLanguage": r.get("inlanguage") or r.get("lang") or r.get("language"),
            "datePublished": r.get("datepublished") or r.get("date"),
            "author": {"@type": "Organization", "name": r.get("author") or r.get("publisher")},
            "reviewRating": {
                "@type": "Rating",
                "alternateName": r.get("rating") or r.get("alternatename") or r.get("verdict"),
                "ratingValue": r.get("ratingvalue"),
                "bestRating": r.get("bestrating"),
                "worstRating": r.get("worstrating"),
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"name": r.get("claimauthor")},
                "datePublished": r.get("claimdate"),
                "appearance": [u for u in (r.get("appearance") or "").split() if u],
            },
        }
        yield f"row {n}", obj


def read_claimreviews(
    data: bytes, *, input_name: str, suffix: str
) -> Iterator[FactCheckIn | ReviewError]:
    """Fact-checks and per-position errors found in one file or response body."""
    text, _enc = decode_bytes(data, kind="text", source=input_name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if suffix == ".csv":
        units: Iterator[tuple[str, object]] = _csv_rows(text)
    elif suffix in (".jsonl", ".ndjson"):
        units = (
            (f"line {n}", _loads(line))
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip()
        )
    elif stripped.startswith("<"):
        units = _jsonld_blocks(text, input_name)
    else:
        try:
            units = iter([("document", json.loads(text))])
        except json.JSONDecodeError as exc:
            raise ParseError(input_name, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    found = 0
    for position, unit in units:
        if isinstance(unit, Exception):
            yield ReviewError(position, str(unit))
            continue
        reviews = list(find_claimreviews(unit))
        for i, obj in enumerate(reviews, start=1):
            where = position if len(reviews) == 1 else f"{position}, item {i}"
            found += 1
            try:
                yield claimreview_to_record(obj)
            except ValueError as exc:
                yield ReviewError(where, str(exc))
    if not found:
        raise ParseError(input_name, "no ClaimReview found")


def _loads(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return ValueError(f"invalid JSON: {exc.msg}")
