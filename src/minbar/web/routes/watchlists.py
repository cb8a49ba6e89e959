"""Watchlists, alerts, digests and campaign pickup: REST API under ``/api/v1`` and the pages
``/watchlists``, ``/alerts``, ``/campaigns`` and ``/digest``. Every rule is in the facade
(:class:`minbar.facade.watchlists.WatchlistsMixin`); this module only parses and renders."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from minbar.errors import InvalidInput
from minbar.web.deps import api_actor, check_csrf, get_mb, page_actor
from minbar.web.templating import render

bearer = HTTPBearer(auto_error=False)
Id = Path(ge=1, le=2**31 - 1)

api = APIRouter(prefix="/api/v1", tags=["watchlists"], dependencies=[Depends(bearer)])
pages = APIRouter(include_in_schema=False)
router = APIRouter()

#: The digest is a standalone document with its own inline CSS (it is also the e-mail): no script
#: may run in it at all, and nothing is loaded from anywhere.
DIGEST_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
KINDS = ("keyword", "entity", "semantic", "claim", "velocity", "silence")


class ChannelIn(BaseModel):
    type: Literal["webhook", "email", "inapp"]
    url: str | None = Field(None, max_length=2000)
    secret: str | None = Field(None, max_length=500)
    to: str | list[str] | None = None


class WatchlistIn(BaseModel):
    committee: str | int
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["keyword", "entity", "semantic", "claim", "velocity", "silence"]
    query: str = Field("", max_length=2000)
    langs: list[str] | None = None
    sources: list[str] | None = None
    channels: list[ChannelIn] = Field(default_factory=list)
    params: dict[str, Any] | None = None
    threshold: float | None = None


class AlertOut(BaseModel):
    id: int
    watchlist_id: int
    article_id: int | None
    title: str | None
    url: str | None
    lang: str | None
    reason: str
    created: str
    story_id: int | None = None
    source_id: int | None = None
    read: bool = False


class ReadIn(BaseModel):
    ids: list[int] = Field(max_length=1000)


class ActiveIn(BaseModel):
    active: bool


class KeyMessageIn(BaseModel):
    committee: str | int
    text: str = Field(min_length=10, max_length=4000)
    lang: str | None = Field(None, max_length=8)
    campaign: str = Field("", max_length=200)


def _create(mb, actor, body: WatchlistIn) -> dict:
    return mb.create_watchlist(
        actor,
        body.committee,
        body.name,
        body.kind,
        body.query,
        langs=body.langs,
        sources=body.sources,
        channels=[c.model_dump(exclude_none=True) for c in body.channels],
        params=body.params,
        threshold=body.threshold,
    )


# --- API -----------------------------------------------------------------------------------


@api.post("/watchlists", status_code=201, dependencies=[Depends(api_actor), Depends(check_csrf)])
def create_watchlist(body: WatchlistIn, mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    """A new watchlist of a committee (analysts, editors, leads). Webhook URLs must pass the
    SSRF guard (private addresses refused unless ``MINBAR_ALLOW_HOSTS``)."""
    return _create(mb, actor, body)


@api.get("/watchlists")
def list_watchlists(
    committee: str | None = Query(None, max_length=64),
    mb=Depends(get_mb),
    actor=Depends(api_actor),
) -> list[dict]:
    return mb.watchlists(actor, committee)


@api.get("/watchlists/{watchlist_id}")
def get_watchlist(watchlist_id: int = Id, mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    return mb.watchlist(actor, watchlist_id)


@api.patch("/watchlists/{watchlist_id}", dependencies=[Depends(api_actor), Depends(check_csrf)])
def patch_watchlist(
    body: ActiveIn, watchlist_id: int = Id, mb=Depends(get_mb), actor=Depends(api_actor)
) -> dict:
    return mb.set_watchlist_active(actor, watchlist_id, body.active)


@api.get("/watchlists/{watchlist_id}/deliveries")
def deliveries(watchlist_id: int = Id, mb=Depends(get_mb), actor=Depends(api_actor)) -> list:
    """Delivery attempts of the watchlist's webhook and e-mail channels (status, last error)."""
    return mb.deliveries(actor, watchlist_id)


@api.get("/alerts", response_model=list[AlertOut])
def list_alerts(
    watchlist: int | None = Query(None, ge=1, le=2**31 - 1),
    since: str | None = Query(None, max_length=40),
    unread: bool = False,
    limit: int = Query(200, ge=1, le=1000),
    mb=Depends(get_mb),
    actor=Depends(api_actor),
) -> list[dict]:
    return mb.alerts(actor, watchlist=watchlist, since=since, unread=unread, limit=limit)


