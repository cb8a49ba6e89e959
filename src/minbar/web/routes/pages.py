"""The signed-in pages: dashboard, search, article, story, quotes, entities, sources."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Query, Request

from minbar.web.deps import get_mb, page_actor, ui_lang
from minbar.web.forms import content_lang, date_param, page_number, query_text
from minbar.web.markup import article_blocks, snippet
from minbar.web.templating import N_, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_actor)])
PAGE_SIZE = 20
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}


LANG_NAMES = {
    "ar": N_("Arabic"),
    "tr": N_("Turkish"),
    "az": N_("Azerbaijani"),
    "en": N_("English"),
    "ru": N_("Russian"),
}


def lang_labels(request: Request, series: dict[str, list]) -> dict[str, list]:
    """Series keyed by language code, re-keyed by the language's name in the UI language."""
    tr = request.app.state.catalogs[ui_lang(request)]
    return {
        (tr.gettext(LANG_NAMES[k]) if k in LANG_NAMES else tr.gettext("unknown")): v
        for k, v in series.items()
    }


def chart(kind: str, labels: list, series: dict[str, list], **extra) -> dict:
    """The data a chart needs (rendered into a ``<script type="application/json">`` block)."""
    return {
        "type": kind,
        "labels": labels,
        "datasets": [{"label": k, "data": v} for k, v in series.items()],
        **extra,
    }


