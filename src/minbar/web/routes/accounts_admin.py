"""Administration pages: organisations, users, committees (admins), members (admins and
committee leads) and the audit log with CSV export (admins).

``/admin``, ``/admin/committees/{slug}``, ``/admin/audit``, ``/admin/audit.csv``. Permissions are
the facade's: a lead reaching an admin-only form gets its 403, a non-member a committee's 404.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from minbar.errors import Forbidden, MinbarError
from minbar.web.deps import check_csrf, get_mb, page_actor
from minbar.web.templating import render

router = APIRouter(include_in_schema=False)
Slug = Path(max_length=64)
AUDIT_PAGE = 200
CSV_MAX = 1000


def _led(actor) -> set[int]:
    return {cid for cid, role in actor.roles.items() if role == "lead"}


def _field(form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _admin_page(request: Request, mb, actor, status_code: int = 200, **ctx):
    if not (actor.is_admin or _led(actor)):
        raise Forbidden("administration is for platform admins and committee leads")
    committees = mb.committees(actor)
    if not actor.is_admin:
        committees = [c for c in committees if c["id"] in _led(actor)]
    return render(
        request,
        "accounts/admin.html",
        status_code=status_code,
        orgs=mb.orgs(actor) if actor.is_admin else [],
        users=mb.users(actor) if actor.is_admin else [],
        committees=committees,
        error=ctx.pop("error", None),
        created=ctx.pop("created", None),
        done=request.query_params.get("done"),
        **ctx,
    )


@router.get("/admin")
def admin(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    return _admin_page(request, mb, actor)


async def _admin_post(request: Request, mb, actor, call, done: str):
    """Run ``call(form)``; bad input or a conflict re-renders the page with the message."""
    form = await request.form()
    try:
        result = call(form)
    except MinbarError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _admin_page(request, mb, actor, status_code=exc.status, error=exc.detail)
    if isinstance(result, dict) and "password" in result:  # generated: shown once, here
        response = _admin_page(request, mb, actor, status_code=201, created=result)
        response.headers["Cache-Control"] = "no-store"
        return response
    return RedirectResponse(f"/admin?done={done}", status_code=303)


@router.post("/admin/orgs", dependencies=[Depends(check_csrf)])
async def admin_add_org(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    def call(form):
        return mb.add_org(
            actor, _field(form, "slug"), _field(form, "name"), _field(form, "country") or None
        )

    return await _admin_post(request, mb, actor, call, "org")


@router.post("/admin/users", dependencies=[Depends(check_csrf)])
async def admin_add_user(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    def call(form):
        return mb.add_user(
            actor,
            _field(form, "email"),
            _field(form, "org"),
            name=_field(form, "name") or None,
            admin=_field(form, "admin") == "1",
            lang=_field(form, "lang") or "en",
        )

    return await _admin_post(request, mb, actor, call, "user")


@router.post("/admin/users/deactivate", dependencies=[Depends(check_csrf)])
async def admin_deactivate(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    return await _admin_post(
        request, mb, actor, lambda form: mb.deactivate_user(actor, _field(form, "email")), "user"
    )


@router.post("/admin/committees", dependencies=[Depends(check_csrf)])
async def admin_add_committee(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    def call(form):
        names = {lang: _field(form, f"name_{lang}") for lang in ("ar", "tr", "az", "ru")}
        return mb.add_committee(
            actor,
            _field(form, "slug"),
            _field(form, "name"),
            names={k: v for k, v in names.items() if v},
            description=_field(form, "description") or None,
        )

    return await _admin_post(request, mb, actor, call, "committee")


@router.post("/admin/committees/template", dependencies=[Depends(check_csrf)])
async def admin_template(request: Request, mb=Depends(get_mb), actor=Depends(page_actor)):
    return await _admin_post(
        request,
        mb,
        actor,
        lambda form: mb.committees_template(actor, _field(form, "template") or "istanbul"),
        "template",
    )


# --- one committee's members -------------------------------------------------------------------


def _committee_page(request: Request, mb, actor, slug: str, status_code: int = 200, error=None):
    found = mb.resolve_committee(actor, slug, "members.manage")
    detail = mb.committee(actor, found["id"])
    members = {m["email"] for m in detail["members"]}
    candidates = [u for u in mb.users(actor) if u["email"] not in members]
    return render(
        request,
        "accounts/committee.html",
        status_code=status_code,
        committee=detail,
        candidates=candidates,
        roles=("viewer", "analyst", "editor", "lead"),
        error=error,
        done=request.query_params.get("done"),
    )


@router.get("/admin/committees/{slug}")
def admin_committee(
    request: Request, slug: str = Slug, mb=Depends(get_mb), actor=Depends(page_actor)
):
    return _committee_page(request, mb, actor, slug)


@router.post("/admin/committees/{slug}/members", dependencies=[Depends(check_csrf)])
async def admin_member_add(
    request: Request, slug: str = Slug, mb=Depends(get_mb), actor=Depends(page_actor)
):
    form = await request.form()
    try:
        mb.add_member(actor, slug, _field(form, "email"), _field(form, "role"))
    except MinbarError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _committee_page(request, mb, actor, slug, exc.status, exc.detail)
    return RedirectResponse(f"/admin/committees/{slug}?done=member", status_code=303)


@router.post("/admin/committees/{slug}/members/remove", dependencies=[Depends(check_csrf)])
async def admin_member_remove(
    request: Request, slug: str = Slug, mb=Depends(get_mb), actor=Depends(page_actor)
):
    form = await request.form()
    mb.remove_member(actor, slug, _field(form, "email"))
    return RedirectResponse(f"/admin/committees/{slug}?done=removed", status_code=303)


# --- audit log -------------------------------------------------------------------------------


def _until(value: str | None) -> str | None:
    """A bare date as the end of a range means the whole day: up to the next midnight."""
    if value and len(value) == 10:
        try:
            return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
        except ValueError:
            return value
    return value or None


def _filters(user, committee, action, since, until) -> dict:
    return {
        "user": user or None,
        "committee": committee or None,
        "action": action or None,
        "since": since or None,
        "until": _until(until),
    }


@router.get("/admin/audit")
def admin_audit(
    request: Request,
    user: str | None = Query(None, max_length=320),
    committee: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    since: str | None = Query(None, max_length=40),
    until: str | None = Query(None, max_length=40),
    before: int | None = Query(None, ge=1, le=2**31 - 1),
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    filters = _filters(user, committee, action, since, until)
    rows = mb.audit_log(actor, limit=AUDIT_PAGE + 1, before_id=before, **filters)
    return render(
        request,
        "accounts/audit.html",
        rows=rows[:AUDIT_PAGE],
        older=rows[AUDIT_PAGE - 1]["id"] if len(rows) > AUDIT_PAGE else None,
        committees=mb.committees(actor),
        form={
            "user": user or "",
            "committee": committee or "",
            "action": action or "",
            "since": since or "",
            "until": until or "",
        },
    )


def _cell(value) -> str:
    """CSV cell safe for spreadsheets: a leading = + - @ (a formula) is quoted away."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/admin/audit.csv")
def admin_audit_csv(
    user: str | None = Query(None, max_length=320),
    committee: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    since: str | None = Query(None, max_length=40),
    until: str | None = Query(None, max_length=40),
    limit: int = Query(CSV_MAX, ge=1, le=CSV_MAX),
    mb=Depends(get_mb),
    actor=Depends(page_actor),
):
    rows = mb.audit_log(actor, limit=limit, **_filters(user, committee, action, since, until))
    cols = ("id", "time", "user", "org", "action", "object", "committee", "client", "outcome")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(cols)
    for r in rows:
        writer.writerow([_cell(r[c]) for c in cols])
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="minbar-audit.csv"'},
    )
