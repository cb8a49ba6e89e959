"""Accounts verbs: ``orgs``, ``committees``, ``users``, ``members``, ``tokens`` and ``audit``.

The operator at the command line acts as the system (:meth:`minbar.auth.Actor.system`): full
rights, and every change is in the audit trail as ``system`` from ``cli``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from minbar.auth import Actor
from minbar.cli.common import JsonOpt, UsageError, emit, mb, out, sub_app

orgs_app = sub_app("Organisations (one per institution; users belong to one).")
committees_app = sub_app("Joint committees: cases, watchlists and alerts belong to one.")
users_app = sub_app("User accounts.")
members_app = sub_app("Committee memberships and their roles.")
tokens_app = sub_app("API tokens (Authorization: Bearer TOKEN); stored hashed, shown once.")

ROLE_HELP = "viewer | analyst | editor | lead"


def _system() -> Actor:
    return Actor.system("cli")


def read_password_stdin() -> str:
    """One line from stdin; the trailing newline is not part of the password."""
    line = sys.stdin.readline()
    if not line:
        raise UsageError("--password-stdin: nothing on stdin")
    return line.removesuffix("\n").removesuffix("\r")


# --- orgs -----------------------------------------------------------------------------------


@orgs_app.command("add")
def orgs_add(
    ctx: typer.Context,
    slug: str,
    name: Annotated[str, typer.Option("--name", help="Full name of the organisation.")],
    country: Annotated[
        str | None, typer.Option("--country", help="Two-letter ISO country code.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an organisation."""
    org = mb(ctx).add_org(_system(), slug, name, country=country)
    if as_json:
        emit({"id": org["id"], "slug": org["slug"]})
    else:
        out.print(f"organisation #{org['id']} {org['slug']}: {org['name']}", markup=False)


@orgs_app.command("list")
def orgs_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every organisation with its number of users."""
    rows = mb(ctx).orgs(_system())
    if as_json:
        emit(rows)
        return
    table = Table("id", "slug", "name", "country", "users")
    for o in rows:
        table.add_row(str(o["id"]), o["slug"], o["name"], o["country"] or "", str(o["users"]))
    out.print(table)


# --- committees -----------------------------------------------------------------------------


@committees_app.command("add")
def committees_add(
    ctx: typer.Context,
    slug: str,
    name: Annotated[str, typer.Option("--name", help="Display name (English).")],
    description: Annotated[str | None, typer.Option("--description")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a committee."""
    c = mb(ctx).add_committee(_system(), slug, name, description=description)
    if as_json:
        emit({"id": c["id"], "slug": c["slug"]})
    else:
        out.print(f"committee #{c['id']} {c['slug']}: {c['name']}", markup=False)


@committees_app.command("template")
def committees_template(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template: istanbul (the six joint committees).")],
    as_json: JsonOpt = False,
) -> None:
    """Create a template's committees (names in ar, tr, az, en, ru); existing ones are kept."""
    rows = mb(ctx).committees_template(_system(), name)
    if as_json:
        emit(rows)
    else:
        for c in rows:
            out.print(f"committee #{c['id']} {c['slug']}", markup=False)


