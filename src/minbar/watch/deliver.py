"""Alert delivery: webhooks and e-mail, batched, retried with back-off, nothing lost.

:func:`deliver_due` is one periodic job (the embedded scheduler or a worker calls it every few
seconds; any number of processes may run it at once):

1. periodic rules (story velocity, source silence) are evaluated;
2. each webhook/e-mail channel's alerts that are in no delivery yet are put in one (webhook:
   at once; e-mail: once the oldest waited ``MINBAR_MAIL_BATCH_SECONDS``, default 30 s, so one
   message carries a burst). ``delivery_alerts``' key (channel, alert) guarantees an alert is
   in at most one delivery per channel, even with concurrent workers;
3. due deliveries are leased (``locked_until``; a dead worker's lease runs out) and sent. A
   failure is retried after 30 s, then 60 s, 120 s … capped at one hour; after ``MAX_ATTEMPTS``
   (about a day) the delivery is marked ``failed`` and stays listed with its last error.

A webhook is a ``POST`` of ``{"watchlist": {"id", "name"}, "alerts": [...]}`` signed with
``X-Minbar-Signature: sha256=<hex HMAC-SHA256 of the raw body, key = secret>``; the delivery's
``Idempotency-Key`` header is the same on every attempt, so a receiver that saw a message drops
its repeat. Its URL passes the SSRF guard at every send (DNS may have changed since creation),
and the connection is pinned to the addresses that were checked. Redirects are not followed.

E-mail goes through ``MINBAR_SMTP_URL`` (``smtp://[user:pass@]host:port``, ``?starttls=1``, or
``smtps://``) from ``MINBAR_MAIL_FROM``, as text + HTML, in each recipient's UI language
(recipients who are minbar users get theirs; others English).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape

from minbar.store import watch_outbound as wout
from minbar.store import watchlists as wstore
from minbar.store.repository import Store
from minbar.watch.i18n import direction, gettext
from minbar.watch.mail import mail_from, smtp_send

RETRY_BASE = 30.0
RETRY_MAX = 3600.0
MAX_ATTEMPTS = 30
LEASE = timedelta(seconds=120)
WEBHOOK_TIMEOUT = 10.0
BATCH_LIMIT = 100
PUBLIC_KEYS = ("id", "watchlist_id", "article_id", "title", "url", "lang", "reason", "created")


def public_alert(a: dict) -> dict:
    """An alert as the API and webhooks show it."""
    return {k: a.get(k) for k in PUBLIC_KEYS}


def backoff(attempts: int) -> float:
    """Seconds before retry number ``attempts`` (1 = the first retry: within 60 s)."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


def mail_batch_seconds() -> float:
    return min(float(os.environ.get("MINBAR_MAIL_BATCH_SECONDS", "30")), 60.0)


def deliver_due(store: Store, settings, now: datetime | None = None) -> dict:
    """One round of the delivery job; returns counts (periodic alerts, queued, sent, retrying,
    failed)."""
    from minbar.watch.periodic import evaluate_periodic

    now = now or wstore.utcnow()
    out = {"periodic_alerts": evaluate_periodic(store, now), "queued": enqueue(store, now)}
    out.update(send_due(store, settings, now))
    try:  # a digest that cannot go out must not hold up alerts; it is tried again next round
        from minbar.watch.digest import send_due_digests

        out["digests"] = send_due_digests(store, settings, now)
    except Exception as exc:  # noqa: BLE001
        import logging

        logging.getLogger(__name__).warning("digests not sent: %s", exc)
        out["digests"] = 0
    return out


def enqueue(store: Store, now: datetime) -> int:
    """Put each channel's undelivered alerts into deliveries; returns how many were made."""
    made = 0
    window = timedelta(seconds=mail_batch_seconds())
    for ch in wout.channels_with_backlog(store):
        if ch["type"] == "email" and now - ch["oldest"] < window and ch["n"] < BATCH_LIMIT:
            continue
        while True:
            ids = wout.undelivered_alert_ids(store, ch, limit=BATCH_LIMIT)
            if not ids:
                break
            key = hashlib.sha256(f"{ch['id']}:{','.join(map(str, ids))}".encode()).hexdigest()
            if wout.create_delivery(store, ch["id"], ids, key[:40], now) is None:
                break
            made += 1
    return made


