"""The public tip line: ``/tips`` (form in five languages, no sign-in, honeypot, rate-limited per
client in the database) and ``POST /api/v1/tips``; the committees' tip inbox (``/tips/inbox``),
from which a tip becomes a case."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import RedirectResponse

from minbar.cases import workflow as wf
from minbar.web.deps import check_csrf, client_address, get_mb, optional_actor, page_actor
from minbar.web.routes.cases_pages import case_view
from minbar.web.templating import render

router = APIRouter()


class TipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000, description="the claim, in your words")
    url: str | None = Field(None, max_length=2000, description="where you saw it")
    lang: str | None = Field(None, max_length=8)
    committee: str | None = Field(None, max_length=64)
    website: str | None = Field(None, max_length=2000, description="leave empty")


@router.post("/api/v1/tips", status_code=202, tags=["tips"], summary="Send a tip (public)")
def tip_api(body: TipIn, request: Request, mb=Depends(get_mb)) -> dict:
    """Anyone may send a claim or a link (no sign-in); at most 5 per hour per address."""
    return mb.submit_tip(
        body.text,
        body.url,
        body.lang,
        client_address(request),
        body.committee,
        honeypot=body.website,
    )


@router.get("/tips", include_in_schema=False)
def tip_form(request: Request, actor=Depends(optional_actor), mb=Depends(get_mb)):
    return render(
        request, "cases/tip_form.html", committees=mb.tip_committees(), langs=wf.LANGS, sent=False
    )


@router.post("/tips", include_in_schema=False, dependencies=[Depends(check_csrf)])
def tip_submit(
    request: Request,
    text: str = Form("", max_length=5000),
    url: str = Form("", max_length=2000),
    lang: str = Form("", max_length=8),
    committee: str = Form("", max_length=64),
    website: str = Form("", max_length=2000),
    mb=Depends(get_mb),
):
    mb.submit_tip(
        text, url or None, lang or None, client_address(request), committee or None, website
    )
    return render(
        request, "cases/tip_form.html", committees=mb.tip_committees(), langs=wf.LANGS, sent=True
    )


@router.get("/tips/inbox", include_in_schema=False)
def tip_inbox(request: Request, actor=Depends(page_actor), mb=Depends(get_mb)):
    return render(
        request,
        "cases/tip_inbox.html",
        tips=mb.tips(actor),
        committees=[c for c in mb.committees(actor) if mb.can(actor, "case.work", c["id"])],
    )


@router.post("/tips/{tip_id}/case", include_in_schema=False)
def tip_case(
    request: Request,
    tip_id: int,
    committee: str = Form("", max_length=64),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    created = mb.tip_to_case(actor, tip_id, committee or None)
    return case_view(request, mb, actor, created["id"], created=created, status_code=201)


@router.post("/tips/{tip_id}/dismiss", include_in_schema=False)
def tip_dismiss(tip_id: int, actor=Depends(page_actor), mb=Depends(get_mb)):
    mb.dismiss_tip(actor, tip_id)
    return RedirectResponse("/tips/inbox", status_code=303)
