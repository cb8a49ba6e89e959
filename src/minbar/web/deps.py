"""FastAPI dependencies shared by every router: the facade, the current actor, CSRF, UI language.

One "current user" path for everything: :func:`resolve_actor` reads a Bearer token (API clients)
or the signed session cookie (browsers) and asks the facade for the :class:`~minbar.auth.Actor`;
pages depend on :func:`page_actor` (a visitor is redirected to ``/login``), API routes on
:func:`api_actor` (401), public pages on :func:`optional_actor`.
"""

from __future__ import annotations

from fastapi import Request

from minbar.errors import Forbidden, NotAuthenticated
from minbar.web.sessions import (
    ANON_COOKIE,
    CSRF_DETAIL,
    SESSION_COOKIE,
    SessionCodec,
    new_anon_id,
)

_UNSET = object()


class CSRFRefused(Forbidden):
    """A cookie-authenticated state change without its CSRF token: 403 ``{"detail"}`` (JSON,
    whatever the client accepts)."""


class LoginRequired(Exception):
    """A page needs a signed-in user: the handler redirects to ``/login?next=…``."""


def get_mb(request: Request):
    return request.app.state.mb


def codec(app) -> SessionCodec:
    found = getattr(app.state, "codec", None)
    if found is None:
        found = SessionCodec(app.state.mb.secret_key)
        app.state.codec = found
    return found


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def session(request: Request):
    """The valid (signed, unexpired) session of this request, or None."""
    state = request.scope.setdefault("state", {})
    if "minbar_session" not in state:
        state["minbar_session"] = codec(request.app).read(request.cookies.get(SESSION_COOKIE))
    return state["minbar_session"]


def resolve_actor(request: Request, optional: bool = False):
    """The actor of this request (cached on it), or None for a visitor.

    A Bearer token that does not authenticate raises :class:`NotAuthenticated` (unless
    ``optional``); a session cookie that no longer authenticates (epoch changed, user
    deactivated) is deleted and the request continues as a visitor's.
    """
    state = request.scope.setdefault("state", {})
    cached = state.get("minbar_actor", _UNSET)
    if cached is not _UNSET:
        return cached
    mb = request.app.state.mb
    client = client_address(request)
    actor = None
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            if optional:
                return None
            raise NotAuthenticated("Authorization must be 'Bearer <token>'")
        try:
            actor = mb.actor_from_token(token.strip(), client=client)
        except NotAuthenticated:
            if optional:
                return None
            raise
    else:
        sess = session(request)
        if sess is not None:
            try:
                actor = mb.actor_from_session(sess.user_id, sess.epoch, client=client)
            except NotAuthenticated:
                from minbar.web.middleware import delete_cookie

                delete_cookie(request, SESSION_COOKIE)
                state["minbar_session"] = None
                actor = None
            else:
                fresh = codec(request.app).refreshed(sess)
                if fresh:
                    from minbar.web.middleware import set_cookie

                    set_cookie(request, SESSION_COOKIE, fresh)
    state["minbar_actor"] = actor
    return actor


def optional_actor(request: Request):
    return resolve_actor(request, optional=True)


def page_actor(request: Request):
    actor = resolve_actor(request, optional=True)
    if actor is None:
        raise LoginRequired()
    return actor


def api_actor(request: Request):
    actor = resolve_actor(request)
    if actor is None:
        raise NotAuthenticated("not signed in: send 'Authorization: Bearer <token>'")
    return actor


def csrf_binding(request: Request, create: bool = False) -> str | None:
    sess = session(request)
    if sess is not None:
        return sess.sid
    anon = request.cookies.get(ANON_COOKIE)
    if anon and 10 <= len(anon) <= 100:
        return anon
    state = request.scope.setdefault("state", {})
    if create:
        if "minbar_anon" not in state:
            from minbar.web.middleware import set_cookie

            state["minbar_anon"] = new_anon_id()
            set_cookie(request, ANON_COOKIE, state["minbar_anon"])
        return state["minbar_anon"]
    return None


def csrf_token(request: Request) -> str:
    """The CSRF token for forms and the ``<meta name="csrf-token">`` of this request's page."""
    return codec(request.app).csrf_token(csrf_binding(request, create=True))


async def check_csrf(request: Request) -> None:
    """For routes that change state: Bearer requests pass; otherwise the token (header or form
    field) must match the session's (or, for a visitor, the ``minbar_anon`` cookie's)."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return
    token = request.headers.get("x-csrf-token")
    if token is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    if not codec(request.app).csrf_ok(csrf_binding(request), token):
        raise CSRFRefused(CSRF_DETAIL)


def ui_lang(request: Request) -> str:
    return request.scope.get("state", {}).get("lang", "en")
