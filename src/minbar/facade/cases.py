"""Fact-check cases as facade methods: open, assign, evidence, comments, verdict, four-eyes
review, publish (ClaimReview rows the matcher finds at once), seen-again links, notifications.

Every state change is one transaction (the status move, its timeline event and its
notifications) guarded by a conditional UPDATE, wrapped in one audit row (``self.audited``).
Committee objects are invisible to non-members: they get :class:`NotFound`, never 403.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from datetime import UTC, datetime, timedelta

from minbar.auth import Actor
from minbar.auth.permissions import can, require, visible_committees
from minbar.cases import workflow as wf
from minbar.errors import Conflict, Forbidden, InvalidInput, NotFound
from minbar.facade.case_tips import TipsMixin
from minbar.store import case_articles as sql_art
from minbar.store import case_inbox as sql_inbox
from minbar.store import cases as sql
from minbar.store.db import connection, transaction

#: Evidence still "pending" this long after it was added lost its fetch (process died): redo.
STALE_FETCH = timedelta(minutes=10)
WORKERS = ("analyst", "editor", "lead")
REVIEWERS = ("editor", "lead")


def _case_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no case {value!r}") from None


class CasesMixin(TipsMixin):
    """Case methods of :class:`~minbar.facade.Minbar`."""

    _evidence_pool: ThreadPoolExecutor | None = None
    _evidence_futures: list[Future]
    _evidence_lock = threading.Lock()

    # --- reading ---------------------------------------------------------------------------

    def _load_case(self, actor: Actor, case_id, action: str = "committee.read", entry=None) -> dict:
        """The case, checked for ``action`` in its committee (non-member: NotFound); ``entry``
        (an audit entry) gets the committee."""
        cid = _case_id(case_id)
        with connection(self.store.engine) as conn:
            found = sql.get_case(conn, cid)
        if found is None:
            raise NotFound(f"no case {cid}")
        if entry is not None:
            entry.committee_id = found["committee_id"]
        if not can(actor, "committee.read", found["committee_id"]):
            raise NotFound(f"no case {cid}")
        require(actor, action, found["committee_id"])
        return found

    def cases(
        self,
        actor: Actor,
        committee: str | int | None = None,
        status: str | None = None,
        assignee: str | None = None,
        lang: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict]:
        """Cases the actor may see, newest first; ``assignee="me"`` is the actor."""
        if committee not in (None, ""):
            ids: set[int] | None = {self.resolve_committee(actor, committee)["id"]}
        else:
            ids = visible_committees(actor)
        if status:
            wf.check_choice(status, wf.STATUSES, "status")
        if not (1 <= int(limit) <= 1000):
            raise InvalidInput("limit must be 1–1000")
        lang = wf.check_lang(lang, "language")
        assignee_id = None
        with connection(self.store.engine) as conn:
            if assignee:
                assignee_id = actor.user_id if assignee == "me" else self._user_id(conn, assignee)
                if assignee_id is None:
                    return []
            return sql.list_cases(
                conn,
                ids,
                status=status or None,
                assignee_id=assignee_id,
                lang=lang,
                limit=int(limit),
                offset=max(0, int(offset)),
            )

    def case(self, actor: Actor, case_id) -> dict:
        """One case with its timeline, evidence, comments, verdicts, reviews, links and (once
        published) its ClaimReviews."""
        found = self._load_case(actor, case_id)
        cid = found["id"]
        with connection(self.store.engine) as conn:
            found["evidence"] = sql.evidence(conn, cid)
            found["comments"] = sql.comments(conn, cid)
            found["verdicts"] = sql.verdicts(conn, cid)
            found["verdict"] = found["verdicts"][-1] if found["verdicts"] else None
            found["reviews"] = sql.reviews(conn, cid)
            found["events"] = sql.events(conn, cid)
            found["links"] = sql.links(conn, cid)
            found["seen_again"] = [x for x in found["links"] if x["kind"] == "seen"]
            found["factchecks"] = sql_art.case_factcheck_rows(conn, cid)
            found["article"] = (
                sql_art.article_brief(conn, found["article_id"]) if found["article_id"] else None
            )
            found["first_appearance"] = self._first_appearance(conn, found["article_id"])
            stale = sql.stale_evidence(conn, datetime.now(UTC) - STALE_FETCH)
        for evidence_id, url in stale:  # a fetch lost with its process: try again
            self._fetch_later(evidence_id, url)
        return found

    @staticmethod
    def _first_appearance(conn, article_id: int | None) -> dict | None:
        if not article_id:
            return None
        first = sql_art.first_appearance(conn, article_id)
        if first is None:
            return None
        return {"url": first[0], "published": sql.iso(first[1])}

    def _one_per_case(self, matches: list[dict]) -> list[dict]:
        """A published case is one fact-check row per summary language: keep its best row
        (marked with ``case_id``) so one verdict is listed once."""
        with connection(self.store.engine) as conn:
            owner = sql_art.cases_of_factchecks(conn, [m["factcheck_id"] for m in matches])
        out, seen = [], set()
        for m in matches:
            case_id = owner.get(m["factcheck_id"])
            if case_id is not None:
                if case_id in seen:
                    continue
                seen.add(case_id)
                m = {**m, "case_id": case_id}
            out.append(m)
        return out

    @staticmethod
    def _user_id(conn, email: str) -> int | None:
        from minbar.store.accounts import find_user

        found = find_user(conn, email=email)
        return found["id"] if found else None

    # --- opening a case --------------------------------------------------------------------------

    def create_case(
        self,
        actor: Actor,
        committee: str | int,
        claim: str,
        lang: str | None = None,
        article_id: int | None = None,
        *,
        origin: str | None = None,
        quote_id: int | None = None,
        sentence: str | None = None,
        url: str | None = None,
        priority: str = "normal",
        due: str | datetime | None = None,
        tip_id: int | None = None,
        _on_insert=None,
    ) -> dict:
        """Open a case; returns it with ``matches`` (earlier fact-checks of the claim),
        ``duplicates`` (active cases of the committee with the same claim) and the linked
        article's story ``first_appearance``."""
        with self.audited(actor, "case.create") as entry:
            com = self.resolve_committee(actor, committee, "case.work")
            entry.committee_id = com["id"]
            claim = wf.check_claim(claim)
            lang = wf.check_lang(lang)
            url = wf.check_http_url(url)
            priority = wf.check_choice(priority, wf.PRIORITIES, "priority")
            due_at = _parse_due(due)
            article_id = wf.as_id(article_id, "article_id")
            quote_id = wf.as_id(quote_id, "quote_id")
            article = None
            with connection(self.store.engine) as conn:
                if quote_id is not None:
                    quoted = sql_art.quote_article(conn, quote_id)
                    if quoted is None or article_id not in (None, quoted):
                        raise InvalidInput(f"no quote {quote_id} in that article")
                    article_id = quoted
                if article_id is not None:
                    article = sql_art.article_brief(conn, article_id)
                    if article is None:
                        raise InvalidInput(f"no article with id {article_id}")
            if origin is None:
                origin = wf.origin_of(article_id, quote_id, sentence, url, tip_id)
            origin = wf.check_choice(origin, wf.ORIGINS, "origin")
            if lang is None:
                from minbar.text.language import detect_language

                lang = detect_language(claim) or (article or {}).get("lang")
            from minbar.analysis.embeddings import get_embedder
            from minbar.cases import similar

            model = get_embedder()
            vec = model.passages([claim])[0]
            matches = self.match(claim, lang)  # before writing: a failure leaves nothing
            matches = self._one_per_case(matches)
            with transaction(self.store.engine) as conn:
                active = sql.case_vectors(conn, wf.ACTIVE, com["id"])
                briefs = sql.cases_brief(conn, [i for i, _ in active])
                dups = similar.same_claims(
                    model, claim, vec, active, {i: b["claim"] for i, b in briefs.items()}
                )
                new_id = sql.insert_case(
                    conn,
                    committee_id=com["id"],
                    claim=claim,
                    lang=lang,
                    origin=origin,
                    article_id=article_id,
                    quote_id=quote_id,
                    sentence=sentence,
                    origin_url=url,
                    tip_id=tip_id,
                    priority=priority,
                    due=due_at,
                    created_by=actor.user_id,
                    embedding=similar.to_bytes(vec),
                )
                sql.add_event(
                    conn,
                    new_id,
                    actor.user_id,
                    "created",
                    {"origin": origin, "duplicates": [i for i, _ in dups]},
                )
                if _on_insert is not None:
                    _on_insert(conn, new_id, com["id"])
                out = sql.get_case(conn, new_id)
                out["first_appearance"] = self._first_appearance(conn, article_id)
            entry.object = f"case:{new_id}"
        out["matches"] = matches
        out["duplicates"] = [
            {
                "case_id": i,
                "claim": briefs[i]["claim"],
                "status": briefs[i]["status"],
                "score": round(s, 4),
            }
            for i, s in dups
        ]
        return out

    # --- workflow ---------------------------------------------------------------------------

    def _move(
        self,
        actor: Actor,
        case_id,
        audit_action: str,
        permission: str,
        move: str,
        work,
        values: dict | None = None,
        prepare=None,
    ) -> dict:
        """Load and check the case, run ``prepare(case)`` (checks and slow work before any
        write), then move the status and run ``work(conn, case)`` in one transaction."""
        with self.audited(actor, audit_action, object=f"case:{case_id}") as entry:
            found = self._load_case(actor, case_id, permission, entry)
            new = wf.next_status(move, found["status"])
            if prepare is not None:
                prepare(found)
            with transaction(self.store.engine) as conn:
                if not sql.move(conn, found["id"], found["status"], new, **(values or {})):
                    raise Conflict("the case changed meanwhile; reload it")
                work(conn, found)
                return sql.get_case(conn, found["id"])

    def assign(self, actor: Actor, case_id, email: str) -> dict:
        """Assign to a member who may work on cases (analyst and up) → ``in_progress``."""
        values: dict = {}

        def prepare(case):
            with connection(self.store.engine) as conn:
                uid = self._user_id(conn, email) if isinstance(email, str) else None
                role = sql.member_role(conn, case["committee_id"], uid) if uid else None
            if uid is None or role not in WORKERS:
                raise InvalidInput(f"{email!r} is not an analyst, editor or lead of the committee")
            values["assignee_id"] = uid

        def work(conn, case):
            sql.add_event(conn, case["id"], actor.user_id, "assigned", {"assignee": email})
            sql_inbox.notify(conn, [values["assignee_id"]], case["id"], "assigned")

        return self._move(
            actor, case_id, "case.assign", "case.work", "assign", work, values, prepare
        )

    def propose_verdict(self, actor: Actor, case_id, rating: str, summary: dict) -> dict:
        """Propose a verdict (rating + summary per language) → ``in_review``; editors and leads
        other than the author are notified to review it."""
        rating = wf.check_rating(rating)
        summaries = wf.check_summaries(summary)

        def work(conn, case):
            vid = sql.add_verdict(conn, case["id"], rating, summaries, actor.user_id)
            sql.add_event(
                conn,
                case["id"],
                actor.user_id,
                "verdict",
                {"verdict_id": vid, "rating": rating, "langs": sorted(summaries)},
            )
            reviewers = [
                u
                for u in sql.member_ids(conn, case["committee_id"], REVIEWERS)
                if u != actor.user_id
            ]
            sql_inbox.notify(conn, reviewers, case["id"], "review")

        return self._move(actor, case_id, "case.verdict", "case.work", "propose", work)

    def review(self, actor: Actor, case_id, approve: bool, comment: str | None = None) -> dict:
        """Approve (→ ``approved``) or send back (→ ``in_progress``) the proposed verdict.
        The verdict's author may not review it (four eyes): :class:`Forbidden`."""
        if not isinstance(approve, bool):
            raise InvalidInput("approve must be true or false")
        comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
        with self.audited(actor, "case.review", object=f"case:{case_id}") as entry:
            found = self._load_case(actor, case_id, "case.approve", entry)
            new = wf.next_status("approve" if approve else "reject", found["status"])
            with transaction(self.store.engine) as conn:
                verdict = sql.verdicts(conn, found["id"])[-1]
                if verdict["author_id"] is not None and verdict["author_id"] == actor.user_id:
                    raise Forbidden("four eyes: the verdict's author cannot review it")
                if not sql.move(conn, found["id"], found["status"], new):
                    raise Conflict("the case changed meanwhile; reload it")
                sql.add_review(conn, found["id"], verdict["id"], actor.user_id, approve, comment)
                sql.add_event(
                    conn,
                    found["id"],
                    actor.user_id,
                    "approved" if approve else "rejected",
                    {"verdict_id": verdict["id"], "comment": comment},
                )
                sql_inbox.notify(
                    conn,
                    [verdict["author_id"], found["assignee_id"]],
                    found["id"],
                    "approved" if approve else "rejected",
                )
                return sql.get_case(conn, found["id"])

    def publish(self, actor: Actor, case_id) -> dict:
        """Publish the approved verdict: one ClaimReview per summary language, stored as
        fact-check rows with their vectors (``match`` finds them at once, in any language; the
        export feed carries them). Returns the case with its ClaimReviews."""
        from minbar.analysis.embeddings import get_embedder, sparse_to_bytes
        from minbar.cases.claimreview import build_claimreview, localized
        from minbar.store.accounts import find_committee

        base = self.settings.public_url.rstrip("/")
        sparse: list[bytes] = []

        def prepare(case):  # the model's work before any write
            sparse.append(sparse_to_bytes(get_embedder().sparse([case["claim"]])[0]))

        def work(conn, case):
            verdict = sql.verdicts(conn, case["id"])[-1]
            com = find_committee(conn, case["committee_id"])
            first = (
                sql_art.first_appearance(conn, case["article_id"]) if case["article_id"] else None
            )
            seen = []
            if case["article_id"]:
                seen.append(sql_art.article_brief(conn, case["article_id"])["url"])
            if case["origin_url"]:
                seen.append(case["origin_url"])
            seen = list(dict.fromkeys(seen + sql.seen_article_urls(conn, case["id"])))
            now = datetime.now(UTC)
            embedding = sql.case_embedding(conn, case["id"])
            for lang, text in verdict["summary"].items():
                author = localized(com["names"], lang, com["name"])

                def make(fid, lang=lang, text=text, author=author):
                    return build_claimreview(
                        url=f"{base}/factchecks/{fid}",
                        claim=case["claim"],
                        claim_lang=case["lang"],
                        lang=lang,
                        rating=verdict["rating"],
                        summary=text,
                        author=author,
                        org=None,
                        published=now,
                        appearances=seen,
                        first_appearance=first,
                    )

                value = wf.RATING_VALUE.get(verdict["rating"])
                sql_art.add_case_factcheck(
                    conn,
                    case["id"],
                    url_for=lambda fid: f"{base}/factchecks/{fid}",
                    claim=case["claim"],
                    claim_lang=case["lang"],
                    lang=lang,
                    verdict=wf.VERDICT_OF[verdict["rating"]],
                    rating_name=wf.rating_name(verdict["rating"], lang),
                    rating_value=value,
                    best=wf.BEST_RATING if value else None,
                    worst=wf.WORST_RATING if value else None,
                    author=author,
                    published=now,
                    appearances=seen,
                    first_appearance=first[0] if first else None,
                    raw_for=make,
                    embedding=embedding,
                    sparse=sparse[0],
                )
            sql.add_event(
                conn, case["id"], actor.user_id, "published", {"langs": sorted(verdict["summary"])}
            )
            sql_inbox.notify(
                conn, [verdict["author_id"], case["assignee_id"]], case["id"], "published"
            )

        out = self._move(
            actor,
            case_id,
            "case.publish",
            "case.publish",
            "publish",
            work,
            {"published_at": datetime.now(UTC)},
            prepare,
        )
        with connection(self.store.engine) as conn:
            rows = sql_art.case_factcheck_rows(conn, out["id"])
        out["claimreviews"] = [r["claimreview"] for r in rows]
        mine = [r for r in rows if r["lang"] == out["lang"]]
        out["claimreview"] = (mine or rows)[0]["claimreview"] if rows else None
        out["factcheck_ids"] = [r["factcheck_id"] for r in rows]
        return out

    def close_case(
        self, actor: Actor, case_id, reason: str, duplicate_of: int | None = None
    ) -> dict:
        """Close as not check-worthy, duplicate (of ``duplicate_of``, linked) or other."""
        reason = wf.check_choice(reason, wf.CLOSE_REASONS, "reason")
        other = None
        if reason == "duplicate":
            if duplicate_of is None:
                raise InvalidInput("duplicate_of: which case is this one a duplicate of?")
            other = self._load_case(actor, duplicate_of)
            if str(other["id"]) == str(case_id):
                raise InvalidInput("a case cannot be a duplicate of itself")

        def work(conn, case):
            if other is not None:
                sql.link_duplicate(conn, case["id"], other["id"])
            sql.add_event(
                conn,
                case["id"],
                actor.user_id,
                "closed",
                {"reason": reason, "duplicate_of": other["id"] if other else None},
            )

        values = {"close_reason": reason, "duplicate_of": other["id"] if other else None}
        return self._move(actor, case_id, "case.close", "case.work", "close", work, values)

    def reopen_case(self, actor: Actor, case_id) -> dict:
        def work(conn, case):
            sql.add_event(conn, case["id"], actor.user_id, "reopened")

        values = {"close_reason": None, "duplicate_of": None, "assignee_id": None}
        return self._move(actor, case_id, "case.reopen", "case.work", "reopen", work, values)

    # --- evidence and comments -----------------------------------------------------------------

    def comment(self, actor: Actor, case_id, text: str) -> dict:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("the comment is empty")
        if len(text) > 10_000:
            raise InvalidInput("the comment is over 10,000 characters")
        with self.audited(actor, "case.comment", object=f"case:{case_id}") as entry:
            found = self._load_case(actor, case_id, "case.work", entry)
            with transaction(self.store.engine) as conn:
                cid = sql.add_comment(conn, found["id"], actor.user_id, text.strip())
                sql.add_event(conn, found["id"], actor.user_id, "comment", {"comment_id": cid})
                sql.touch(conn, found["id"])
                return [c for c in sql.comments(conn, found["id"]) if c["id"] == cid][0]

    def add_evidence(self, actor: Actor, case_id, url: str | None = None, note: str = "") -> dict:
        """Add evidence (a URL and/or a note). A URL is fetched in the background through the
        SSRF-safe fetcher and its text kept as a snapshot; a refused or unreachable URL stays,
        with ``fetch_status="error"`` and the reason."""
        note = note.strip() if isinstance(note, str) else ""
        url = wf.check_http_url(url)
        if not url and not note:
            raise InvalidInput("give a url, a note, or both")
        if len(note) > 10_000:
            raise InvalidInput("the note is over 10,000 characters")
        with self.audited(actor, "case.evidence", object=f"case:{case_id}") as entry:
            found = self._load_case(actor, case_id, "case.work", entry)
            if found["status"] not in wf.EVIDENCE_OPEN:
                raise Conflict(f"cannot add evidence to a case that is {found['status']}")
            with transaction(self.store.engine) as conn:
                eid = sql.add_evidence(conn, found["id"], url, note, actor.user_id)
                sql.add_event(conn, found["id"], actor.user_id, "evidence", {"evidence_id": eid})
                sql.touch(conn, found["id"])
        if url:
            self._fetch_later(eid, url)
        with connection(self.store.engine) as conn:
            return [e for e in sql.evidence(conn, found["id"]) if e["id"] == eid][0]

    def _fetch_later(self, evidence_id: int, url: str) -> None:
        with self._evidence_lock:
            if self._evidence_pool is None:
                self._evidence_pool = ThreadPoolExecutor(2, thread_name_prefix="evidence")
                self._evidence_futures = []
                self._evidence_ids: dict[Future, int] = {}
            self._evidence_futures = [f for f in self._evidence_futures if not f.done()]
            if evidence_id in {self._evidence_ids.get(f) for f in self._evidence_futures}:
                return  # already being fetched (a re-fetch asked for by a page view)
            future = self._evidence_pool.submit(self._fetch_evidence, evidence_id, url)
            self._evidence_ids = {f: i for f, i in self._evidence_ids.items() if not f.done()}
            self._evidence_ids[future] = evidence_id
            self._evidence_futures.append(future)

    def _fetch_evidence(self, evidence_id: int, url: str) -> None:
        from minbar.cases.evidence import fetch_snapshot

        snap = fetch_snapshot(url, self.settings)
        with transaction(self.store.engine) as conn:
            sql.finish_evidence(conn, evidence_id, snap.status, snap.title, snap.text, snap.error)

    def wait_evidence(self, timeout: float = 60.0) -> bool:
        """Wait for the background evidence fetches started by this process (tests, CLI)."""
        with self._evidence_lock:
            pending = list(getattr(self, "_evidence_futures", []))
        done, not_done = wait_futures(pending, timeout=timeout)
        return not not_done

    # --- seen again and notifications -------------------------------------------------------------

    def link_seen_again(self, article_ids: list[int], vectors=None) -> int:
        """Hook for the enrichment's matching stage: link new articles carrying the claim of an
        open or published case (see :mod:`minbar.cases.seen_again`)."""
        from minbar.cases.seen_again import link_seen_again

        return link_seen_again(self.store, article_ids, vectors=vectors)

    def notifications(self, actor: Actor, unread: bool = False, limit: int = 50) -> list[dict]:
        if actor.user_id is None:
            return []
        with connection(self.store.engine) as conn:
            return sql_inbox.list_notifications(conn, actor.user_id, unread, int(limit))

    def notifications_read(self, actor: Actor, ids: list[int] | None = None) -> dict:
        if actor.user_id is None:
            return {"read": 0}
        with transaction(self.store.engine) as conn:
            return {"read": sql_inbox.mark_read(conn, actor.user_id, ids)}

    def unread_notifications(self, actor: Actor) -> int:
        if actor.user_id is None:
            return 0
        with connection(self.store.engine) as conn:
            return sql_inbox.unread_count(conn, actor.user_id)


def _parse_due(due) -> datetime | None:
    if due is None or isinstance(due, datetime) or not str(due).strip():
        return due or None
    from minbar.facade.engine import parse_date

    return parse_date(due, "due")
