"""SMTP: ``MINBAR_SMTP_URL`` (``smtp://[user:pass@]host:port``, ``?starttls=1``, or
``smtps://``) and ``MINBAR_MAIL_FROM``; shared by alert e-mails and digests."""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit


def smtp_url(settings) -> str | None:
    return getattr(settings, "smtp_url", None) or os.environ.get("MINBAR_SMTP_URL") or None


def mail_from(settings) -> str:
    return getattr(settings, "mail_from", None) or os.environ.get(
        "MINBAR_MAIL_FROM", "minbar@localhost"
    )


def smtp_send(settings, msg: EmailMessage) -> None:
    url = smtp_url(settings)
    if not url:
        raise RuntimeError("MINBAR_SMTP_URL is not set")
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    cls = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with cls(parts.hostname or "localhost", port, timeout=20) as smtp:
        if parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes"):
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(msg)
