"""REST API under ``/api/v1``: Bearer token (or the browser session) on every route except the
public fact-check feed. Errors are ``{"detail": …}`` with the status of the facade's error."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Security
from fastapi.security import HTTPBearer

from minbar.web import schemas as s
from minbar.web.deps import api_actor, get_mb
from minbar.web.forms import content_lang, date_param

bearer = HTTPBearer(auto_error=False, description="an API token: `minbar tokens create EMAIL`")
ERRORS = {
    401: {"model": s.ErrorOut, "description": "no or bad credentials"},
    422: {"model": s.ErrorOut, "description": "invalid input"},
}
NOT_FOUND = {404: {"model": s.ErrorOut, "description": "unknown id"}}

public = APIRouter(prefix="/api/v1", tags=["public"])
router = APIRouter(
    prefix="/api/v1",
    dependencies=[Security(bearer), Depends(api_actor)],
    responses=ERRORS,
)
MAX_ID = 2**31 - 1


@public.get("/factchecks/export", response_model=s.DataFeed, summary="All fact-checks (DataFeed)")
def factchecks_export(mb=Depends(get_mb)) -> dict:
    """Every fact-check as a schema.org ``DataFeed`` of ``ClaimReview`` objects (no sign-in)."""
    return mb.factchecks_export()


@router.get("/search", response_model=list[s.SearchHit], tags=["articles"])
def search(
    q: str = Query(min_length=1, max_length=1000, description="the query"),
    lang: str | None = Query(None, max_length=8, description="content language: ar tr az en ru"),
    source: str | None = Query(None, max_length=300),
    since: str | None = Query(None, max_length=40, description="ISO date, e.g. 2026-11-20"),
    until: str | None = Query(None, max_length=40),
    mode: Literal["text", "semantic", "hybrid"] = "text",
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0, le=10_000),
    mb=Depends(get_mb),
) -> list[dict]:
    """Articles for a query (as ``minbar search --json``)."""
    return mb.search(
        q,
        lang=content_lang(lang),
        source=source or None,
        since=date_param(since, "since"),
        until=date_param(until, "until"),
        mode=mode,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/articles/{article_id}", response_model=s.ArticleOut, tags=["articles"], responses=NOT_FOUND
)
def article(article_id: int = Path(ge=1, le=MAX_ID), mb=Depends(get_mb)) -> dict:
    """One article with its entities, quotes, scored sentences, fact-check matches and story."""
    return mb.article(article_id)


@router.get("/stories", response_model=list[s.StoryOut], tags=["stories"])
def stories(
    since: str | None = Query(None, max_length=40, description="ISO date"),
    sort: Literal["recent", "velocity", "size"] = "recent",
    limit: int = Query(50, ge=1, le=500),
    mb=Depends(get_mb),
) -> list[dict]:
    """Stories active since ``since`` (as ``minbar stories --json``)."""
    return mb.stories(since=date_param(since, "since"), sort=sort, limit=limit)


@router.get(
    "/stories/{story_id}", response_model=s.StoryDetail, tags=["stories"], responses=NOT_FOUND
)
def story(story_id: int = Path(ge=1, le=MAX_ID), mb=Depends(get_mb)) -> dict:
    """One story with its articles, timeline, entities and copy chains."""
    return mb.story(story_id)


@router.post("/match", response_model=list[s.MatchOut], tags=["fact-checks"])
def match(body: s.MatchIn, mb=Depends(get_mb)) -> list[dict]:
    """Fact-checks of the same claim in any language (as ``minbar match --json``)."""
    return mb.match(body.text, lang=content_lang(body.lang), limit=body.limit)


@router.get("/factchecks", response_model=s.FactCheckPage, tags=["fact-checks"])
def factchecks(
    q: str | None = Query(None, max_length=1000),
    lang: str | None = Query(None, max_length=8),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
    mb=Depends(get_mb),
) -> dict:
    items, total = mb.factcheck_list(q, content_lang(lang), limit, offset)
    return {"total": total, "items": items}


@router.get("/quotes", response_model=list[s.QuoteOut], tags=["analysis"])
def quotes(
    speaker: str | None = Query(None, max_length=300),
    article_id: int | None = Query(None, ge=1, le=2**31 - 1),
    limit: int = Query(100, ge=1, le=1000),
    mb=Depends(get_mb),
) -> list[dict]:
    """Quotes, newest first; ``speaker`` in any script resolves to the same person."""
    return mb.quotes(article_id=article_id, speaker=speaker or None, limit=limit)


@router.get("/entities", response_model=list[s.EntityOut], tags=["analysis"])
def entities(limit: int = Query(50, ge=1, le=500), mb=Depends(get_mb)) -> list[dict]:
    """Most covered entities (by number of articles)."""
    return mb.entities(limit=limit)


@router.get("/sources", response_model=list[s.SourceHealth], tags=["sources"])
def sources(mb=Depends(get_mb)) -> list[dict]:
    """Ingestion health of every source: last poll, status, articles per day, gaps, errors."""
    return mb.source_health(14)
