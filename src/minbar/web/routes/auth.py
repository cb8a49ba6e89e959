"""Sign-in and sign-out: ``/login`` (form ``email``, ``password``) and ``POST /logout``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from minbar.errors import NotAuthenticated, RateLimited
from minbar.web import deps
from minbar.web.middleware import LANG_COOKIE_AGE, delete_cookie, set_cookie
from minbar.web.sessions import LANG_COOKIE, SESSION_COOKIE
from minbar.web.templating import N_, render

router = APIRouter(include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Only a local path may be the target after sign-in (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 32 for c in value) or len(value) > 2000:
        return "/"
    return value


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    if deps.optional_actor(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), email="", error=None)


@router.post("/login")
def login(
    request: Request,
    email: str = Form("", max_length=320),
    password: str = Form("", max_length=1000),
    next: str | None = Form(None, max_length=2000),
    mb=Depends(deps.get_mb),
):
    target = safe_next(next)
    try:
        actor = mb.authenticate(email.strip(), password, client=deps.client_address(request))
    except (NotAuthenticated, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 401
        msg = (
            N_("Too many failed sign-ins for this account. Try again in 15 minutes.")
            if status == 429
            else N_("Wrong e-mail or password.")
        )
        if "application/json" in request.headers.get("accept", ""):
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": exc.detail}, status_code=status)
        return render(
            request, "login.html", status_code=status, next=target, email=email, error=msg
        )
    codec = deps.codec(request.app)
    cookie = codec.issue(actor.user_id, mb.session_epoch(actor.user_id))
    state = request.scope.setdefault("state", {})
    state["minbar_actor"] = actor
    set_cookie(request, SESSION_COOKIE, cookie)
    if not request.cookies.get(LANG_COOKIE) and getattr(actor, "lang", "en") not in (None, "en"):
        set_cookie(request, LANG_COOKIE, actor.lang, LANG_COOKIE_AGE)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request):
    """Ends this browser's session. The CSRF middleware has already refused a request that
    carries a valid session without its token (403)."""
    delete_cookie(request, SESSION_COOKIE)
    return RedirectResponse("/login", status_code=303)
