"""Fact-check cases over the REST API (``/api/v1/cases``, notifications, the tip inbox); the case
pages are in :mod:`minbar.web.routes.cases_pages` and included here, the public tip form in
:mod:`minbar.web.routes.tips`.

Statuses: 201 for what is created (case, evidence, comment, case from a tip); a wrong state 409,
the verdict's author reviewing 403, a committee one may not see 404 — from the facade's errors.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from minbar.cases.workflow import CLOSE_REASONS, PRIORITIES, RATINGS, STATUSES
from minbar.web.deps import api_actor, get_mb
from minbar.web.routes.cases_pages import router as pages_router
from minbar.web.schemas import ErrorOut

bearer = HTTPBearer(auto_error=False, description="an API token: `minbar tokens create EMAIL`")
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no or bad credentials"},
    404: {"model": ErrorOut, "description": "unknown case, or a committee you are not in"},
    422: {"model": ErrorOut, "description": "invalid input"},
}
STATE = {
    403: {"model": ErrorOut, "description": "your role may not do this (four eyes included)"},
    409: {"model": ErrorOut, "description": "the case is not in a state that allows this"},
}
Id = Path(ge=1, le=2**31 - 1)

router = APIRouter()
api = APIRouter(
    prefix="/api/v1",
    tags=["cases"],
    dependencies=[Security(bearer), Depends(api_actor)],
    responses=ERRORS,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CaseIn(Strict):
    committee: str | int = Field(description="committee slug (or id)")
    claim: str = Field(min_length=1, max_length=2000)
    lang: str | None = Field(None, max_length=8, description="language of the claim")
    article_id: int | None = Field(None, ge=1, description="the article the claim comes from")
    sentence: str | None = Field(None, max_length=2000, description="the article's sentence")
    quote_id: int | None = Field(None, ge=1)
    url: str | None = Field(None, max_length=2000, description="where the claim was seen")
    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    due: str | None = Field(None, max_length=40, description="ISO date")


class CasePatch(Strict):
    assignee: str = Field(min_length=3, max_length=320, description="e-mail of an analyst+")


class EvidenceIn(Strict):
    url: str | None = Field(None, max_length=2000)
    note: str = Field("", max_length=10_000)


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=10_000)


class VerdictIn(Strict):
    rating: Literal[RATINGS]  # type: ignore[valid-type]
    summary: dict[str, str] = Field(description="{language: summary}, ar tr az en ru")


class ReviewIn(Strict):
    approve: bool
    comment: str | None = Field(None, max_length=10_000)


class CloseIn(Strict):
    reason: Literal[CLOSE_REASONS]  # type: ignore[valid-type]
    duplicate_of: int | None = Field(None, ge=1)


class TipCaseIn(Strict):
    committee: str | int | None = None
    claim: str | None = Field(None, max_length=2000)


class ReadIn(Strict):
    ids: list[int] | None = None


class CaseOut(Open):
    id: int
    committee: str
    claim: str
    lang: str | None
    status: str
    assignee: str | None


class CreatedCase(CaseOut):
    matches: list[dict]
    duplicates: list[dict]


@api.post("/cases", status_code=201, response_model=CreatedCase, summary="Open a case")
def create_case(body: CaseIn, actor=Depends(api_actor), mb=Depends(get_mb)) -> dict:
    """Open a case; the answer lists earlier fact-checks of the claim (``matches``, as
    ``minbar match --json``) and active cases of the committee with the same claim
    (``duplicates``)."""
    return mb.create_case(
        actor,
        body.committee,
        body.claim,
        body.lang,
        body.article_id,
        sentence=body.sentence,
        quote_id=body.quote_id,
        url=body.url,
        priority=body.priority,
        due=body.due,
    )


@api.get("/cases", response_model=list[CaseOut], summary="List cases")
def list_cases(
    committee: str | None = Query(None, max_length=64),
    status: Literal[STATUSES] | None = Query(None),  # type: ignore[valid-type]
    assignee: str | None = Query(None, max_length=320, description="e-mail, or 'me'"),
    lang: str | None = Query(None, max_length=8, description="language of the claim"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    actor=Depends(api_actor),
    mb=Depends(get_mb),
) -> list[dict]:
    return mb.cases(actor, committee, status, assignee, lang, limit, offset)


@api.get("/cases/{case_id}", response_model=CaseOut, summary="One case with its timeline")
def get_case(case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)) -> dict:
    return mb.case(actor, case_id)


@api.patch("/cases/{case_id}", response_model=CaseOut, responses=STATE, summary="Assign")
def patch_case(
    body: CasePatch, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)
) -> dict:
    """Assign the case (→ ``in_progress``) to an analyst, editor or lead of its committee."""
    return mb.assign(actor, case_id, body.assignee)


@api.post("/cases/{case_id}/evidence", status_code=201, responses=STATE, summary="Add evidence")
def add_evidence(
    body: EvidenceIn, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)
) -> dict:
    """A URL (fetched in the background into a snapshot: ``fetch_status`` pending → ok | error)
    and/or a note."""
    return mb.add_evidence(actor, case_id, body.url, body.note)


@api.post("/cases/{case_id}/comments", status_code=201, responses=STATE, summary="Comment")
def add_comment(
    body: CommentIn, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)
) -> dict:
    return mb.comment(actor, case_id, body.text)


@api.post("/cases/{case_id}/verdict", response_model=CaseOut, responses=STATE)
def propose_verdict(
    body: VerdictIn, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)
) -> dict:
    """Propose the verdict (→ ``in_review``)."""
    return mb.propose_verdict(actor, case_id, body.rating, body.summary)


@api.post("/cases/{case_id}/review", response_model=CaseOut, responses=STATE)
def review(body: ReviewIn, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)):
    """Approve (→ ``approved``) or send back (→ ``in_progress``); 403 for the verdict's author."""
    return mb.review(actor, case_id, body.approve, body.comment)


