"""``create_app(mb)``: the FastAPI application (pages, REST API under ``/api/v1``, static assets).

Routers of other areas plug in with one ``include_router`` line each (accounts, cases,
watchlists); they use the dependencies of :mod:`minbar.web.deps` and templates extending
``base.html``.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from minbar.web import deps, errors, i18n
from minbar.web.middleware import CSRFMiddleware, GuardMiddleware
from minbar.web.templating import make_env

log = logging.getLogger("minbar.web")

STATIC = Path(__file__).parent / "static"

#: Routers of the other areas, included when their module exists (``web/routes/<name>.py``
#: exposing ``router``): this keeps ``create_app`` working while they are being written.
OPTIONAL_ROUTERS = ("accounts", "cases", "watchlists", "tips")


def create_app(mb) -> FastAPI:
    from minbar import __version__

    app = FastAPI(
        title="minbar",
        version=__version__,
        description="Multilingual media monitoring: search, stories, fact-check matching.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load their assets from CDNs: not served
        redoc_url=None,
    )
    app.state.mb = mb
    mb.store  # noqa: B018 - open (and migrate) the store now, not in two request threads at once
    app.state.catalogs = i18n.load_catalogs()
    extra = [p for p in (Path(__file__).parent / "routes").glob("*/templates") if p.is_dir()]
    app.state.jinja = make_env(extra)
    errors.install(app)
    app.add_middleware(CSRFMiddleware, codec_of=lambda a: deps.codec(a))
    app.add_middleware(GuardMiddleware, plain_error=errors.plain_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from minbar.web.routes import api, auth, pages, public

    app.include_router(public.router)
    app.include_router(auth.router)
    app.include_router(api.public)
    app.include_router(api.router)
    app.include_router(pages.router)
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(f"minbar.web.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"minbar.web.routes.{name}":
                raise
            continue
        app.include_router(module.router)
    document_errors(app)
    return app


#: Error answers every API operation may give (``{"detail": …}``), documented once for all.
COMMON_ERRORS = {
    401: "no or bad credentials",
    403: "not allowed, or missing CSRF token (browser sessions)",
    404: "unknown id, or not visible to the caller",
    409: "wrong state for this action",
    422: "invalid input",
    429: "too many attempts",
}


def document_errors(app: FastAPI) -> None:
    """Every API operation documents the error answers (``{"detail": …}``, ``detail`` a sentence
    or FastAPI's list of validation errors), whichever router declared it."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorOut"] = {
            "title": "ErrorOut",
            "type": "object",
            "required": ["detail"],
            "properties": {"detail": {"title": "Detail", "description": "what went wrong"}},
        }
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for path, item in spec.get("paths", {}).items():
            if not path.startswith("/api/v1/"):
                continue
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for code, text in COMMON_ERRORS.items():
                    operation["responses"][str(code)] = {
                        "description": text,
                        "content": {"application/json": {"schema": ref}},
                    }
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
