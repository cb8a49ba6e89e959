"""Signed session cookies and CSRF tokens.

The session is a cookie signed with the facade's ``secret_key`` (itsdangerous): user id, the
user's ``session_epoch`` at sign-in, a random session id and the sign-in time. Nothing is stored on
the server; a session ends when

* it has been idle longer than ``IDLE_SECONDS`` (the signature's timestamp is the last activity:
  the cookie is re-signed at most every ``REFRESH_SECONDS``),
* it is older than ``ABSOLUTE_SECONDS`` since sign-in, or
* the user's ``session_epoch`` changed (password change, deactivation): the facade refuses it.

The CSRF token is an HMAC of the session id (or, for a visitor without a session, of a random
``minbar_anon`` cookie), so it needs no server state either and changes with every sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SESSION_COOKIE = "minbar_session"
ANON_COOKIE = "minbar_anon"
LANG_COOKIE = "minbar_lang"
IDLE_SECONDS = 8 * 3600
ABSOLUTE_SECONDS = 7 * 24 * 3600
REFRESH_SECONDS = 300

#: The one answer to a cookie-authenticated state change without its CSRF token (403).
CSRF_DETAIL = "missing or wrong CSRF token"


def secure_cookies() -> bool:
    return os.environ.get("MINBAR_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Session:
    user_id: int
    epoch: int
    sid: str
    issued: float  # sign-in time (absolute expiry)
    signed: float  # last re-signing (idle expiry)


class SessionCodec:
    """Signs and reads session cookies and derives CSRF tokens from one secret key."""

    def __init__(self, secret_key: bytes) -> None:
        self._key = secret_key
        self._serializer = URLSafeTimedSerializer(secret_key, salt="minbar-session")

    def issue(self, user_id: int, epoch: int, *, sid: str | None = None, issued=None) -> str:
        payload = {
            "u": int(user_id),
            "e": int(epoch),
            "s": sid or secrets.token_urlsafe(18),
            "i": int(issued if issued is not None else time.time()),
        }
        return self._serializer.dumps(payload)

    def read(self, cookie: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, forged or expired."""
        if not cookie or len(cookie) > 4096:
            return None
        try:
            payload, signed_at = self._serializer.loads(
                cookie, max_age=IDLE_SECONDS, return_timestamp=True
            )
        except (BadSignature, SignatureExpired, ValueError, TypeError):
            return None
        try:
            session = Session(
                user_id=int(payload["u"]),
                epoch=int(payload["e"]),
                sid=str(payload["s"]),
                issued=float(payload["i"]),
                signed=signed_at.timestamp(),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if time.time() - session.issued > ABSOLUTE_SECONDS:
            return None
        return session

    def refreshed(self, session: Session) -> str | None:
        """A re-signed cookie when the current one is old enough to slide the idle window."""
        if time.time() - session.signed < REFRESH_SECONDS:
            return None
        return self.issue(session.user_id, session.epoch, sid=session.sid, issued=session.issued)

    def csrf_token(self, binding: str) -> str:
        mac = hmac.new(self._key, b"minbar-csrf|" + binding.encode(), hashlib.sha256)
        return mac.hexdigest()

    def csrf_ok(self, binding: str | None, token: str | None) -> bool:
        if not binding or not token or len(token) > 200:
            return False
        return hmac.compare_digest(self.csrf_token(binding), token)


def new_anon_id() -> str:
    return secrets.token_urlsafe(18)
