"""Errors as answers: ``{"detail": …}`` for the API, a page in the user's language otherwise.

:class:`minbar.errors.MinbarError` carries its HTTP status; FastAPI's validation errors answer
422, unknown routes 404, and anything else 500 ``internal error`` (logged, never a traceback).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from minbar.errors import MinbarError
from minbar.web.deps import CSRFRefused, LoginRequired
from minbar.web.middleware import is_api_path
from minbar.web.templating import N_

log = logging.getLogger("minbar.web")

MESSAGES = {  # msgids (translated in web.po) for the page titles of each status
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def wants_json(request: Request) -> bool:
    if is_api_path(request.url.path):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def plain_error(request: Request, status: int, detail, headers=None) -> Response:
    """The error answer for ``request``: JSON on API paths, else the error page."""
    if wants_json(request) or getattr(request.app.state, "jinja", None) is None:
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    try:
        from minbar.web.templating import render

        title = MESSAGES.get(status, N_("Error"))
        response = render(
            request,
            "error.html",
            status_code=status,
            status=status,
            title_msgid=title,
            detail=detail if isinstance(detail, str) else None,
        )
        if headers:
            response.headers.update(headers)
        return response
    except Exception:  # the error page itself failed: still no traceback to the client
        log.exception("cannot render the error page")
        return JSONResponse({"detail": detail}, status_code=status)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "input"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid input"


def install(app: FastAPI) -> None:
    @app.exception_handler(MinbarError)
    async def _minbar_error(request: Request, exc: MinbarError):
        if isinstance(exc, CSRFRefused):
            return JSONResponse({"detail": exc.detail}, status_code=403)
        if exc.status == 401 and not wants_json(request):
            return _to_login(request)
        return plain_error(request, exc.status, exc.detail)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        return _to_login(request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if wants_json(request):
            errors = [
                {k: v for k, v in e.items() if k in {"type", "loc", "msg"}} for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        return plain_error(request, 422, _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else MESSAGES.get(exc.status_code)
        if exc.status_code == 404:
            detail = "not found"
        return plain_error(request, exc.status_code, detail, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return plain_error(request, 500, "internal error")


def _to_login(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.headers.get("hx-request"):  # HTMX: a full-page redirect, not a swapped fragment
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
