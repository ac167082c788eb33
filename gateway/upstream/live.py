"""Connections as the proxy's hot path needs them: decrypted once, headers prepared, cached in memory.

An entry lives ``UNIGATE_CONNECTION_CACHE_TTL`` seconds at most, and less when its token comes due: the next use
goes through ``fresh_credentials`` (which refreshes under the cross-process lease). Writes made by this process (a
new or re-imported connection, a deletion) invalidate the entry at once and, on PostgreSQL, in the other servers on
the database too (``gateway.store.notify``); on SQLite the other processes see them within the TTL. A 401 from the
provider always reloads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.catalog import Catalog
from gateway.catalog.templates import TemplateError
from gateway.errors import GatewayError
from gateway.metrics import CACHE_HIT, CACHE_MISS, CACHE_STALE
from gateway.store.connections import require_connection
from gateway.store.tables import Integration
from gateway.store.types import utcnow
from gateway.upstream.applied_auth import UpstreamAuth, upstream_auth
from gateway.upstream.expiry import due_at, needs_refresh, recorded_lifetime
from gateway.upstream.oauth1_signing import client_auth
from gateway.upstream.refreshable import can_refresh
from gateway.vault import Vault

Refresh = Callable[[int, bool], Awaitable[dict[str, Any]]]  # (connection pk, force) -> fresh credentials
Publish = Callable[[str | None, str | None], None]  # (integration key, connection id) changed


def _nobody(integration_key: str | None, connection_id: str | None) -> None:
    """No other server to tell (a lone process, or before the composition root wires the notifier)."""


@dataclass
class LiveConnection:
    integration_key: str
    connection_id: str
    provider: str
    entry: dict[str, Any]
    credentials: dict[str, Any]
    connection_config: dict[str, Any]
    expires_at: datetime | None
    auth: UpstreamAuth
    valid_until: float  # monotonic time after which the cache entry is reloaded
    oauth1: Any = None  # authlib ClientAuth signing each call of an OAUTH1 connection

    @property
    def due(self) -> bool:
        """Whether the token must be refreshed before use (it expires within the refresh margin)."""
        return needs_refresh(self.expires_at, self.entry, recorded_lifetime(self.credentials), utcnow())


class LiveConnections:
    """The cache. Loads are single-flight per connection; an entry past its TTL whose token is not due is served
    while one background load replaces it, so a busy connection never stalls on the database."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        vault: Vault,
        refresh: Refresh,
        ttl: float,
    ) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.vault = vault
        self.refresh = refresh
        self.ttl = ttl
        self.publish: Publish = _nobody  # set by the composition root: tells the other servers on the database
        self._cache: dict[tuple[str, str], LiveConnection] = {}
        self._loading: dict[tuple[str, str], asyncio.Task[LiveConnection]] = {}
        self._generation = 0  # bumped by each forget: a load begun before it does not fill the cache
        self._ids: dict[tuple[str, str], tuple[int, float]] = {}  # stored ids for record reads, until a time

    def invalidate(self, integration_key: str | None = None, connection_id: str | None = None) -> None:
        """The stored connection changed (or is gone): forget it here and tell the other servers on the database."""
        self.forget(integration_key, connection_id)
        self.publish(integration_key, connection_id)

    def forget(self, integration_key: str | None = None, connection_id: str | None = None) -> None:
        """Forget one connection, all of an integration, or everything (in this process only)."""
        self._generation += 1
        for store in (self._cache, self._loading, self._ids):
            if integration_key is None:
                store.clear()
                continue
            for key in [k for k in store if k[0] == integration_key and connection_id in (None, k[1])]:
                del store[key]

    async def get(self, integration_key: str, connection_id: str, *, force_refresh: bool = False) -> LiveConnection:
        key = (integration_key, connection_id)
        cached = self._cache.get(key)
        if force_refresh:
            return await self._load(integration_key, connection_id, True)
        if cached is not None:
            if time.monotonic() < cached.valid_until:
                CACHE_HIT.inc()
                return cached
            if not cached.due:
                CACHE_STALE.inc()  # served while a reload runs in the background
                self._start_load(key)
                return cached
        CACHE_MISS.inc()
        return await asyncio.shield(self._start_load(key))

    async def stored_id(self, integration_key: str, connection_id: str) -> int:
        """The connection's database id, for reads of its synced records: held in memory for up to the TTL (and
        forgotten with the connection), never refreshing its credentials."""
        key = (integration_key, connection_id)
        held = self._ids.get(key)
        if held is not None and time.monotonic() < held[1]:
            return held[0]
        generation = self._generation
        async with self.sessions() as session:
            row, _ = await require_connection(session, integration_key, connection_id)
        assert row.id is not None
        if generation == self._generation:
            self._ids[key] = (row.id, time.monotonic() + self.ttl)
        return row.id

    def _start_load(self, key: tuple[str, str]) -> asyncio.Task[LiveConnection]:
        task = self._loading.get(key)
        if task is None:
            task = asyncio.create_task(self._load(key[0], key[1], False))
            self._loading[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: tuple[str, str], task: asyncio.Task[LiveConnection]) -> None:
        if self._loading.get(key) is task:
            del self._loading[key]
        # Retrieving the exception also keeps a failed background reload from being reported as unhandled.
        if not task.cancelled() and isinstance(task.exception(), GatewayError):
            self._cache.pop(key, None)  # deleted, or no longer usable: the next call loads it and answers why

    async def _load(self, integration_key: str, connection_id: str, force_refresh: bool) -> LiveConnection:
        generation = self._generation
        async with self.sessions() as session:
            row, integration = await require_connection(session, integration_key, connection_id)
        assert row.id is not None
        credentials = await self.refresh(row.id, force_refresh)
        async with self.sessions() as session:  # the refresh may have changed expiry and configuration
            row, integration = await require_connection(session, integration_key, connection_id)
        entry = self.catalog.get(integration.provider)
        if entry is None:
            raise GatewayError(
                404, "unknown_provider", f"Provider {integration.provider!r} is no longer in the catalog"
            )
        try:
            auth = upstream_auth(entry, credentials, row.connection_config)
        except (TemplateError, ValueError) as exc:
            raise GatewayError(400, "invalid_connection_config", f"Cannot prepare the provider call: {exc}") from None
        valid_until = time.monotonic() + self.ttl
        due = due_at(row.expires_at, entry, recorded_lifetime(credentials))
        if due is not None and can_refresh(credentials):
            due_in = (due - utcnow()).total_seconds()
            valid_until = min(valid_until, time.monotonic() + max(due_in, 0.0))
        oauth1 = None
        if credentials.get("type") == "OAUTH1":
            secret = self.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
            oauth1 = client_auth(
                entry,
                str(integration.client_id or ""),
                str(secret.get("client_secret") or ""),
                token=str(credentials["oauth_token"]),
                token_secret=str(credentials["oauth_token_secret"]),
            )
        live = LiveConnection(
            integration_key,
            connection_id,
            integration.provider,
            entry,
            credentials,
            dict(row.connection_config),
            row.expires_at,
            auth,
            valid_until,
            oauth1,
        )
        if generation == self._generation:  # else the connection changed while it loaded: serve this call only
            self._cache[(integration_key, connection_id)] = live
        return live
