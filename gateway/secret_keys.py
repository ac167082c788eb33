"""Secret keys: the ``Authorization: Bearer`` credential of every server-side API call.

Only SHA-256 digests are stored (``api_keys`` table); keys are random, so a plain digest is enough and lookups
stay cheap. The comparison runs over every known digest with ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from gateway.errors import GatewayError
from gateway.store.tables import ApiKey

RELOAD_INTERVAL_SECONDS = 5.0


def new_secret_key() -> str:
    """A new secret key, a UUIDv4 like Nango's so Nango's SDKs accept it."""
    return str(uuid.uuid4())


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _unauthorized(code: str, message: str) -> GatewayError:
    return GatewayError(401, code, message, headers={"WWW-Authenticate": "Bearer"})


class SecretKeys:
    """The set of accepted secret keys, cached in memory and re-read when an unknown key shows up."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], configured_key: str) -> None:
        self._sessions = sessions
        self._configured = digest(configured_key)
        self._digests: tuple[str, ...] = (self._configured,)
        self._loaded_at = 0.0

    async def load(self) -> None:
        """Record the configured key (named ``default``) and read every stored digest."""
        async with self._sessions() as session:
            stored = (await session.exec(select(ApiKey.key_hash))).all()
            if self._configured not in stored:
                session.add(ApiKey(name="default", key_hash=self._configured))
                await session.commit()
        self._digests = tuple({self._configured, *stored})
        self._loaded_at = time.monotonic()

    async def create(self, name: str) -> str:
        key = new_secret_key()
        async with self._sessions() as session:
            session.add(ApiKey(name=name, key_hash=digest(key)))
            await session.commit()
        self._digests = (*self._digests, digest(key))
        return key

    def _known(self, candidate: str) -> bool:
        found = False
        for known in self._digests:
            found |= hmac.compare_digest(known, candidate)
        return found

    async def authenticate(self, request: Request) -> None:
        header = request.headers.get("authorization")
        if not header:
            raise _unauthorized(
                "missing_auth_header",
                "Authentication failed: send the header 'Authorization: Bearer <secret key>'",
            )
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized("malformed_auth_header", "Authorization header must be 'Bearer <secret key>'")
        candidate = digest(token)
        if self._known(candidate):
            return
        if time.monotonic() - self._loaded_at > RELOAD_INTERVAL_SECONDS:
            await self.load()
            if self._known(candidate):
                return
        raise _unauthorized("invalid_secret_key", "The secret key is not valid; use a key Unigate issued")
