"""Accounts on the web: my profile (``/account``: language, password, my API tokens) and the
accounts REST API (``/api/v1/me``, tokens, committees and members, orgs, users, audit).

Every rule is in the facade (:class:`minbar.facade.accounts.AccountsMixin`); this module parses,
calls one method and renders. The administration pages live in :mod:`.accounts_admin`.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from minbar.errors import InvalidInput, MinbarError, NotAuthenticated
from minbar.web.deps import api_actor, check_csrf, codec, get_mb, page_actor
from minbar.web.middleware import LANG_COOKIE_AGE, set_cookie
from minbar.web.routes import accounts_admin
from minbar.web.sessions import LANG_COOKIE, SESSION_COOKIE
from minbar.web.templating import render

bearer = HTTPBearer(auto_error=False)
Id = Path(ge=1, le=2**31 - 1)

api = APIRouter(prefix="/api/v1", tags=["accounts"], dependencies=[Depends(bearer)])
pages = APIRouter(include_in_schema=False)
router = APIRouter()


# --- profile pages ---------------------------------------------------------------------------


def _profile(request: Request, mb, actor, status_code: int = 200, **ctx):
    return render(
        request,
        "accounts/profile.html",
        status_code=status_code,
        me=mb.user(actor),
        committees={c["slug"]: c for c in mb.committees(actor)},
        tokens=mb.tokens(actor),
        new_token=ctx.pop("new_token", None),
        error=ctx.pop("error", None),
        done=ctx.pop("done", request.query_params.get("done")),
        **ctx,
    )


@pages.get("/account")
def profile(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    if actor.user_id is None:
        raise NotAuthenticated("sign in as a user")
    return _profile(request, mb, actor)


@pages.post("/account/language", dependencies=[Depends(check_csrf)])
async def profile_language(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()
    lang = form.get("lang")
    try:
        result = mb.set_language(actor, lang if isinstance(lang, str) else "")
    except InvalidInput as exc:
        return _profile(request, mb, actor, status_code=422, error=exc.detail)
    set_cookie(request, LANG_COOKIE, result["lang"], LANG_COOKIE_AGE)
    return RedirectResponse(f"/account?lang={result['lang']}&done=language", status_code=303)


@pages.post("/account/password", dependencies=[Depends(check_csrf)])
async def profile_password(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()
    old, new, again = (form.get(k) for k in ("old", "new", "again"))
    if not all(isinstance(v, str) for v in (old, new, again)):
        return _profile(request, mb, actor, status_code=422, error="fill in every field")
    if new != again:
        return _profile(request, mb, actor, status_code=422, error="the new passwords do not match")
    try:
        result = mb.change_password(actor, old, new)
    except MinbarError as exc:
        if exc.status == 401:
            raise
        return _profile(request, mb, actor, status_code=exc.status, error=exc.detail)
    # every other session has ended; this browser gets a fresh cookie with the new epoch
    set_cookie(
        request, SESSION_COOKIE, codec(request.app).issue(actor.user_id, result["session_epoch"])
    )
    return RedirectResponse("/account?done=password", status_code=303)


@pages.post("/account/tokens", dependencies=[Depends(check_csrf)])
async def profile_token_create(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    form = await request.form()
    label = form.get("label")
    try:
        made = mb.create_token(actor, actor.email, label if isinstance(label, str) else None)
    except MinbarError as exc:
        if exc.status == 401:
            raise
        return _profile(request, mb, actor, status_code=exc.status, error=exc.detail)
    # shown in this answer only (never in a URL, never again)
    response = _profile(request, mb, actor, status_code=201, new_token=made)
    response.headers["Cache-Control"] = "no-store"
    return response


@pages.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(check_csrf)])
def profile_token_revoke(token_id: int = Id, mb=Depends(get_mb), actor=Depends(page_actor)):
    mb.revoke_token(actor, token_id)
    return RedirectResponse("/account?done=revoked", status_code=303)


# --- API -------------------------------------------------------------------------------------


async def api_writer(request: Request, actor=Depends(api_actor)):
    """The actor of a state-changing API request: credentials first (none → 401), then the
    CSRF token when they came from the session cookie (a Bearer request needs none)."""
    await check_csrf(request)
    return actor


class TokenIn(BaseModel):
    label: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)  # admins: someone else's


class MemberIn(BaseModel):
    email: str = Field(max_length=320)
    role: str = Field(max_length=20)


class OrgIn(BaseModel):
    slug: str = Field(max_length=64)
    name: str = Field(max_length=300)
    country: str | None = Field(None, max_length=2)


class UserIn(BaseModel):
    email: str = Field(max_length=320)
    org: str = Field(max_length=64)
    name: str | None = Field(None, max_length=300)
    admin: bool = False
    password: str | None = Field(None, max_length=1024)
    lang: str = Field("en", max_length=8)


class CommitteeIn(BaseModel):
    slug: str = Field(max_length=64)
    name: str = Field(max_length=300)
    names: dict[str, str] | None = None
    description: str | None = Field(None, max_length=2000)


class AuditOut(BaseModel):
    id: int
    time: str
    user: str
    org: str | None
    action: str
    object: str | None
    committee: str | None
    client: str | None
    outcome: str


@api.get("/me")
def me(mb=Depends(get_mb), actor=Depends(api_actor)) -> dict:
    """The signed-in user: organisation, UI language, committees with roles."""
    return mb.user(actor)


@api.get("/tokens")
def list_tokens(mb=Depends(get_mb), actor=Depends(api_actor)) -> list[dict]:
    """My API tokens (never their secret)."""
    return mb.tokens(actor)


@api.post("/tokens", status_code=201)
def create_token(body: TokenIn, mb=Depends(get_mb), actor=Depends(api_writer)) -> dict:
    """A new token: ``{"id","token"}`` — the token is shown only in this answer."""
    made = mb.create_token(actor, body.email or actor.email or "", body.label)
    return {"id": made["id"], "token": made["token"]}


@api.delete("/tokens/{token_id}")
def revoke_token(token_id: int = Id, mb=Depends(get_mb), actor=Depends(api_writer)) -> dict:
    return mb.revoke_token(actor, token_id)


@api.get("/committees")
def list_committees(mb=Depends(get_mb), actor=Depends(api_actor)) -> list[dict]:
    """The committees I may see (all, for admins), with my role."""
    return mb.committees(actor)


@api.post("/committees", status_code=201)
def add_committee(body: CommitteeIn, mb=Depends(get_mb), actor=Depends(api_writer)) -> dict:
    return mb.add_committee(actor, body.slug, body.name, body.names, body.description)


@api.get("/committees/{committee}")
def get_committee(
    committee: str = Path(max_length=64), mb=Depends(get_mb), actor=Depends(api_actor)
) -> dict:
    """A committee with its members (404 for non-members)."""
    return mb.committee(actor, committee)


@api.post("/committees/{committee}/members")
def add_member(
    body: MemberIn,
    committee: str = Path(max_length=64),
    mb=Depends(get_mb),
    actor=Depends(api_writer),
) -> dict:
    """Add a member or change their role (committee leads, admins)."""
    return mb.add_member(actor, committee, body.email, body.role)


@api.delete("/committees/{committee}/members/{email}")
def remove_member(
    committee: str = Path(max_length=64),
    email: str = Path(max_length=320),
    mb=Depends(get_mb),
    actor=Depends(api_writer),
) -> dict:
    return mb.remove_member(actor, committee, email)


@api.get("/orgs")
def list_orgs(mb=Depends(get_mb), actor=Depends(api_actor)) -> list[dict]:
    return mb.orgs(actor)


@api.post("/orgs", status_code=201)
def add_org(body: OrgIn, mb=Depends(get_mb), actor=Depends(api_writer)) -> dict:
    return mb.add_org(actor, body.slug, body.name, body.country)


@api.get("/users")
def list_users(mb=Depends(get_mb), actor=Depends(api_actor)) -> list[dict]:
    """Admins: every user; committee leads: who they may add to their committees."""
    return mb.users(actor)


@api.post("/users", status_code=201)
def add_user(body: UserIn, mb=Depends(get_mb), actor=Depends(api_writer)) -> dict:
    """Create a user (admins); without ``password`` a random one is returned, once."""
    return mb.add_user(
        actor,
        body.email,
        body.org,
        name=body.name,
        admin=body.admin,
        password=body.password,
        lang=body.lang,
    )


@api.get("/audit", response_model=list[AuditOut])
def audit(
    limit: int = Query(100, ge=1, le=1000),
    user: str | None = Query(None, max_length=320),
    committee: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    since: str | None = Query(None, max_length=40),
    until: str | None = Query(None, max_length=40),
    mb=Depends(get_mb),
    actor=Depends(api_actor),
) -> list[dict]:
    """The audit trail, newest first (platform admins)."""
    return mb.audit_log(
        actor,
        limit=limit,
        user=user,
        committee=committee,
        action=action,
        since=since,
        until=until,
    )


router.include_router(api)
router.include_router(pages)
router.include_router(accounts_admin.router)
