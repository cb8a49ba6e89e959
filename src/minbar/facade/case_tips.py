"""The public tip line: anyone may send a claim or a link (no sign-in); tips land in a committee's
inbox and can become cases.

Abuse control without storing addresses: the sender's address is kept only as a keyed hash
(HMAC-SHA256 with the instance's secret key), which the rate limit counts in the database
(:data:`TIP_LIMIT` per :data:`TIP_WINDOW`, shared by every server process). A filled honeypot
field (invisible to people, filled by form bots) is answered like a success and stores nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from minbar.auth import Actor
from minbar.auth.permissions import visible_committees
from minbar.cases import workflow as wf
from minbar.errors import Conflict, InvalidInput, NotFound, RateLimited
from minbar.store import case_inbox as sql_inbox
from minbar.store.db import connection, transaction

TIP_LIMIT = 5
TIP_WINDOW = timedelta(hours=1)
TIP_MIN_CHARS = 10
TIP_MAX_CHARS = 5000
TIP_STATUSES = ("new", "case", "dismissed")


class TipsMixin:
    """Tip methods of :class:`~minbar.facade.Minbar` (a base of ``CasesMixin``)."""

    def tip_committees(self) -> list[dict]:
        """Committees a tip may be addressed to (public: id, slug, names)."""
        with connection(self.store.engine) as conn:
            return sql_inbox.committee_list(conn)

    def _client_hash(self, client: str | None) -> str:
        key = self.secret_key
        return hmac.new(key, (client or "unknown").encode(), hashlib.sha256).hexdigest()

    def submit_tip(
        self,
        text: str,
        url: str | None = None,
        lang: str | None = None,
        client: str | None = None,
        committee: str | int | None = None,
        honeypot: str | None = None,
    ) -> dict:
        """Store a tip; :class:`RateLimited` past ``TIP_LIMIT`` tips per hour from one client."""
        sender = Actor(user_id=None, email="anonymous", name="anonymous", client=client)
        with self.audited(sender, "tip.submit") as entry:
            if honeypot:
                entry.object = "honeypot"
                return {"received": True}
            if not isinstance(text, str) or len(text.strip()) < TIP_MIN_CHARS:
                raise InvalidInput(f"describe the claim in at least {TIP_MIN_CHARS} characters")
            text = text.strip()
            if len(text) > TIP_MAX_CHARS:
                raise InvalidInput(f"the tip is over {TIP_MAX_CHARS} characters")
            url = wf.check_http_url(url)
            lang = wf.check_lang(lang)
            committee_id = None
            if committee not in (None, ""):
                known = {str(c["id"]): c["id"] for c in self.tip_committees()}
                known.update({c["slug"]: c["id"] for c in self.tip_committees()})
                if str(committee) not in known:
                    raise InvalidInput(f"unknown committee {committee!r}")
                committee_id = known[str(committee)]
            entry.committee_id = committee_id
            digest = self._client_hash(client)
            with transaction(self.store.engine) as conn:
                since = datetime.now(UTC) - TIP_WINDOW
                if sql_inbox.count_tips_since(conn, digest, since) >= TIP_LIMIT:
                    raise RateLimited("too many tips from this address; try again in an hour")
                tip_id = sql_inbox.add_tip(conn, text, url, lang, digest, committee_id)
            entry.object = f"tip:{tip_id}"
        return {"received": True}

    def tips(
        self, actor: Actor, committee: str | int | None = None, status: str | None = "new"
    ) -> list[dict]:
        """The tip inbox: tips addressed to the actor's committees (admins: every tip,
        unaddressed ones too)."""
        if status:
            wf.check_choice(status, TIP_STATUSES, "status")
        if committee not in (None, ""):
            ids: set[int] | None = {self.resolve_committee(actor, committee)["id"]}
        else:
            ids = visible_committees(actor)
        with connection(self.store.engine) as conn:
            return sql_inbox.list_tips(conn, ids, status or None, 200)

    def _tip_for(self, actor: Actor, tip_id) -> dict:
        try:
            tip_id = int(tip_id)
        except (TypeError, ValueError):
            raise NotFound(f"no tip {tip_id!r}") from None
        with connection(self.store.engine) as conn:
            tip = sql_inbox.get_tip(conn, tip_id)
        mine = visible_committees(actor)
        if tip is None or (mine is not None and tip["committee_id"] not in mine):
            raise NotFound(f"no tip {tip_id}")
        return tip

    def tip_to_case(
        self, actor: Actor, tip_id, committee: str | int | None = None, claim: str | None = None
    ) -> dict:
        """Open a case from a tip (in its committee, or ``committee`` for an unaddressed one);
        the tip and the new case are linked in one transaction."""
        tip = self._tip_for(actor, tip_id)
        if tip["status"] != "new":
            raise Conflict(f"tip {tip['id']} is already {tip['status']}")
        target = committee if committee not in (None, "") else tip["committee_id"]
        if target is None:
            raise InvalidInput("committee: the tip is addressed to no committee; choose one")

        def link(conn, case_id, committee_id):
            if not sql_inbox.tip_to_case(conn, tip["id"], case_id, committee_id):
                raise Conflict(f"tip {tip['id']} was handled meanwhile")

        return self.create_case(
            actor,
            target,
            claim or tip["text"][: wf.MAX_CLAIM_CHARS],
            tip["lang"],
            origin="tip",
            url=tip["url"],
            tip_id=tip["id"],
            _on_insert=link,
        )

    def dismiss_tip(self, actor: Actor, tip_id) -> dict:
        from minbar.auth.permissions import require

        with self.audited(actor, "tip.dismiss", object=f"tip:{tip_id}") as entry:
            tip = self._tip_for(actor, tip_id)
            entry.committee_id = tip["committee_id"]
            if tip["committee_id"] is not None:
                require(actor, "case.work", tip["committee_id"])
            else:
                require(actor, "platform.admin")
            with transaction(self.store.engine) as conn:
                sql_inbox.set_tip_status(conn, tip["id"], "dismissed")
        return {**tip, "status": "dismissed"}
