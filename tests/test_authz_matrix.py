"""The authorisation matrix, generated from :data:`minbar.auth.permissions.PERMISSIONS`.

Every action of the table × every role, a non-member (who leads *another* committee) and a
platform admin, through the facade, on SQLite and PostgreSQL. Expected answers come from the
table itself: allowed → the call succeeds; a member without the role → ``Forbidden``; a
non-member → ``NotFound`` for committee actions (no existence leak), ``Forbidden`` for admin-only
ones. Refused state changes leave a ``denied`` audit row.

The API half sends the same requests over HTTP with each actor's Bearer token and expects the
statuses of the contract (2xx / 403 / 404). ``case.approve`` and ``case.publish`` work on a case
whose verdict another analyst wrote (four eyes are the cases tests' business).
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from minbar import Minbar
from minbar.auth import Actor
from minbar.auth.permissions import COMMITTEE_ACTIONS, PERMISSIONS, ROLES, can, role_can
from minbar.config import Settings
from minbar.errors import Forbidden, NotFound
from minbar.store.schema import audit_events
from tests.conftest import BACKENDS, PG_URL

WHO = (*ROLES, "non-member", "admin")
_count = itertools.count()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """One store per backend for the whole matrix: committee ``c1`` with a member of each
    role, ``c2`` led by the non-member, an admin; actors as the facade builds them."""
    schema = None
    url = None
    if request.param == "postgres":
        schema = "t_" + uuid.uuid4().hex[:12]
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    mb = Minbar(settings=Settings(data_dir=tmp_path_factory.mktemp("authz"), database_url=url))
    system = Actor.system("test")
    mb.add_org(system, "org-a", "Org A", "TR")
    mb.add_org(system, "org-b", "Org B", "AZ")
    c1 = mb.add_committee(system, "c1", "Committee one")
    mb.add_committee(system, "c2", "Committee two")
    for i, role in enumerate(ROLES):
        email = f"{role}@example.org"
        mb.add_user(system, email, "org-a" if i % 2 else "org-b")
        mb.add_member(system, "c1", email, role)
    mb.add_user(system, "outsider@example.org", "org-a")
    mb.add_member(system, "c2", "outsider@example.org", "lead")
    mb.add_user(system, "admin@example.org", "org-b", admin=True)
    mb.add_user(system, "target@example.org", "org-a")
    mb.add_user(system, "author@example.org", "org-b")
    mb.add_member(system, "c1", "author@example.org", "analyst")
    emails_author = mb.user(system, "author@example.org")
    emails = {r: f"{r}@example.org" for r in ROLES}
    emails |= {"non-member": "outsider@example.org", "admin": "admin@example.org"}
    actors, tokens = {}, {}
    for who, email in emails.items():
        user = mb.user(system, email)
        actors[who] = mb.actor_from_session(user["id"], mb.session_epoch(user["id"]), "1.2.3.4")
        tokens[who] = mb.create_token(system, email, label="matrix")["token"]
    author = mb.actor_from_session(emails_author["id"], mb.session_epoch(emails_author["id"]))
    yield {"mb": mb, "actors": actors, "tokens": tokens, "c1": c1["id"], "author": author}
    mb.close()
    if schema:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _case(world, status: str) -> int:
    """A case of c1 whose verdict an analyst (the author) proposed: ``in_review``, or
    ``approved`` by the system (never the author: four eyes)."""
    mb, author = world["mb"], world["author"]
    n = next(_count)
    case = mb.create_case(author, "c1", f"The Kura bridge was closed on Monday, report {n}", "en")
    mb.assign(author, case["id"], author.email)
    mb.propose_verdict(author, case["id"], "false", {"en": f"The bridge stayed open ({n})."})
    if status == "approved":
        mb.review(Actor.system("test"), case["id"], True)
    return case["id"]


def _prepare(world, action: str):
    """What the probe of ``action`` works on (made before the probe, by others)."""
    if action == "case.approve":
        return _case(world, "in_review")
    if action == "case.publish":
        return _case(world, "approved")
    return next(_count)


def _probe(mb: Minbar, actor: Actor, action: str, arg) -> None:
    """Do ``action`` in committee c1 through the facade."""
    if action == "committee.read":
        mb.committee(actor, "c1")
    elif action == "case.work":
        mb.create_case(actor, "c1", f"Parliament approved the new media law, report {arg}", "en")
    elif action == "watchlist.manage":
        mb.create_watchlist(actor, "c1", f"probe {arg}", "keyword", "köprü")
    elif action == "case.approve":
        mb.review(actor, arg, True)
    elif action == "case.publish":
        mb.publish(actor, arg)
    elif action == "members.manage":
        mb.add_member(actor, "c1", "target@example.org", ROLES[arg % len(ROLES)])
    elif action == "platform.admin":
        mb.add_org(actor, f"probe-{arg}", "Probe")
    else:
        raise AssertionError(f"no probe for {action}: add one when the table grows")


def _missing(mb: Minbar, actor: Actor, action: str, arg):
    """The same probe on an object that does not exist (what a non-member must not tell
    apart): (exception, the text to compare with ``arg``'s)."""
    if action in ("case.approve", "case.publish"):
        ghost = 2**31 - 1
        with pytest.raises(NotFound) as missing:
            _probe(mb, actor, action, ghost)
        return missing.value.detail.replace(str(ghost), str(arg))
    with pytest.raises(NotFound) as missing:
        mb.resolve_committee(actor, "no-such-committee", action)
    return missing.value.detail.replace("'no-such-committee'", "'c1'")


def _expected(who: str, action: str):
    if who == "admin" or role_can(who if who in ROLES else None, action):
        return None
    if who == "non-member" and action in COMMITTEE_ACTIONS:
        return NotFound
    return Forbidden


@pytest.mark.parametrize("action,who", list(itertools.product(PERMISSIONS, WHO)))
def test_matrix(world, action, who):
    mb, actor = world["mb"], world["actors"][who]
    expected = _expected(who, action)
    # the table answers the same as the facade
    assert can(actor, action, world["c1"]) is (expected is None)
    arg = _prepare(world, action)
    if expected is None:
        _probe(mb, actor, action, arg)
        return
    with mb.store.engine.connect() as conn:
        before = conn.execute(select(func.max(audit_events.c.id))).scalar() or 0
    with pytest.raises(expected) as info:
        _probe(mb, actor, action, arg)
    with mb.store.engine.connect() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.id > before)).all()
    # a refused state change is in the trail, as denied, under the actor's name and address
    assert len(rows) == (0 if action == "committee.read" else 1)
    for row in rows:
        assert (row.outcome, row.user, row.client) == ("denied", actor.email, "1.2.3.4")
    if expected is NotFound:  # the same answer as for an object that does not exist
        assert info.value.detail == _missing(mb, actor, action, arg)


