"""Daily / weekly committee digests: top stories, claims matched to fact-checks, the
committee's alerts and a volume chart, as HTML (the e-mail) and PDF (WeasyPrint), in the
reader's language; Arabic is laid out right to left.

The chart is inline SVG built here (no script, no external asset), which both mail clients and
WeasyPrint render.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from minbar.store import watch_outbound as wout
from minbar.store import watchlists as wstore
from minbar.store.repository import Store
from minbar.watch.i18n import direction, gettext

PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7)}

CSS = """
body { font-family: 'DejaVu Sans', 'Noto Sans', 'Noto Naskh Arabic', sans-serif; font-size: 11pt;
       color: #1b1f24; margin: 1.5em; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em;
  border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 3px 6px;
  border-bottom: 1px solid #eee; text-align: start; vertical-align: top; }
.muted { color: #667; font-size: 9pt; }
"""


def _bar_chart(values: dict[str, int], width: int = 420, bar: int = 18) -> str:
    if not values:
        return ""
    top = max(values.values()) or 1
    rows = sorted(values.items(), key=lambda kv: -kv[1])
    h = bar * len(rows) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img">']
    for i, (k, v) in enumerate(rows):
        y = 4 + i * bar
        w = int((width - 90) * v / top)
        parts.append(
            f'<text x="0" y="{y + bar - 6}" font-size="11">{escape(k)}</text>'
            f'<rect x="40" y="{y + 2}" width="{w}" height="{bar - 5}" fill="#3b6ea8"/>'
            f'<text x="{44 + w}" y="{y + bar - 6}" font-size="11">{v}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def build_digest(
    store: Store,
    committee: int,
    period: str,
    lang: str = "en",
    now: datetime | None = None,
    committee_name: str | None = None,
) -> dict:
    """The digest of the last ``period`` ("day" | "week"): ``{"html", "text", "start", "end",
    "alerts", "stories", "claims"}``."""
    now = now or wstore.utcnow()
    start = now - PERIODS[period]

    def t(msg: str, **kw) -> str:
        return gettext(lang, msg, **kw)

    stories = wout.top_stories(store, start, now)
    claims = wout.new_claim_matches(store, start, now)
    alerts = wstore.list_alerts(store, [committee], since=start, until=now, limit=100)
    volume = wout.volume_by_lang(store, start, now)
    cases = wout.case_activity(store, committee, start, now)
    title = t("Daily digest") if period == "day" else t("Weekly digest")
    name = committee_name or ""
    html = [
        f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}{' — ' + escape(name) if name else ''}</h1>",
        f'<p class="muted">{escape(start.strftime("%Y-%m-%d %H:%M"))} – '
        f"{escape(now.strftime('%Y-%m-%d %H:%M'))} UTC</p>",
        f"<h2>{escape(t('Articles by language'))}</h2>",
        _bar_chart(volume) or f"<p>{escape(t('No articles.'))}</p>",
        f"<h2>{escape(t('Top stories'))}</h2>",
    ]
    text = [title + (f" — {name}" if name else ""), ""]
    if stories:
        html.append(
            f"<table><tr><th>{escape(t('Story'))}</th><th>{escape(t('Articles'))}</th>"
            f"<th>{escape(t('Languages'))}</th></tr>"
        )
        for s in stories:
            html.append(
                f"<tr><td>{escape(s['title'])}</td><td>{s['articles']}</td>"
                f"<td>{escape(', '.join(s['languages']))}</td></tr>"
            )
            text.append(f"* {s['title']} ({s['articles']})")
        html.append("</table>")
    else:
        html.append(f"<p>{escape(t('No stories.'))}</p>")
    html.append(f"<h2>{escape(t('Claims matched to fact-checks'))}</h2>")
    if claims:
        html.append("<table>")
        for c in claims:
            link = escape(c["url"]) if str(c["url"]).startswith(("http://", "https://")) else ""
            html.append(
                f"<tr><td>{escape(c['sentence'])}<br><span class=muted>{escape(c['claim'])} — "
                f'{escape(c["verdict"])}</span></td><td><a href="{link}">{escape(c["lang"] or "")}'
                "</a></td></tr>"
            )
            text.append(f"* {c['sentence']} -> {c['verdict']}")
        html.append("</table>")
    else:
        html.append(f"<p>{escape(t('No new matches.'))}</p>")
    html.append(f"<h2>{escape(t('Case activity'))}</h2>")
    if cases:
        html.append("<table>")
        for c in cases:
            html.append(
                f"<tr><td>#{c['id']}</td><td>{escape(c['claim'])}</td>"
                f"<td>{escape(c['status'])}</td><td>{c['n']}</td></tr>"
            )
            text.append(f"* #{c['id']} {c['claim']} ({c['status']})")
        html.append("</table>")
    else:
        html.append(f"<p>{escape(t('No case activity.'))}</p>")
    html.append(f"<h2>{escape(t('Alerts'))}</h2>")
    if alerts:
        html.append("<table>")
        for a in alerts:
            url = a["url"] or ""
            label = escape(a["title"] or "")
            cell = f'<a href="{escape(url)}">{label}</a>' if url.startswith("http") else label
            html.append(
                f"<tr><td>{cell}</td><td>{escape(a['watchlist'] or '')}</td>"
                f"<td class=muted>{escape(a['reason'])}</td></tr>"
            )
            text.append(f"* {a['title']} {url} ({a['reason']})")
        html.append("</table>")
    else:
        html.append(f"<p>{escape(t('No alerts.'))}</p>")
    html.append("</body></html>")
    return {
        "html": "".join(html),
        "text": "\n".join(text),
        "start": start.isoformat(),
        "end": now.isoformat(),
        "alerts": len(alerts),
        "stories": len(stories),
        "claims": len(claims),
        "cases": len(cases),
    }


def to_pdf(html: str) -> bytes:
    """The digest as PDF (WeasyPrint: pure Python over Pango, which the system provides)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def send_committee_digest(
    store: Store, settings, committee: dict, period: str, now: datetime | None = None
) -> dict:
    """Mail the digest (HTML + text, PDF attached) to every active member, one message per
    language; logged in ``digests``."""
    from email.message import EmailMessage

    from minbar.watch.mail import mail_from, smtp_send

    now = now or wstore.utcnow()
    members = wstore.committee_member_languages(store, committee["id"])
    by_lang: dict[str, list[str]] = {}
    for email, lang in members:
        by_lang.setdefault(lang or "en", []).append(email)
    sent = []
    n_alerts = 0
    for lang, to in sorted(by_lang.items()):
        names = committee.get("names") or {}
        d = build_digest(store, committee["id"], period, lang, now,
                         names.get(lang) or committee["name"])  # fmt: skip
        n_alerts = d["alerts"]
        msg = EmailMessage()
        msg["Subject"] = gettext(lang, "Daily digest" if period == "day" else "Weekly digest")
        msg["From"] = mail_from(settings)
        msg["To"] = ", ".join(to)
        msg["Content-Language"] = lang
        msg.set_content(d["text"])
        msg.add_alternative(d["html"], subtype="html")
        msg.add_attachment(to_pdf(d["html"]), maintype="application", subtype="pdf",
                           filename=f"digest-{period}-{lang}.pdf")  # fmt: skip
        smtp_send(settings, msg)
        sent += to
    start = now - PERIODS[period]
    wout.log_digest(store, {"committee_id": committee["id"], "period": period, "start": start,
                              "end": now, "lang": ",".join(sorted(by_lang)) or "en",
                              "alerts": n_alerts, "sent_to": ",".join(sent)})  # fmt: skip
    return {"sent_to": sent, "languages": sorted(by_lang), "alerts": n_alerts}


def digest_hour() -> int | None:
    """``MINBAR_DIGEST_HOUR`` (0-23, UTC): when the morning digests go out; unset = never
    automatically (``Minbar.send_digest`` still sends one on demand)."""
    import os

    raw = os.environ.get("MINBAR_DIGEST_HOUR", "").strip()
    return int(raw) % 24 if raw.isdigit() else None


def send_due_digests(store: Store, settings, now: datetime | None = None) -> int:
    """Each morning (``MINBAR_DIGEST_HOUR``, UTC) the daily digest, and on Mondays the weekly
    one, go to every committee that has members — once: the ``digests`` log says which period
    was sent. Nothing happens without ``MINBAR_SMTP_URL`` and ``MINBAR_DIGEST_HOUR``."""
    from minbar.watch.mail import smtp_url

    hour = digest_hour()
    if not smtp_url(settings) or hour is None:
        return 0
    now = now or wstore.utcnow()
    mark = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if now < mark:
        mark -= timedelta(days=1)
    sent = 0
    for com in wstore.all_committees(store):
        if not wstore.committee_member_languages(store, com["id"]):
            continue
        periods = ["day"] + (["week"] if mark.weekday() == 0 else [])
        for period in periods:
            last = wout.last_digest(store, com["id"], period)
            if last is not None and last >= mark:
                continue
            send_committee_digest(store, settings, com, period, now=mark)
            sent += 1
    return sent
