"""Jinja2 environment (autoescape on), template filters and ``render``.

Everything that came from outside (titles, text, quotes, feed fields, URLs) reaches a template as
a plain string and is escaped by Jinja; :func:`safe_url` is the only way a URL becomes a link, and
:func:`script_json` the only way data reaches a ``<script type="application/…json">`` block.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from minbar.web import i18n

TEMPLATES = Path(__file__).parent / "templates"


def N_(message: str) -> str:  # noqa: N802 (gettext convention: marks a msgid for extraction)
    return message


#: Navigation entries of the other areas, shown when their page exists in this app.
EXTRA_NAV = (
    ("/cases", N_("Cases")),
    ("/watchlists", N_("Watchlists")),
    ("/alerts", N_("Alerts")),
    ("/account", N_("My account")),
    ("/profile", N_("My account")),
    ("/admin", N_("Administration")),
)


def extra_nav(app) -> list[tuple[str, str]]:
    """The entries of :data:`EXTRA_NAV` whose page this app serves (routers of included
    areas are matched, not listed: FastAPI keeps included routers lazily)."""
    found = getattr(app.state, "extra_nav", None)
    if found is None:
        from starlette.routing import Match

        def served(path: str) -> bool:
            scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
            scope |= {"query_string": b"", "headers": []}
            return any(r.matches(scope)[0] == Match.FULL for r in app.router.routes)

        found, seen = [], set()
        for href, label in EXTRA_NAV:
            if label not in seen and served(href):
                found.append((href, label))
                seen.add(label)
        app.state.extra_nav = found
    return found


def safe_url(value) -> str | None:
    """The URL when it is an absolute http(s) URL, else None (never a link)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if any(ord(c) < 33 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def script_json(value) -> Markup:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and the JS line separators are
    escaped as ``\\u00XX`` so no ``</script>`` or ``<!--`` can ever close or confuse the block."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(text)


def make_env(extra_dirs: list[Path] | None = None) -> Environment:
    loaders = [str(TEMPLATES)] + [str(p) for p in extra_dirs or []]
    env = Environment(
        loader=FileSystemLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["script_json"] = script_json
    return env


def query_url(request: Request, **changes) -> str:
    """The current path with some query parameters replaced (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    qs = urlencode(params)
    return request.url.path + ("?" + qs if qs else "")


def context(request: Request, **ctx) -> dict:
    from minbar.web import deps

    lang = request.scope.get("state", {}).get("lang", i18n.DEFAULT)
    tr = request.app.state.catalogs[lang]
    actor = deps.resolve_actor(request, optional=True)
    return {
        "request": request,
        "lang": lang,
        "dir": tr.dir,
        "tr": tr,
        "_": tr.gettext,
        "gettext": tr.gettext,
        "ngettext": tr.ngettext,
        "fmt_num": tr.number,
        "fmt_dt": tr.datetime,
        "fmt_date": tr.date,
        "languages": [(code, i18n.NATIVE_NAMES[code]) for code in i18n.LANGUAGES],
        "actor": actor,
        "csrf_token": deps.csrf_token(request),
        "query_url": lambda **ch: query_url(request, **ch),
        "path": request.url.path,
        "extra_nav": extra_nav(request.app),
        **ctx,
    }


def render(request: Request, template: str, status_code: int = 200, **ctx) -> HTMLResponse:
    """Render ``template`` (which extends ``base.html``) in the request's UI language."""
    env: Environment = request.app.state.jinja
    html = env.get_template(template).render(context(request, **ctx))
    return HTMLResponse(html, status_code=status_code)