@router.get("/")
def dashboard(request: Request, window: str | None = Query(None), mb=Depends(get_mb)):
    window = window if window in WINDOWS else "24h"
    vol = mb.volume_series(30)
    stories = mb.trending_stories(int(WINDOWS[window].total_seconds() // 3600), 15)
    health = mb.source_health(14)
    return render(
        request,
        "dashboard.html",
        window=window,
        windows=list(WINDOWS),
        stories=stories,
        chart_lang=chart("line", vol["buckets"], lang_labels(request, vol["by_lang"])),
        chart_source=chart("line", vol["buckets"], vol["by_source"]),
        matched=mb.recent_claims(8, matched=True),
        claims=mb.recent_claims(8),
        warnings=[s for s in health if s["warning"]],
        sources_count=len(health),
    )


@router.get("/search")
def search_page(
    request: Request,
    q: str | None = Query(None),
    language: str | None = Query(None),
    source: str | None = Query(None, max_length=300),
    since: str | None = Query(None),
    mode: str | None = Query(None),
    page: str | None = Query(None),
    mb=Depends(get_mb),
):
    from minbar.errors import InvalidInput

    text = query_text(q)
    lang = content_lang(language)
    start = date_param(since, "since")
    mode = (mode or "text").strip().lower()
    if mode not in ("text", "semantic", "hybrid"):
        raise InvalidInput(f"mode {mode[:20]!r}: choose text, semantic or hybrid")
    number = page_number(page)
    hits: list[dict] = []
    more = False
    if text:
        found = mb.search(
            text,
            lang=lang,
            source=source or None,
            since=start,
            mode=mode,
            limit=PAGE_SIZE + 1,
            offset=(number - 1) * PAGE_SIZE,
        )
        more = len(found) > PAGE_SIZE
        hits = found[:PAGE_SIZE]
        texts = mb.article_texts([h["id"] for h in hits])
        for h in hits:
            h["pieces"] = snippet(texts.get(h["id"], ""), text)
            h["title_pieces"] = snippet(h.get("title") or "", text, 400)
    sources = mb.source_names()
    return render(
        request,
        "search.html",
        q=text,
        language=lang or "",
        source=source or "",
        since=since or "",
        mode=mode,
        page=number,
        hits=hits,
        more=more,
        source_names=sources,
    )


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: int, mb=Depends(get_mb)):
    art = mb.article(article_id)
    mentions = mb.article_mentions(article_id)
    art["entities_marked"] = mentions
    blocks = article_blocks({**art, "entities": mentions})
    story = None
    if art.get("story_id"):
        from minbar.errors import NotFound

        try:
            story = mb.story_brief(art["story_id"])
        except NotFound:
            story = None
    original = None
    if art.get("duplicate_of"):
        from minbar.errors import NotFound

        try:
            original = mb.article(art["duplicate_of"])
        except NotFound:
            original = None
    from minbar.web.deps import resolve_actor

    actor = resolve_actor(request, optional=True)
    # "open a case" for those who may open one in some committee (analysts and up)
    can_open = actor is not None and (
        actor.is_admin or any(mb.can(actor, "case.work", cid) for cid in actor.roles)
    )
    return render(
        request,
        "article.html",
        can_open=can_open,
        art=art,
        blocks=blocks,
        mentions=mentions,
        story=story,
        original=original,
    )


def _buckets(times: list[str]) -> tuple[str, int]:
    """Hourly buckets for a story that spans under three days, else daily."""
    if not times:
        return "day", 10
    first, last = min(times), max(times)
    span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    return ("hour", 13) if span < timedelta(days=3) else ("day", 10)


def story_charts(request: Request, story: dict) -> tuple[dict, dict]:
    arts = story.get("articles") or []
    kind, width = _buckets([a["published"] for a in arts if a.get("published")])
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_outlet: dict[str, Counter] = defaultdict(Counter)
    labels: set[str] = set()
    for a in arts:
        if not a.get("published"):
            continue
        b = a["published"][:width]
        labels.add(b)
        by_lang[a.get("lang") or "und"][b] += 1
        by_outlet[a.get("source") or "?"][b] += 1
    ordered = sorted(labels)
    pretty = [lab.replace("T", " ") + (":00" if kind == "hour" else "") for lab in ordered]

    def series(groups: dict[str, Counter], top: int = 8) -> dict[str, list[int]]:
        keys = sorted(groups, key=lambda k: -sum(groups[k].values()))
        out = {k: [groups[k][b] for b in ordered] for k in keys[:top]}
        if len(keys) > top:
            out["…"] = [sum(groups[k][b] for k in keys[top:]) for b in ordered]
        return out

    return (
        chart("bar", pretty, lang_labels(request, series(by_lang)), stacked=True),
        chart("bar", pretty, series(by_outlet), stacked=True),
    )


STORY_SORTS = ("recent", "velocity", "size")


@router.get("/stories")
def stories_page(
    request: Request,
    sort: str | None = Query(None),
    since: str | None = Query(None),
    mb=Depends(get_mb),
):
    from minbar.errors import InvalidInput

    order = (sort or "recent").strip().lower()
    if order not in STORY_SORTS:
        raise InvalidInput(f"sort {order[:20]!r}: choose one of {', '.join(STORY_SORTS)}")
    start = date_param(since, "since")
    items = mb.stories(since=start, sort=order, limit=100)
    return render(
        request, "stories.html", items=items, sort=order, sorts=STORY_SORTS, since=since or ""
    )


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: int, mb=Depends(get_mb)):
    story = mb.story(story_id)
    chart_lang, chart_outlet = story_charts(request, story)
    first = story["articles"][0] if story.get("articles") else None
    return render(
        request,
        "story.html",
        story=story,
        first=first,
        chart_lang=chart_lang,
        chart_outlet=chart_outlet,
    )


@router.get("/quotes")
def quotes_page(
    request: Request,
    speaker: str | None = Query(None),
    mb=Depends(get_mb),
):
    who = query_text(speaker)
    items = mb.quotes(speaker=who or None, limit=100)
    return render(
        request,
        "quotes.html",
        speaker=who,
        items=items,
        speakers=mb.top_speakers(40),
    )


ENTITY_TYPES = ("PER", "ORG", "LOC")


@router.get("/entities")
def entities_page(request: Request, type: str | None = Query(None), mb=Depends(get_mb)):
    from minbar.errors import InvalidInput

    kind = (type or "").strip().upper() or None
    if kind is not None and kind not in ENTITY_TYPES:
        raise InvalidInput(f"type {type[:20]!r}: choose one of {', '.join(ENTITY_TYPES)}")
    items = mb.entities(limit=500)
    if kind:
        items = [e for e in items if e.get("type") == kind]
    return render(request, "entities.html", items=items[:200], kind=kind or "", types=ENTITY_TYPES)


@router.get("/sources")
def sources_page(request: Request, mb=Depends(get_mb)):
    health = mb.source_health(14)
    return render(request, "sources.html", sources=health)
