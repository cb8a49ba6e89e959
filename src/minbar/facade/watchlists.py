"""Watchlists, alerts, digests and campaign pickup as facade methods.

Reading a committee's watchlists and alerts needs ``committee.read``; creating and changing them
``watchlist.manage``; a non-member gets 404 (no existence leak). Every state-changing method
runs inside :meth:`audited`.
"""

from __future__ import annotations

from datetime import datetime

from minbar.auth import Actor
from minbar.auth.permissions import require, visible_committees
from minbar.errors import InvalidInput, NotFound
from minbar.store import watch_outbound as wout
from minbar.store import watchlists as wstore


def _since(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    from minbar.text.dates import parse_datetime

    try:
        parsed = parse_datetime(str(value))
    except Exception:
        parsed = None
    if parsed is None:
        raise InvalidInput(f"since: not a date or time: {value!r}")
    return parsed


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be an id") from None


class WatchlistsMixin:
    """Watchlist, alert, digest and campaign methods of :class:`~minbar.facade.Minbar`."""

    # --- watchlists ---------------------------------------------------------------------------

    def create_watchlist(
        self,
        actor: Actor,
        committee,
        name: str,
        kind: str,
        query: str = "",
        langs=None,
        sources=None,
        channels=None,
        params=None,
        threshold=None,
    ) -> dict:
        """A new active watchlist; webhook URLs pass the SSRF guard here and at every send."""
        from minbar.watch.define import channels as check_channels
        from minbar.watch.define import compile_watchlist

        with self.audited(actor, "watchlist.create") as entry:
            com = self.resolve_committee(actor, committee, "watchlist.manage")
            entry.committee_id = com["id"]
            name = (name or "").strip()
            if not name or len(name) > 200:
                raise InvalidInput("name must be 1-200 characters")
            chans = check_channels(channels, self.settings.allow_hosts)
            row = compile_watchlist(self.store, kind, query, langs, sources, params, threshold)
            row.update(committee_id=com["id"], name=name, created_by=actor.user_id)
            wid = wstore.add_watchlist(self.store, row, chans)
            entry.object = f"watchlist:{wid}"
        return self._watchlist(wid)

    def _watchlist(self, wid: int) -> dict:
        found = wstore.list_watchlists(self.store, ids=[wid])
        if not found:
            raise NotFound("watchlist not found")
        return found[0]

    def _visible_watchlist(self, actor: Actor, wid, action: str = "committee.read") -> dict:
        w = self._watchlist(_int(wid, "watchlist"))
        require(actor, action, w["committee_id"])
        return w

    def watchlist(self, actor: Actor, wid) -> dict:
        return self._visible_watchlist(actor, wid)

    def watchlists(self, actor: Actor, committee=None) -> list[dict]:
        """Watchlists of ``committee`` (slug or id), or of every committee the actor sees."""
        if committee not in (None, ""):
            com = self.resolve_committee(actor, committee, "committee.read")
            return wstore.list_watchlists(self.store, [com["id"]])
        return wstore.list_watchlists(self.store, visible_committees(actor))

    def set_watchlist_active(self, actor: Actor, wid, active: bool) -> dict:
        with self.audited(actor, "watchlist.update", object=f"watchlist:{wid}") as entry:
            w = self._visible_watchlist(actor, wid, "watchlist.manage")
            entry.committee_id = w["committee_id"]
            wstore.set_watchlist_active(self.store, w["id"], bool(active))
        return self._watchlist(w["id"])

    def deliveries(self, actor: Actor, watchlist) -> list[dict]:
        """Delivery attempts of a watchlist's channels (status, attempts, last error)."""
        w = self._visible_watchlist(actor, watchlist)
        return wout.list_deliveries(self.store, [w["id"]])

    # --- alerts -------------------------------------------------------------------------------

    def alerts(
        self, actor: Actor, watchlist=None, since=None, unread: bool = False, limit: int = 200
    ) -> list[dict]:
        """``[{"id","watchlist_id","article_id","title","url","lang","reason","created",…}]``,
        newest first."""
        since_dt = _since(since)
        limit = max(1, min(int(limit or 200), 1000))
        if watchlist not in (None, ""):
            w = self._visible_watchlist(actor, watchlist)
            return wstore.list_alerts(
                self.store, watchlist=w["id"], since=since_dt, unread_only=unread, limit=limit
            )
        return wstore.list_alerts(
            self.store, visible_committees(actor), since=since_dt, unread_only=unread, limit=limit
        )

    def mark_read(self, actor: Actor, ids) -> dict:
        """Mark alerts read (for the committee: alerts are a committee's, not a person's)."""
        ids = [_int(i, "alert") for i in (ids or [])]
        with self.audited(actor, "alert.read", object=",".join(map(str, ids))[:200]):
            owners = wstore.alert_committees(self.store, ids)
            for aid in ids:
                if aid not in owners:
                    raise NotFound("alert not found")
                require(actor, "committee.read", owners[aid])
            n = wstore.mark_read(self.store, ids)
        return {"read": n}

    def unread_count(self, actor: Actor) -> int:
        return wstore.unread_count(self.store, visible_committees(actor))

    # --- evaluation and delivery (workers call these) ----------------------------------------

    def evaluate_alerts(self, article_ids=None) -> int:
        """Evaluate watchlists over ``article_ids`` (default: every pending article)."""
        from minbar.watch.evaluate import evaluate_articles, evaluate_pending

        if article_ids is None:
            return evaluate_pending(self.store)
        return evaluate_articles(self.store, list(article_ids))

    def deliver_alerts(self) -> dict:
        """One round of alert delivery (periodic rules, batching, sending, retries)."""
        from minbar.watch.deliver import deliver_due

        return deliver_due(self.store, self.settings)

    # --- digests ------------------------------------------------------------------------------

    def digest(
        self, actor: Actor, committee, period: str = "day", lang: str | None = None, pdf=True
    ) -> dict:
        """The committee's digest of the last day or week: ``{"html","text","pdf",…}`` in the
        actor's language (or ``lang``)."""
        from minbar.watch.digest import PERIODS, build_digest, to_pdf

        if period not in PERIODS:
            raise InvalidInput("period must be day or week")
        com = self.resolve_committee(actor, committee, "committee.read")
        lang = lang or actor.lang or "en"
        names = com.get("names") or {}
        out = build_digest(
            self.store, com["id"], period, lang, committee_name=names.get(lang) or com["name"]
        )
        out["pdf"] = to_pdf(out["html"]) if pdf else None
        return out

    def send_digest(self, actor: Actor, committee, period: str = "day") -> dict:
        """E-mail the digest to every member of the committee, each in their language."""
        from minbar.watch.digest import send_committee_digest

        with self.audited(actor, "digest.send") as entry:
            com = self.resolve_committee(actor, committee, "watchlist.manage")
            entry.committee_id = com["id"]
            return send_committee_digest(self.store, self.settings, com, period)

    # --- campaigns ----------------------------------------------------------------------------

    def add_key_message(
        self, actor: Actor, committee, text: str, lang: str | None = None, campaign: str = ""
    ) -> dict:
        """Register a campaign key message; articles already stored (last 30 days) are
        scanned for it at once, later ones as they are enriched."""
        from datetime import timedelta

        from minbar.watch.campaigns import message_row, rescan

        text = (text or "").strip()
        if not 10 <= len(text) <= 4000:
            raise InvalidInput("text must be 10-4,000 characters")
        if lang not in (None, "", "ar", "tr", "az", "en", "ru"):
            raise InvalidInput("lang must be one of ar, tr, az, en, ru")
        with self.audited(actor, "campaign.message") as entry:
            com = self.resolve_committee(actor, committee, "watchlist.manage")
            entry.committee_id = com["id"]
            row = message_row(text, lang or None)
            row.update(committee_id=com["id"], campaign=(campaign or "").strip()[:200],
                       created_by=actor.user_id)  # fmt: skip
            mid = wout.add_campaign_message(self.store, row)
            entry.object = f"campaign_message:{mid}"
        msg = next(m for m in wout.campaign_messages_of(self.store, [com["id"]]) if m["id"] == mid)
        rescan(self.store, msg, wstore.utcnow() - timedelta(days=30))
        return {"id": mid, "committee_id": com["id"], "campaign": row["campaign"],
                "text": text, "lang": row["lang"]}  # fmt: skip

    def campaign_pickup(self, actor: Actor, committee, campaign: str | None = None) -> list[dict]:
        """Each key message with the articles that carried it: outlet, language, time, band
        (verbatim / paraphrase / translation) and similarity, oldest first, plus per-language
        and per-outlet counts."""
        com = self.resolve_committee(actor, committee, "committee.read")
        msgs = [
            m
            for m in wout.campaign_messages_of(self.store, [com["id"]])
            if campaign in (None, "") or m["campaign"] == campaign
        ]
        picks = wout.pickups(self.store, [m["id"] for m in msgs])
        out = []
        for m in msgs:
            mine = [p for p in picks if p["message_id"] == m["id"]]
            langs: dict[str, int] = {}
            outlets: dict[str, int] = {}
            for p in mine:
                langs[p["lang"] or "?"] = langs.get(p["lang"] or "?", 0) + 1
                outlets[p["source"] or "?"] = outlets.get(p["source"] or "?", 0) + 1
            out.append(
                {
                    "id": m["id"],
                    "campaign": m["campaign"],
                    "text": m["text"],
                    "lang": m["lang"],
                    "created": m["created"],
                    "pickups": mine,
                    "languages": langs,
                    "outlets": outlets,
                }
            )
        return out
