"""Fact-check cases through the facade, on SQLite and PostgreSQL: every wrong transition is a
409, four eyes, non-members see nothing (404), evidence to a private address is kept with the SSRF
guard's reason, failures leave nothing half-written, duplicates, seen-again links, tips."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from minbar import Minbar
from minbar.auth import Actor
from minbar.cases import workflow as wf
from minbar.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited
from minbar.store.schema import case_events, case_factchecks, cases, factchecks

CLAIM = "Türkiye'de 1 Ocak'tan itibaren tüm yabancı öğrencilerin vize ücreti iki katına çıkarıldı."
EN_SAME = "From January 1, visa fees for all foreign students in Turkey have been doubled."
SUMMARY = {
    "tr": "Vize ücretlerinde bir değişiklik yapılmadı.",
    "az": "Viza haqlarında heç bir dəyişiklik edilməyib.",
    "en": "Visa fees were not changed.",
}
PEOPLE = {
    "analyst@x.org": "analyst",
    "analyst2@x.org": "analyst",
    "editor@x.org": "editor",
    "editor2@x.org": "editor",
    "lead@x.org": "lead",
    "viewer@x.org": "viewer",
}


def make_world(settings, password: str | None = None) -> tuple[Minbar, dict[str, Actor]]:
    """Committee ``c1`` (names in tr/az) with one member per role (two analysts, two editors),
    committee ``c2`` led by an outsider; actors as the facade builds them from sessions."""
    mb = Minbar(settings=settings)
    system = Actor.system("test")
    mb.add_org(system, "org-tr", "Org TR", "TR")
    mb.add_org(system, "org-az", "Org AZ", "AZ")
    mb.add_committee(
        system, "c1", "Disinformation", names={"tr": "Dezenformasyon", "az": "Dezinformasiya"}
    )
    mb.add_committee(system, "c2", "Other committee")
    for i, (email, role) in enumerate(PEOPLE.items()):
        mb.add_user(system, email, "org-tr" if i % 2 else "org-az", password=password)
        mb.add_member(system, "c1", email, role)
    mb.add_user(system, "outsider@x.org", "org-tr")
    mb.add_member(system, "c2", "outsider@x.org", "lead")
    actors = {}
    for email in [*PEOPLE, "outsider@x.org"]:
        user = mb.user(system, email)
        actor = mb.actor_from_session(user["id"], mb.session_epoch(user["id"]), "10.0.0.1")
        actors[email.split("@")[0]] = actor
    return mb, actors


@pytest.fixture
def world(settings):
    mb, actors = make_world(settings)
    yield mb, actors
    mb.wait_evidence(30)
    mb.close()


def _count(mb: Minbar, table, *where) -> int:
    with mb.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def to_status(mb: Minbar, a: dict, status: str, claim: str = CLAIM) -> int:
    """A new case of ``c1`` brought to ``status`` the legal way."""
    cid = mb.create_case(a["analyst"], "c1", claim)["id"]
    if status == "closed":
        mb.close_case(a["analyst"], cid, "not-checkworthy")
        return cid
    steps = ["in_progress", "in_review", "approved", "published"]
    for step in steps[: steps.index(status) + 1] if status in steps else []:
        if step == "in_progress":
            mb.assign(a["analyst"], cid, "analyst@x.org")
        elif step == "in_review":
            mb.propose_verdict(a["analyst"], cid, "false", SUMMARY)
        elif step == "approved":
            mb.review(a["editor"], cid, True)
        else:
            mb.publish(a["lead"], cid)
    return cid


def test_every_wrong_transition_is_409(world) -> None:
    mb, a = world
    ids = {status: to_status(mb, a, status) for status in wf.STATUSES}
    for status, cid in ids.items():
        assert mb.case(a["viewer"], cid)["status"] == status
    calls = {
        "assign": lambda cid: mb.assign(a["lead"], cid, "analyst2@x.org"),
        "propose": lambda cid: mb.propose_verdict(a["lead"], cid, "mixed", {"en": "Partly."}),
        "approve": lambda cid: mb.review(a["lead"], cid, True),
        "reject": lambda cid: mb.review(a["lead"], cid, False, "no"),
        "publish": lambda cid: mb.publish(a["lead"], cid),
        "close": lambda cid: mb.close_case(a["lead"], cid, "other"),
        "reopen": lambda cid: mb.reopen_case(a["lead"], cid),
    }
    refused = 0
    for action, call in calls.items():
        for status, cid in ids.items():
            if status in wf.TRANSITIONS[action]:
                continue
            with pytest.raises(Conflict):
                call(cid)
            assert mb.case(a["lead"], cid)["status"] == status
            refused += 1
    assert refused == sum(len(wf.STATUSES) - len(m) for m in wf.TRANSITIONS.values())
    for status in ("published", "closed"):
        with pytest.raises(Conflict):
            mb.add_evidence(a["analyst"], ids[status], note="too late")


def test_four_eyes_review_and_rejection_back_to_in_progress(world) -> None:
    mb, a = world
    cid = to_status(mb, a, "in_progress")
    mb.propose_verdict(a["editor"], cid, "misleading", {"en": "Missing context."})
    with pytest.raises(Forbidden, match="four eyes"):
        mb.review(a["editor"], cid, True)
    with pytest.raises(Forbidden):
        mb.review(a["analyst"], cid, True)  # analysts never approve
    assert mb.case(a["editor"], cid)["status"] == "in_review"
    back = mb.review(a["editor2"], cid, False, "Add the ministry's statement.")
    assert back["status"] == "in_progress"
    again = mb.propose_verdict(a["editor"], cid, "misleading", {"en": "Missing context, again."})
    assert again["status"] == "in_review"
    assert mb.review(a["lead"], cid, True)["status"] == "approved"
    detail = mb.case(a["viewer"], cid)
    assert [r["approved"] for r in detail["reviews"]] == [False, True]
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds == ["created", "assigned", "verdict", "rejected", "verdict", "approved"]
    log = mb.audit_log(Actor.system(), action="case.review")
    assert [e["outcome"] for e in log][::-1] == ["denied", "denied", "ok", "ok"]


def test_non_members_get_404_and_viewers_403(world) -> None:
    mb, a = world
    cid = to_status(mb, a, "open")
    with pytest.raises(NotFound):
        mb.case(a["outsider"], cid)
    with pytest.raises(NotFound):
        mb.assign(a["outsider"], cid, "analyst@x.org")
    with pytest.raises(NotFound):
        mb.create_case(a["outsider"], "c1", CLAIM)
    with pytest.raises(NotFound):
        mb.case(a["analyst"], 999_999)
    assert mb.cases(a["outsider"]) == []
    with pytest.raises(NotFound):
        mb.cases(a["outsider"], committee="c1")
    with pytest.raises(Forbidden):
        mb.add_evidence(a["viewer"], cid, note="viewers only read")
    assert [c["id"] for c in mb.cases(a["viewer"], committee="c1")] == [cid]
    with pytest.raises(InvalidInput):  # assignees must be analysts or up in the committee
        mb.assign(a["lead"], cid, "viewer@x.org")


def test_evidence_to_a_private_address_is_kept_with_the_guard_reason(world) -> None:
    mb, a = world
    cid = to_status(mb, a, "in_progress")
    added = mb.add_evidence(a["analyst"], cid, url="http://169.254.169.254/latest", note="cloud")
    assert added["fetch_status"] == "pending"
    with pytest.raises(InvalidInput):
        mb.add_evidence(a["analyst"], cid, url="javascript:alert(1)", note="x")
    assert mb.wait_evidence(30)
    (ev,) = mb.case(a["analyst"], cid)["evidence"]
    assert ev["fetch_status"] == "error" and ev["snapshot"] is None
    assert "169.254.169.254" in ev["fetch_error"]


def test_failures_leave_nothing_half_written(world, monkeypatch) -> None:
    mb, a = world
    cid = to_status(mb, a, "approved")
    events = _count(mb, case_events, case_events.c.case_id == cid)
    from minbar.store import case_articles

    real = case_articles.add_case_factcheck
    calls = []

    def second_language_fails(conn, case_id, **kw):
        calls.append(kw["lang"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(conn, case_id, **kw)

    monkeypatch.setattr(case_articles, "add_case_factcheck", second_language_fails)
    with pytest.raises(RuntimeError):
        mb.publish(a["lead"], cid)
    assert mb.case(a["lead"], cid)["status"] == "approved"
    assert _count(mb, factchecks) == 0 and _count(mb, case_factchecks) == 0
    assert _count(mb, case_events, case_events.c.case_id == cid) == events
    log = mb.audit_log(Actor.system(), action="case.publish")
    assert log[0]["outcome"] == "error"
    monkeypatch.setattr(case_articles, "add_case_factcheck", real)
    assert mb.publish(a["lead"], cid)["status"] == "published"
    assert _count(mb, factchecks) == 3

    def no_matching(*_a, **_k):
        raise RuntimeError("model gone")

    before = _count(mb, cases)
    monkeypatch.setattr(type(mb), "match", no_matching)
    with pytest.raises(RuntimeError):
        mb.create_case(a["analyst"], "c1", "Another claim that will not be stored at all.")
    assert _count(mb, cases) == before


def test_duplicates_suggested_across_languages_not_near_misses(world) -> None:
    mb, a = world
    first = mb.create_case(a["analyst"], "c1", CLAIM)
    assert first["duplicates"] == [] and first["matches"] == []
    same = mb.create_case(a["editor"], "c1", EN_SAME, "en")
    assert [d["case_id"] for d in same["duplicates"]] == [first["id"]]
    near = mb.create_case(
        a["editor"], "c1", "Türkiye'de yabancı öğrencilerin sayısı son beş yılda iki katına çıktı."
    )
    assert near["duplicates"] == []
    closed = mb.close_case(a["editor"], same["id"], "duplicate", duplicate_of=first["id"])
    assert closed["status"] == "closed" and closed["duplicate_of"] == first["id"]
    links = mb.case(a["viewer"], first["id"])["links"]
    assert links == [{"kind": "duplicate", "case_id": same["id"], "linked": links[0]["linked"]}]


def test_notifications_for_assignee_and_reviewers(world) -> None:
    mb, a = world
    cid = to_status(mb, a, "in_progress")
    assert [n["kind"] for n in mb.notifications(a["analyst"])] == ["assigned"]
    mb.propose_verdict(a["analyst"], cid, "true", {"en": "Correct."})
    for who in ("editor", "editor2", "lead"):
        assert [n["kind"] for n in mb.notifications(a[who], unread=True)] == ["review"]
    assert mb.notifications(a["analyst2"]) == []
    mb.review(a["editor"], cid, True)
    assert mb.notifications(a["analyst"], unread=True)[0]["kind"] == "approved"
    assert mb.notifications_read(a["analyst"])["read"] == 2
    assert mb.unread_notifications(a["analyst"]) == 0


def test_tips_rate_limit_honeypot_and_case(world) -> None:
    mb, a = world
    assert mb.submit_tip("bot text here", honeypot="http://spam", client="9.9.9.9")
    assert mb.tips(a["lead"]) == []
    for i in range(5):
        mb.submit_tip(f"Claim number {i} seen on social media", client="1.1.1.1", committee="c1")
    with pytest.raises(RateLimited):
        mb.submit_tip("one tip too many from this address", client="1.1.1.1", committee="c1")
    mb.submit_tip("Another sender, another claim", client="2.2.2.2", committee="c1", lang="en")
    with pytest.raises(InvalidInput):
        mb.submit_tip("short", client="3.3.3.3")
    inbox = mb.tips(a["viewer"])
    assert len(inbox) == 6
    assert mb.tips(a["outsider"]) == []
    case = mb.tip_to_case(a["analyst"], inbox[0]["id"])
    assert case["origin"] == "tip" and case["tip_id"] == inbox[0]["id"]
    with pytest.raises(Conflict):
        mb.tip_to_case(a["analyst"], inbox[0]["id"])
    with pytest.raises(NotFound):
        mb.tip_to_case(a["outsider"], inbox[1]["id"])
    assert len(mb.tips(a["lead"])) == 5
