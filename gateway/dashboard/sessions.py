"""Dashboard sessions: a signed, expiring cookie naming a session id the server keeps (so sign-out revokes it).

The cookie holds ``<id>.<expiry>.<signature>``: a random id, the Unix time it stops working, and an HMAC-SHA256 of
both under a key derived from the instance's secret key. Nothing secret is in it. The ids of open sessions are kept
in this process's memory; signing out (or a restart) forgets them, and a copied cookie then stops working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

COOKIE = "unigate_dashboard"
SIGNIN_COOKIE = "unigate_dashboard_signin"  # binds the sign-in form's CSRF token before a session exists
PATH = "/dashboard"
TTL_SECONDS = 12 * 3600
SIGNIN_TTL_SECONDS = 15 * 60


def derive_key(instance_secret: str) -> bytes:
    """The signing key: the instance secret key never signs anything itself."""
    return hmac.new(instance_secret.encode(), b"unigate-dashboard-sessions-v1", hashlib.sha256).digest()


class Sessions:
    """Open dashboard sessions of this process, and the HMACs binding cookies and form tokens to them."""

    def __init__(self, key: bytes, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self._ttl = ttl
        self._clock = clock
        self._open: dict[str, float] = {}  # session id -> expiry (Unix time)

    def sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature)

    def open(self) -> tuple[str, str]:
        """A new session: its id and the cookie value naming it."""
        now = self._clock()
        self._open = {sid: expiry for sid, expiry in self._open.items() if expiry > now}
        sid, expiry = secrets.token_urlsafe(24), int(now + self._ttl)
        self._open[sid] = expiry
        return sid, f"{sid}.{expiry}.{self.sign('session', f'{sid}.{expiry}')}"

    def find(self, cookie: str | None) -> str | None:
        """The open session a cookie names; None when it is missing, forged, expired or signed out."""
        parts = (cookie or "").split(".")
        if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
            return None
        sid, expiry, signature = parts
        if not self.verify("session", f"{sid}.{expiry}", signature) or int(expiry) <= self._clock():
            return None
        return sid if self._open.get(sid, 0) > self._clock() else None

    def close(self, sid: str) -> None:
        self._open.pop(sid, None)

    def csrf_token(self, sid: str) -> str:
        """The token every POST form of the session carries."""
        return self.sign("csrf", sid)

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return bool(token) and self.verify("csrf", sid, token or "")
