"""ASGI middleware: UI language, security headers, cookies, CSRF and the last-resort error guard.

Both are plain ASGI (no ``BaseHTTPMiddleware``): they wrap every response, the 500 answer of the
guard included, and the CSRF check can read a form body and hand it on to the route unchanged.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.requests import Request

from minbar.web import i18n
from minbar.web.sessions import CSRF_DETAIL, LANG_COOKIE, SESSION_COOKIE, secure_cookies

log = logging.getLogger("minbar.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LANG_COOKIE_AGE = 365 * 24 * 3600


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") or path == "/healthz"


def set_cookie(request: Request, name: str, value: str, max_age: int | None = None) -> None:
    """Queue a cookie for the response (HttpOnly, SameSite=Lax, Secure when configured)."""
    cookies = request.scope.setdefault("state", {}).setdefault("minbar_cookies", [])
    cookies.append((name, value, max_age))


def delete_cookie(request: Request, name: str) -> None:
    set_cookie(request, name, "", 0)


def _cookie_header(name: str, value: str, max_age: int | None) -> bytes:
    morsel = SimpleCookie()
    morsel[name] = value
    m = morsel[name]
    m["path"] = "/"
    m["httponly"] = True
    m["samesite"] = "Lax"
    if max_age is not None:
        m["max-age"] = max_age
    if secure_cookies():
        m["secure"] = True
    return m.OutputString().encode("latin-1")


class GuardMiddleware:
    """UI language (``?lang=`` → cookie → ``Accept-Language`` → en), security headers on every
    response, queued cookies, and a 500 ``{"detail": "internal error"}`` (logged) for anything
    that escaped the exception handlers: no traceback ever reaches a client."""

    def __init__(self, app, plain_error) -> None:
        # ``plain_error(request, status, detail)`` renders an error in the user's language; the
        # app passes :func:`minbar.web.errors.plain_error` (injected: errors build on this module)
        self.app = app
        self.plain_error = plain_error

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        state = scope.setdefault("state", {})
        path = scope.get("path", "")
        lang, bad = _ui_lang(request, path)
        state["lang"] = lang
        started = False

        async def send_wrapper(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS:
                    if key not in present:
                        headers.append((key, value))
                if b"cache-control" not in present and not path.startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                for name, value, max_age in state.get("minbar_cookies", []):
                    headers.append((b"set-cookie", _cookie_header(name, value, max_age)))
                message = {**message, "headers": headers}
            await send(message)

        if bad is not None:
            response = self.plain_error(
                request, 422, f"unknown language {bad[:20]!r}; one of {', '.join(i18n.LANGUAGES)}"
            )
            return await response(scope, receive, send_wrapper)
        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), path)
            if started:
                return
            response = self.plain_error(request, 500, "internal error")
            await response(scope, receive, send_wrapper)


def _ui_lang(request: Request, path: str) -> tuple[str, str | None]:
    """(UI language, an unknown ``?lang=`` value or None). API paths use ``lang`` as the
    content-language filter, so there only the cookie and ``Accept-Language`` count."""
    if not is_api_path(path):
        asked = request.query_params.get("lang")
        if asked is not None:
            value = asked.strip().lower()
            if value in i18n.LANGUAGES:
                if request.cookies.get(LANG_COOKIE) != value:
                    request.scope["state"].setdefault("minbar_cookies", []).append(
                        (LANG_COOKIE, value, LANG_COOKIE_AGE)
                    )
                return value, None
            if value:
                return _fallback_lang(request), asked
    return _fallback_lang(request), None


def _fallback_lang(request: Request) -> str:
    cookie = (request.cookies.get(LANG_COOKIE) or "").lower()
    if cookie in i18n.LANGUAGES:
        return cookie
    return i18n.negotiate(request.headers.get("accept-language")) or i18n.DEFAULT


class CSRFMiddleware:
    """A state-changing request authenticated by the session cookie must carry the session's
    CSRF token (``X-CSRF-Token`` header or ``csrf_token`` form field), else 403. Bearer-token
    requests and visitors without a session are not concerned (``/login`` neither: signing in
    again from a browser that holds an old session must work)."""

    def __init__(self, app, codec_of) -> None:
        self.app = app
        self.codec_of = codec_of  # app -> SessionCodec (built lazily: the key comes from the DB)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        auth = request.headers.get("authorization", "")
        cookie = request.cookies.get(SESSION_COOKIE)
        if scope["path"] == "/login" and not _same_origin(request):
            from starlette.responses import JSONResponse

            return await JSONResponse({"detail": "cross-site sign-in refused"}, 403)(
                scope, receive, send
            )
        if auth.lower().startswith("bearer ") or not cookie or scope["path"] == "/login":
            return await self.app(scope, receive, send)
        codec = self.codec_of(scope["app"])
        session = codec.read(cookie)
        if session is None:  # a stale cookie authenticates nothing: the route answers 401
            return await self.app(scope, receive, send)
        token = request.headers.get("x-csrf-token")
        body = b""
        more = True
        if token is None:
            ctype = request.headers.get("content-type", "")
            if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                chunks = []
                size = 0
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > 20 * 1024 * 1024:
                        break
                    chunks.append(chunk)
                    more = message.get("more_body", False)
                body = b"".join(chunks)
                token = _form_token(ctype, body)
        if not codec.csrf_ok(session.sid, token):
            from starlette.responses import JSONResponse

            response = JSONResponse({"detail": CSRF_DETAIL}, status_code=403)
            return await response(scope, receive, send)
        if not body:
            return await self.app(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _form_token(ctype: str, body: bytes) -> str | None:
    if ctype.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get("csrf_token")
        return values[0] if values else None
    # multipart: find the csrf_token part without a full parser (it is a short text field)
    marker = b'name="csrf_token"'
    at = body.find(marker)
    if at < 0:
        return None
    start = body.find(b"\r\n\r\n", at)
    if start < 0:
        return None
    end = body.find(b"\r\n", start + 4)
    return body[start + 4 : end if end >= 0 else None].decode("latin-1").strip()


def _same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (``Origin`` names
    another host, or ``Sec-Fetch-Site: cross-site``): login CSRF. Clients that send neither
    header (scripts, old browsers) pass."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if not origin:
        return True
    if origin == "null":
        return False
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/").lower() == host.lower()
