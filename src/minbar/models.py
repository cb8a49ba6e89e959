"""Plain data handed from stage to stage (no database or I/O here)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class ArticleIn:
    """An article as an input adapter produced it, before normalisation and storage."""

    url: str
    title: str
    text: str
    published: datetime | None = None
    source: str | None = None
    lang: str | None = None  # explicit language from the input wins over detection
    canonical_url: str | None = None
    lang_hint: str | None = None  # a feed's or page's declared language: used if detection fails


@dataclass
class Article:
    """A stored article."""

    id: int
    url: str
    canonical_url: str
    title: str
    text: str
    lang: str | None
    published: datetime | None
    fetched_at: datetime
    source: str | None
    content_hash: str
    duplicate_of: int | None = None
    dup_kind: str | None = None
    dup_similarity: float | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("published", "fetched_at"):
            d[key] = d[key].isoformat() if d[key] else None
        return d


@dataclass
class InputError:
    input: str
    error: str

    def to_dict(self) -> dict:
        return {"input": self.input, "error": self.error}


@dataclass
class IngestReport:
    """The contract's ``minbar ingest`` result."""

    ingested: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    errors: list[InputError] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.ingested += other.ingested
        self.duplicates += other.duplicates
        self.near_duplicates += other.near_duplicates
        self.errors.extend(other.errors)
        self.article_ids.extend(other.article_ids)

    def to_dict(self) -> dict:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "errors": [e.to_dict() for e in self.errors],
        }


@dataclass
class SearchHit:
    id: int
    url: str
    title: str
    lang: str | None
    source: str | None
    published: datetime | None
    score: float

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        d["score"] = round(self.score, 6)
        return d
