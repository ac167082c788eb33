"""Dashboard sessions: a signed, expiring cookie naming a session id the server keeps (so sign-out revokes it).

The cookie holds ``<id>.<expiry>.<signature>``: a random id, the Unix time it stops working, and an HMAC-SHA256 of
both under a key derived from the instance's secret key. Nothing secret is in it. Open sessions are rows of
``dashboard_sessions`` (by a SHA-256 digest of the id), so every server and worker on the database accepts the
cookie, a restart keeps it, and signing out on any of them ends it everywhere: a copied cookie then stops working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.store.tables import DashboardSession

COOKIE = "unigate_dashboard"
SIGNIN_COOKIE = "unigate_dashboard_signin"  # binds the sign-in form's CSRF token before a session exists
PATH = "/dashboard"
TTL_SECONDS = 12 * 3600
SIGNIN_TTL_SECONDS = 15 * 60


def derive_key(instance_secret: str) -> bytes:
    """The signing key: the instance secret key never signs anything itself."""
    return hmac.new(instance_secret.encode(), b"unigate-dashboard-sessions-v1", hashlib.sha256).digest()


TABLE = DashboardSession.__table__  # type: ignore[attr-defined]


class Sessions:
    """Open dashboard sessions (in the database), and the HMACs binding cookies and form tokens to them."""

    def __init__(
        self, key: bytes, engine: AsyncEngine, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self._key = key
        self._engine = engine
        self._ttl = ttl
        self._clock = clock

    def sign(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature)

    async def open(self) -> tuple[str, str]:
        """A new session: its id and the cookie value naming it (expired sessions are cleared on the way)."""
        now = self._clock()
        sid, expiry = secrets.token_urlsafe(24), int(now + self._ttl)
        async with self._engine.begin() as conn:
            await conn.execute(delete(TABLE).where(TABLE.c.expires_at <= _moment(now)))
            await conn.execute(
                TABLE.insert().values(id_hash=_digest(sid), expires_at=_moment(expiry), created_at=_moment(now))
            )
        return sid, f"{sid}.{expiry}.{self.sign('session', f'{sid}.{expiry}')}"

    async def find(self, cookie: str | None) -> str | None:
        """The open session a cookie names; None when it is missing, forged, expired or signed out."""
        parts = (cookie or "").split(".")
        if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
            return None
        sid, expiry, signature = parts
        if not self.verify("session", f"{sid}.{expiry}", signature) or int(expiry) <= self._clock():
            return None
        query = select(TABLE.c.expires_at).where(TABLE.c.id_hash == _digest(sid))
        async with self._engine.connect() as conn:
            until = (await conn.execute(query)).scalar_one_or_none()
        return sid if until is not None and until > _moment(self._clock()) else None

    async def close(self, sid: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(TABLE).where(TABLE.c.id_hash == _digest(sid)))

    def csrf_token(self, sid: str) -> str:
        """The token every POST form of the session carries."""
        return self.sign("csrf", sid)

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return bool(token) and self.verify("csrf", sid, token or "")


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _moment(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, UTC)
