"""Case pages: the list (filters status, assignee, committee, language), a case (timeline,
evidence, comments, verdict form, review, publish), "open a case" from an article, a quote or a
claim sentence, notifications. Forms post here and are redirected back (303) to the case page;
errors answer the error page with the facade's status (409, 403, 404, 422)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse

from minbar.auth.permissions import can
from minbar.cases import workflow as wf
from minbar.web.deps import get_mb, page_actor
from minbar.web.templating import render

router = APIRouter(include_in_schema=False)


def _text():
    """A fresh optional text field (FastAPI must not share one FieldInfo between parameters)."""
    return Form("", max_length=10_000)


def _back(case_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}{anchor}", status_code=303)


def _committees(mb, actor, action: str) -> list[dict]:
    return [c for c in mb.committees(actor) if can(actor, action, c["id"])]


def _opt(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@router.get("/cases")
def cases_page(
    request: Request,
    status: str | None = Query(None, max_length=20),
    assignee: str | None = Query(None, max_length=320),
    committee: str | None = Query(None, max_length=64),
    language: str | None = Query(None, max_length=8),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    status = _opt(status)
    if status is not None:
        wf.check_choice(status, wf.STATUSES, "status")
    found = mb.cases(actor, _opt(committee), status, _opt(assignee), _opt(language), 200)
    return render(
        request,
        "cases/list.html",
        cases=found,
        statuses=wf.STATUSES,
        committees=mb.committees(actor),
        can_open=bool(_committees(mb, actor, "case.work")),
        notes=mb.notifications(actor, unread=True, limit=20),
        f={
            "status": status or "",
            "assignee": assignee or "",
            "committee": committee or "",
            "language": language or "",
        },
    )


@router.get("/cases/new")
def new_case_page(
    request: Request,
    article_id: int | None = Query(None, ge=1, le=2**31 - 1),
    quote_id: int | None = Query(None, ge=1, le=2**31 - 1),
    sentence: str | None = Query(None, max_length=2000),
    claim: str | None = Query(None, max_length=2000),
    url: str | None = Query(None, max_length=2000),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    article = mb.article(article_id) if article_id else None
    return render(
        request,
        "cases/new.html",
        committees=_committees(mb, actor, "case.work"),
        article=article,
        quote_id=quote_id,
        sentence=sentence or "",
        claim=claim or sentence or "",
        url=url or "",
        langs=wf.LANGS,
        priorities=wf.PRIORITIES,
    )


@router.post("/cases")
def create_case_form(
    request: Request,
    committee: str = Form(..., max_length=64),
    claim: str = Form(..., max_length=2000),
    lang: str = Form("", max_length=8),
    article_id: str = Form("", max_length=12),
    quote_id: str = Form("", max_length=12),
    sentence: str = Form("", max_length=2000),
    url: str = Form("", max_length=2000),
    priority: str = Form("normal", max_length=10),
    due: str = Form("", max_length=40),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    created = mb.create_case(
        actor,
        committee,
        claim,
        _opt(lang),
        _opt(article_id),
        quote_id=int(quote_id) if quote_id.strip().isdigit() else None,
        sentence=_opt(sentence),
        url=_opt(url),
        priority=priority,
        due=_opt(due),
    )
    return case_view(request, mb, actor, created["id"], created=created, status_code=201)


def case_view(request, mb, actor, case_id: int, created: dict | None = None, status_code=200):
    found = mb.case(actor, case_id)
    cid = found["committee_id"]
    members = []
    if can(actor, "case.work", cid):
        members = [
            m
            for m in mb.committee(actor, cid)["members"]
            if m.get("role") in ("analyst", "editor", "lead") and m.get("active", True)
        ]
    verdict = found["verdict"]
    return render(
        request,
        "cases/detail.html",
        status_code=status_code,
        case=found,
        created=created,
        members=members,
        may_work=can(actor, "case.work", cid),
        may_review=can(actor, "case.approve", cid)
        and not (verdict and verdict["author_id"] == actor.user_id),
        is_author=bool(verdict and verdict["author_id"] == actor.user_id),
        may_publish=can(actor, "case.publish", cid),
        ratings=wf.RATINGS,
        rating_names={r: wf.rating_name(r, request.state.lang) for r in wf.RATINGS},
        langs=wf.LANGS,
        close_reasons=wf.CLOSE_REASONS,
        transitions=wf.TRANSITIONS,
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, actor=Depends(page_actor), mb=Depends(get_mb)):
    return case_view(request, mb, actor, case_id)


@router.post("/cases/{case_id}/assign")
def assign_form(
    case_id: int,
    assignee: str = Form(..., max_length=320),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    mb.assign(actor, case_id, assignee)
    return _back(case_id)


@router.post("/cases/{case_id}/evidence")
def evidence_form(
    case_id: int,
    url: str = Form("", max_length=2000),
    note: str = _text(),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    mb.add_evidence(actor, case_id, _opt(url), note)
    return _back(case_id, "#evidence")


@router.post("/cases/{case_id}/comment")
def comment_form(case_id: int, text: str = _text(), actor=Depends(page_actor), mb=Depends(get_mb)):
    mb.comment(actor, case_id, text)
    return _back(case_id, "#comments")


@router.post("/cases/{case_id}/verdict")
def verdict_form(
    case_id: int,
    rating: str = Form(..., max_length=20),
    summary_ar: str = _text(),
    summary_tr: str = _text(),
    summary_az: str = _text(),
    summary_en: str = _text(),
    summary_ru: str = _text(),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    given = {
        "ar": summary_ar,
        "tr": summary_tr,
        "az": summary_az,
        "en": summary_en,
        "ru": summary_ru,
    }
    mb.propose_verdict(actor, case_id, rating, {k: v for k, v in given.items() if v.strip()})
    return _back(case_id)


@router.post("/cases/{case_id}/review")
def review_form(
    case_id: int,
    decision: str = Form(..., max_length=10),
    comment: str = _text(),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    wf.check_choice(decision, ("approve", "reject"), "decision")
    mb.review(actor, case_id, decision == "approve", _opt(comment))
    return _back(case_id)


@router.post("/cases/{case_id}/publish")
def publish_form(case_id: int, actor=Depends(page_actor), mb=Depends(get_mb)):
    mb.publish(actor, case_id)
    return _back(case_id)


@router.post("/cases/{case_id}/close")
def close_form(
    case_id: int,
    reason: str = Form(..., max_length=20),
    duplicate_of: str = Form("", max_length=12),
    actor=Depends(page_actor),
    mb=Depends(get_mb),
):
    other = int(duplicate_of) if duplicate_of.strip().isdigit() else None
    mb.close_case(actor, case_id, reason, other)
    return _back(case_id)


@router.post("/cases/{case_id}/reopen")
def reopen_form(case_id: int, actor=Depends(page_actor), mb=Depends(get_mb)):
    mb.reopen_case(actor, case_id)
    return _back(case_id)


@router.post("/notifications/read")
def notifications_read_form(actor=Depends(page_actor), mb=Depends(get_mb)):
    mb.notifications_read(actor)
    return RedirectResponse("/cases", status_code=303)