@api.post("/cases/{case_id}/publish", responses=STATE, summary="Publish the ClaimReview")
def publish(case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)) -> dict:
    """Publish (→ ``published``). The answer is the ClaimReview in the claim's language (the
    first summary's otherwise), with ``claimreviews`` (one per summary language), ``case_id``
    and ``status`` added."""
    out = mb.publish(actor, case_id)
    review_obj = dict(out["claimreview"] or {})
    review_obj.update(
        case_id=out["id"],
        status=out["status"],
        claimreviews=out["claimreviews"],
        factcheck_ids=out["factcheck_ids"],
    )
    return review_obj


@api.post("/cases/{case_id}/close", response_model=CaseOut, responses=STATE)
def close(body: CloseIn, case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)):
    """Close as not check-worthy, duplicate (of ``duplicate_of``) or other."""
    return mb.close_case(actor, case_id, body.reason, body.duplicate_of)


@api.post("/cases/{case_id}/reopen", response_model=CaseOut, responses=STATE)
def reopen(case_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)):
    return mb.reopen_case(actor, case_id)


@api.get("/notifications", tags=["cases"], summary="My notifications, newest first")
def notifications(
    unread: bool = False,
    limit: int = Query(50, ge=1, le=500),
    actor=Depends(api_actor),
    mb=Depends(get_mb),
) -> list[dict]:
    return mb.notifications(actor, unread, limit)


@api.post("/notifications/read", summary="Mark notifications read (all when no ids)")
def notifications_read(body: ReadIn, actor=Depends(api_actor), mb=Depends(get_mb)) -> dict:
    return mb.notifications_read(actor, body.ids)


@api.get("/tips", summary="The tip inbox of my committees")
def tips(
    committee: str | None = Query(None, max_length=64),
    status: Literal["new", "case", "dismissed"] | None = Query("new"),
    actor=Depends(api_actor),
    mb=Depends(get_mb),
) -> list[dict]:
    return mb.tips(actor, committee, status)


@api.post("/tips/{tip_id}/case", status_code=201, response_model=CreatedCase, responses=STATE)
def tip_to_case(
    body: TipCaseIn, tip_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)
) -> dict:
    """Open a case from a tip (in the tip's committee unless ``committee`` is given)."""
    return mb.tip_to_case(actor, tip_id, body.committee, body.claim)


@api.post("/tips/{tip_id}/dismiss", responses=STATE)
def dismiss_tip(tip_id: int = Id, actor=Depends(api_actor), mb=Depends(get_mb)) -> dict:
    return mb.dismiss_tip(actor, tip_id)


router.include_router(api)
router.include_router(pages_router)