def send_due(store: Store, settings, now: datetime) -> dict:
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for d in wout.claim_due(store, now, LEASE):
        alerts = [public_alert(a) for a in wstore.list_alerts(store, ids=d["alert_ids"])]
        alerts.sort(key=lambda a: a["id"])
        try:
            if d["type"] == "webhook":
                send_webhook(d, alerts, settings)
            else:
                send_email(store, d, alerts, settings)
        except Exception as exc:  # any failure is recorded and retried, never lost
            attempts = d["attempts"] + 1
            give_up = attempts >= MAX_ATTEMPTS
            nxt = max(now, wstore.utcnow()) + timedelta(seconds=backoff(attempts))
            err = f"{type(exc).__name__}: {exc}"
            wout.finish_delivery(store, d["id"], False, err, nxt, give_up)
            counts["failed" if give_up else "retrying"] += 1
        else:
            wout.finish_delivery(store, d["id"], True, None, None, False)
            counts["sent"] += 1
    return counts


# --- webhook -------------------------------------------------------------------------------


def webhook_body(d: dict, alerts: list[dict]) -> bytes:
    payload = {
        "watchlist": {"id": d["watchlist_id"], "name": d["watchlist_name"]},
        "alerts": alerts,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookError(Exception):
    pass


def send_webhook(d: dict, alerts: list[dict], settings) -> None:
    import httpx

    from minbar.ingest.errors import IngestError
    from minbar.ingest.safety import FetchPolicy, _build_client, _PinnedBackend, check_url

    url = d["url"]
    try:
        ips = check_url(url, FetchPolicy(allow_hosts=frozenset(settings.allow_hosts or ())))
    except IngestError as exc:
        raise WebhookError(f"refused by the SSRF guard: {exc}") from None
    body = webhook_body(d, alerts)
    backend = _PinnedBackend()
    backend.pin(httpx.URL(url).raw_host.decode("ascii"), ips)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "minbar-webhook/1",
        "X-Minbar-Signature": sign(d["secret"] or "", body),
        "Idempotency-Key": d["idempotency_key"],
        "X-Minbar-Delivery": str(d["id"]),
    }
    with _build_client(backend) as client:
        resp = client.post(url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT)
    if not 200 <= resp.status_code < 300:
        raise WebhookError(f"HTTP {resp.status_code}")


# --- e-mail --------------------------------------------------------------------------------


def alert_email(lang: str, watchlist: str, alerts: list[dict]) -> tuple[str, str, str]:
    """(subject, text, html) of an alert e-mail in ``lang``."""
    n = len(alerts)
    subject = gettext(lang, "minbar: new alerts for “%(name)s” (%(n)s)", n=n, name=watchlist)
    intro = gettext(lang, "New alerts for the watchlist “%(name)s”:", name=watchlist)
    lines = [intro, ""]
    items = []
    for a in alerts:
        title = a["title"] or gettext(lang, "(no title)")
        lines.append(f"- {title}\n  {a['url'] or ''}\n  {a['reason']}")
        link = (
            f'<a href="{escape(a["url"])}">{escape(title)}</a>'
            if (a["url"] or "").startswith(("http://", "https://"))
            else escape(title)
        )
        items.append(f"<li>{link}<br><small>{escape(a['reason'])}</small></li>")
    footer = gettext(lang, "You receive this because a committee watchlist sends to this address.")
    text = "\n".join([*lines, "", footer])
    html = (
        f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><body>'
        f"<p>{escape(intro)}</p><ul>{''.join(items)}</ul><p><small>{escape(footer)}</small></p>"
        "</body></html>"
    )
    return subject, text, html


def send_email(store: Store, d: dict, alerts: list[dict], settings) -> None:
    rcpts = [a.strip() for a in (d["to"] or "").split(",") if a.strip()]
    langs = wstore.user_languages(store, rcpts)
    groups: dict[str, list[str]] = {}
    for r in rcpts:
        groups.setdefault(langs.get(r.lower(), "en"), []).append(r)
    for lang, to in sorted(groups.items()):
        subject, text, html = alert_email(lang, d["watchlist_name"], alerts)
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = mail_from(settings)
        msg["To"] = ", ".join(to)
        msg["Message-ID"] = make_msgid(idstring=f"{d['idempotency_key'][:16]}.{lang}")
        msg["X-Minbar-Delivery"] = d["idempotency_key"]
        msg["Content-Language"] = lang
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        smtp_send(settings, msg)
