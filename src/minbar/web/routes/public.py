"""What needs no sign-in: ``/healthz`` and the public fact-check pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from minbar.web.deps import get_mb
from minbar.web.forms import content_lang, page_number
from minbar.web.schemas import Health
from minbar.web.templating import render

router = APIRouter()
PAGE_SIZE = 25


@router.get("/healthz", tags=["health"], response_model=Health, summary="Liveness and database")
def healthz(mb=Depends(get_mb)) -> dict:
    from minbar.store.db import ping

    ping(mb.store.engine)
    from minbar import __version__

    return {"status": "ok", "version": __version__, "database": mb.store.dialect}


@router.get("/favicon.ico", include_in_schema=False)
def favicon():
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/factchecks", include_in_schema=False)
def factchecks_page(
    request: Request,
    q: str | None = Query(None),
    language: str | None = Query(None),
    page: str | None = Query(None),
    mb=Depends(get_mb),
):
    number = page_number(page)
    lang = content_lang(language)
    items, total = mb.factcheck_list(q, lang, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return render(
        request,
        "factchecks.html",
        items=items,
        total=total,
        q=q or "",
        language=lang or "",
        page=number,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@router.get("/factchecks/{factcheck_id}", include_in_schema=False)
def factcheck_page(request: Request, factcheck_id: int, mb=Depends(get_mb)):
    fc = mb.factcheck_detail(factcheck_id)
    return render(request, "factcheck.html", fc=fc)
