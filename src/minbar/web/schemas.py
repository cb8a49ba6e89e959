"""Typed request and response models of the REST API (OpenAPI at ``/api/v1/openapi.json``).

Responses name the fields clients rely on and allow more (``extra="allow"``), so the engine can
add information without breaking the schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    detail: Any = Field(description="what went wrong: a sentence, or validation errors")


class Health(Open):
    status: str
    version: str
    database: str


class SearchHit(Open):
    id: int
    url: str
    title: str
    lang: str | None
    source: str | None
    published: str | None
    score: float


class MatchOut(Open):
    factcheck_id: int
    claim: str
    rating: str | None
    url: str
    lang: str | None
    score: float


class MatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=10_000, description="the claim to look up")
    lang: str | None = Field(None, max_length=8, description="its language (ar tr az en ru)")
    limit: int = Field(5, ge=1, le=50)


class Sentence(Open):
    idx: int
    text: str
    score: float
    checkworthy: bool


class ArticleOut(Open):
    id: int
    url: str
    title: str
    lang: str | None
    source: str | None
    published: str | None
    text: str
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    claims: list[Sentence]
    matches: list[dict[str, Any]]
    story_id: int | None
    copies: list[int] = []
    duplicate_of: int | None = None


class StoryOut(Open):
    id: int
    title: str
    languages: list[str]
    article_ids: list[int]
    urls: list[str]
    first_article_id: int | None
    first_url: str | None
    article_count: int
    first_published: str | None
    last_published: str | None
    velocity: float


class StoryArticle(Open):
    id: int
    url: str
    title: str
    lang: str | None
    source: str | None
    published: str | None


class StoryDetail(StoryOut):
    articles: list[StoryArticle]
    timeline: dict[str, Any]
    top_entities: list[dict[str, Any]]
    copy_chains: list[dict[str, Any]]


class FactCheckOut(Open):
    id: int
    url: str
    claim: str
    lang: str | None
    verdict: str | None
    rating: str | None
    published: str | None


class FactCheckPage(BaseModel):
    total: int
    items: list[FactCheckOut]


class QuoteOut(Open):
    article_id: int
    speaker: str | None
    quote: str
    kind: str
    lang: str | None


class EntityOut(Open):
    key: str
    type: str
    canonical: str
    articles: int


class SourceHealth(Open):
    id: int
    name: str
    url: str | None
    active: bool
    last_polled_at: str | None
    last_status: str | None
    articles: int
    per_day: float
    gaps: list[str]
    error_count: int
    warning: Literal["error", "overdue", "gaps"] | None


class DataFeed(Open):
    context: str = Field(alias="@context")
    type: str = Field(alias="@type")
    dataFeedElement: list[dict[str, Any]]  # noqa: N815 (schema.org name)