@api.get("/alerts/unread")
def unread(mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    return {"unread": mb.unread_count(actor)}


@api.post("/alerts/read", dependencies=[Depends(api_actor), Depends(check_csrf)])
def read(body: ReadIn, mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    return mb.mark_read(actor, body.ids)


@api.get("/digest")
def digest(
    committee: str = Query(max_length=64),
    period: Literal["day", "week"] = "day",
    format: Literal["html", "pdf"] = "html",  # noqa: A002
    lang: str | None = Query(None, max_length=8),
    mb=Depends(get_mb),
    actor=Depends(api_actor),
) -> Response:
    d = mb.digest(actor, committee, period, lang=lang, pdf=format == "pdf")
    if format == "pdf":
        return Response(d["pdf"], media_type="application/pdf")
    return HTMLResponse(d["html"], headers={"Content-Security-Policy": DIGEST_CSP})


@api.post(
    "/campaigns/messages", status_code=201, dependencies=[Depends(api_actor), Depends(check_csrf)]
)
def add_key_message(body: KeyMessageIn, mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    return mb.add_key_message(actor, body.committee, body.text, body.lang, body.campaign)


@api.get("/campaigns")
def campaigns(
    committee: str = Query(max_length=64),
    campaign: str | None = Query(None, max_length=200),
    mb=Depends(get_mb),
    actor=Depends(api_actor),
) -> list[dict]:
    return mb.campaign_pickup(actor, committee, campaign)


# --- pages ---------------------------------------------------------------------------------


def _committees(mb, actor) -> list[dict]:
    return mb.committees(actor)


@pages.get("/watchlists")
def watchlists_page(
    request: Request,
    committee: str | None = Query(None, max_length=64),
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    coms = _committees(mb, actor)
    return render(
        request,
        "watch/watchlists.html",
        watchlists=mb.watchlists(actor, committee or None),
        committees=coms,
        committee_names={c["id"]: c for c in coms},
        committee=committee or "",
        kinds=KINDS,
        unread=mb.unread_count(actor),
        error=None,
    )


@pages.post("/watchlists")
async def watchlists_create(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()

    def field(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    channels: list[dict] = []
    if field("webhook_url"):
        channels.append(
            {"type": "webhook", "url": field("webhook_url"), "secret": field("webhook_secret")}
        )
    if field("email_to"):
        channels.append({"type": "email", "to": field("email_to")})
    params = None
    if field("params"):
        try:
            params = json.loads(field("params"))
        except ValueError:
            raise InvalidInput("params must be a JSON object") from None
    langs = [v for v in form.getlist("langs") if isinstance(v, str) and v]
    mb.create_watchlist(
        actor,
        field("committee"),
        field("name"),
        field("kind"),
        field("query"),
        langs=langs or None,
        sources=field("sources") or None,
        channels=channels,
        params=params,
    )
    return RedirectResponse("/watchlists", status_code=303)


@pages.get("/alerts")
def alerts_page(
    request: Request,
    watchlist: int | None = Query(None, ge=1, le=2**31 - 1),
    unread: bool = False,
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    items = mb.alerts(actor, watchlist=watchlist, unread=unread, limit=300)
    names = {w["id"]: w["name"] for w in mb.watchlists(actor)}
    return render(
        request,
        "watch/alerts.html",
        alerts=items,
        names=names,
        watchlist=watchlist,
        unread_only=unread,
        unread=mb.unread_count(actor),
    )


@pages.post("/alerts/read")
async def alerts_read(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()
    ids = [int(v) for v in form.getlist("id") if isinstance(v, str) and v.isdigit()]
    if ids:
        mb.mark_read(actor, ids)
    return RedirectResponse("/alerts", status_code=303)


@pages.get("/campaigns")
def campaigns_page(
    request: Request,
    committee: str | None = Query(None, max_length=64),
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    coms = _committees(mb, actor)
    chosen = committee or (coms[0]["slug"] if coms else None)
    messages = mb.campaign_pickup(actor, chosen) if chosen else []
    per_day: dict[str, dict[str, int]] = {}
    for m in messages:
        for p in m["pickups"]:
            day = (p["published"] or "")[:10] or "?"
            per_day.setdefault(p["lang"] or "?", {}).setdefault(day, 0)
            per_day[p["lang"] or "?"][day] += 1
    days = sorted({d for series in per_day.values() for d in series})
    timeline = {
        "type": "bar",
        "labels": days,
        "datasets": [
            {"label": lang, "data": [series.get(d, 0) for d in days]}
            for lang, series in sorted(per_day.items())
        ],
    }
    return render(
        request,
        "watch/campaigns.html",
        committees=coms,
        committee=chosen,
        messages=messages,
        timeline=timeline,
    )


@pages.post("/campaigns")
async def campaigns_add(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()
    get = {k: (form.get(k) if isinstance(form.get(k), str) else "") for k in form}
    mb.add_key_message(
        actor,
        get.get("committee", ""),
        get.get("text", ""),
        get.get("lang") or None,
        get.get("campaign", ""),
    )
    return RedirectResponse(f"/campaigns?committee={get.get('committee', '')}", status_code=303)


@pages.get("/digest")
def digest_page(
    committee: str = Query(max_length=64),
    period: Literal["day", "week"] = "day",
    format: Literal["html", "pdf"] = "html",  # noqa: A002
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    d = mb.digest(actor, committee, period, pdf=format == "pdf")
    if format == "pdf":
        return Response(
            d["pdf"],
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="digest-{period}.pdf"'},
        )
    return HTMLResponse(d["html"], headers={"Content-Security-Policy": DIGEST_CSP})


router.include_router(api)
router.include_router(pages)