@committees_app.command("list")
def committees_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every committee with its names and member count."""
    rows = mb(ctx).committees(_system())
    if as_json:
        emit([{k: v for k, v in c.items() if k != "role"} for c in rows])
        return
    table = Table("id", "slug", "name", "names", "members")
    for c in rows:
        names = " / ".join(c["names"][lang] for lang in sorted(c["names"]) if lang != "en")
        table.add_row(str(c["id"]), c["slug"], c["name"], names, str(c["members"]))
    out.print(table)


# --- users ----------------------------------------------------------------------------------


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    email: str,
    org: Annotated[str, typer.Option("--org", help="Organisation slug.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Platform administrator.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="UI language: ar, tr, az, en, ru.")] = "en",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from one line of stdin (12+ chars)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a user; without --password-stdin a random password is printed, once."""
    password = read_password_stdin() if password_stdin else None
    user = mb(ctx).add_user(
        _system(), email, org, name=name, admin=admin, password=password, lang=lang
    )
    result = {"id": user["id"], "email": user["email"]}
    if "password" in user:
        result["password"] = user["password"]
    if as_json:
        emit(result)
        return
    out.print(f"user #{user['id']} {user['email']} ({user['org']})", markup=False)
    if "password" in user:
        out.print(f"password (shown once): {user['password']}", markup=False)


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every user with organisation and committees."""
    rows = mb(ctx).users(_system())
    if as_json:
        emit(rows)
        return
    table = Table("id", "email", "name", "org", "admin", "active", "committees")
    for u in rows:
        roles = ", ".join(f"{c}:{r}" for c, r in u["committees"].items())
        table.add_row(
            str(u["id"]),
            u["email"],
            u["name"] or "",
            u["org"],
            "yes" if u["is_admin"] else "",
            "yes" if u["active"] else "no",
            roles,
        )
    out.print(table)


@users_app.command("deactivate")
def users_deactivate(ctx: typer.Context, email: str, as_json: JsonOpt = False) -> None:
    """Deactivate a user: sessions and API tokens stop working at once."""
    result = mb(ctx).deactivate_user(_system(), email)
    if as_json:
        emit({"email": result["email"], "active": False})
    else:
        out.print(f"{result['email']} deactivated", markup=False)


# --- members --------------------------------------------------------------------------------


@members_app.command("add")
def members_add(
    ctx: typer.Context,
    committee: str,
    email: str,
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    as_json: JsonOpt = False,
) -> None:
    """Add a user to a committee with a role (or change the role)."""
    result = mb(ctx).add_member(_system(), committee, email, role)
    if as_json:
        emit(result)
    else:
        out.print(f"{result['email']} is {result['role']} of {result['committee']}", markup=False)


@members_app.command("remove")
def members_remove(
    ctx: typer.Context, committee: str, email: str, as_json: JsonOpt = False
) -> None:
    """Remove a user from a committee."""
    result = mb(ctx).remove_member(_system(), committee, email)
    if as_json:
        emit(result)
    else:
        out.print(f"{result['email']} removed from {result['committee']}", markup=False)


@members_app.command("list")
def members_list(ctx: typer.Context, committee: str, as_json: JsonOpt = False) -> None:
    """The members of a committee."""
    members = mb(ctx).committee(_system(), committee)["members"]
    if as_json:
        emit(members)
        return
    table = Table("email", "name", "org", "role")
    for m in members:
        table.add_row(m["email"], m["name"] or "", m["org"], m["role"])
    out.print(table)


# --- tokens ---------------------------------------------------------------------------------


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    email: str,
    label: Annotated[str | None, typer.Option("--label", help="What the token is for.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API token for a user; it is shown only now (the database keeps its hash)."""
    result = mb(ctx).create_token(_system(), email, label=label)
    if as_json:
        emit({"id": result["id"], "token": result["token"]})
    else:
        out.print(f"token #{result['id']} for {result['email']} (shown once):", markup=False)
        out.print(result["token"], markup=False)


@tokens_app.command("revoke")
def tokens_revoke(ctx: typer.Context, token_id: int, as_json: JsonOpt = False) -> None:
    """Revoke an API token by id."""
    result = mb(ctx).revoke_token(_system(), token_id)
    if as_json:
        emit(result)
    else:
        out.print(f"token #{result['revoked']} revoked")


@tokens_app.command("list")
def tokens_list(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Option("--email", help="Only this user's tokens.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """API tokens (never the secret): id, owner, label, created, last used, revoked."""
    rows = mb(ctx).tokens(_system(), email=email)
    if as_json:
        emit(rows)
        return
    table = Table("id", "email", "label", "created", "last used", "revoked")
    for t in rows:
        table.add_row(
            str(t["id"]),
            t["email"],
            t["label"] or "",
            (t["created"] or "")[:19],
            (t["last_used"] or "-")[:19],
            (t["revoked"] or "-")[:19],
        )
    out.print(table)


# --- audit ----------------------------------------------------------------------------------


def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    user: Annotated[str | None, typer.Option("--user", help="E-mail, or 'system'.")] = None,
    committee: Annotated[str | None, typer.Option("--committee")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Exact, or a prefix ending in '.': case.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The audit trail, newest first (append-only: nothing edits or deletes it)."""
    rows = mb(ctx).audit_log(
        _system(),
        limit=limit,
        user=user,
        committee=committee,
        action=action,
        since=since,
        until=until,
    )
    if as_json:
        emit(rows)
        return
    table = Table("id", "time", "user", "org", "action", "object", "committee", "client", "outcome")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["time"][:19],
            r["user"],
            r["org"] or "",
            r["action"],
            r["object"] or "",
            r["committee"] or "",
            r["client"] or "",
            r["outcome"],
        )
    out.print(table)