def test_matrix_covers_the_table():
    """Every action has a probe and every role is exercised (guards against a table edit that
    the matrix silently ignores)."""
    assert set(PERMISSIONS) >= {
        "committee.read",
        "case.work",
        "watchlist.manage",
        "case.approve",
        "case.publish",
        "members.manage",
        "platform.admin",
    }
    assert PERMISSIONS["platform.admin"] == frozenset()
    for action, roles in PERMISSIONS.items():
        assert roles <= set(ROLES), action


def test_lists_show_only_what_the_actor_may_see(world):
    mb, actors = world["mb"], world["actors"]
    assert [c["slug"] for c in mb.committees(actors["viewer"])] == ["c1"]
    assert [c["slug"] for c in mb.committees(actors["non-member"])] == ["c2"]
    assert {c["slug"] for c in mb.committees(actors["admin"])} >= {"c1", "c2"}


# --- the API half ------------------------------------------------------------------------------

#: action -> (method, path, JSON body) of an endpoint doing it in committee c1; ``{n}`` is a
#: fresh number, ``{case}`` the case made by :func:`_prepare`
API_PROBES = {
    "committee.read": ("GET", "/api/v1/committees/c1", None),
    "case.work": (
        "POST",
        "/api/v1/cases",
        {"committee": "c1", "claim": "The bridge over the Kura river was closed on Monday {n}"},
    ),
    "watchlist.manage": (
        "POST",
        "/api/v1/watchlists",
        {"committee": "c1", "name": "probe {n}", "kind": "keyword", "query": "köprü"},
    ),
    "case.approve": ("POST", "/api/v1/cases/{case}/review", {"approve": True}),
    "case.publish": ("POST", "/api/v1/cases/{case}/publish", None),
    "members.manage": (
        "POST",
        "/api/v1/committees/c1/members",
        {"email": "target@example.org", "role": "viewer"},
    ),
    "platform.admin": ("POST", "/api/v1/orgs", {"slug": "api-probe-{n}", "name": "Probe"}),
}


@pytest.fixture(scope="module")
def client(world):
    from fastapi.testclient import TestClient

    from minbar.web.app import create_app

    return TestClient(create_app(world["mb"]))


@pytest.mark.parametrize("action,who", list(itertools.product(API_PROBES, WHO)))
def test_matrix_api(world, client, action, who):
    method, path, body = API_PROBES[action]
    values = {"n": next(_count), "case": _prepare(world, action)}
    path = path.format(**values)
    if body is not None:
        body = {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()}
    answer = client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {world['tokens'][who]}"}
    )
    expected = {None: None, NotFound: 404, Forbidden: 403}[_expected(who, action)]
    if expected is None:
        assert 200 <= answer.status_code < 300, answer.text
    else:
        assert answer.status_code == expected, answer.text
        assert set(answer.json()) == {"detail"}


def test_matrix_api_covers_the_table():
    assert set(API_PROBES) == set(PERMISSIONS)


@pytest.mark.parametrize("action", ["committee.read", "members.manage", "platform.admin"])
def test_api_needs_credentials(client, action):
    """No or forged credentials: 401 before anything else (CSRF, body) is looked at."""
    for method, path, body in [API_PROBES[action]]:
        answer = client.request(method, path, json=body)
        assert answer.status_code == 401, (path, answer.text)
        answer = client.request(
            method, path, json=body, headers={"Authorization": "Bearer mbr_forged"}
        )
        assert answer.status_code == 401, (path, answer.text)
