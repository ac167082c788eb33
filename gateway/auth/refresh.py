"""Keeping tokens fresh: refresh on use, exactly once per connection however many requests or workers ask.

``fresh_credentials`` returns a connection's credentials, refreshing them first when they expire within the
margin (the smaller of the entry's ``token_expiration_buffer``, 15 minutes by default, and half the token's
lifetime: ``gateway.upstream.expiry``) or when forced. One refresh at a time per
connection: an ``asyncio.Lock`` inside a process, and across processes a lease taken with one conditional UPDATE
(``refresh_lock_until``), which works the same on SQLite and PostgreSQL. A caller that waited re-reads the
connection and reuses what the winner stored. The rotated refresh token is written in the same UPDATE as the new
access token; an answer without a refresh token keeps the old one. JWT, TWO_STEP and APP credentials are re-minted
instead (``gateway.auth.minting``), under the same lease. A provider plugin may replace the refresh grant with
``Provider.refresh_tokens``. Failures are recorded on the connection.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakValueDictionary

import httpx
from sqlalchemy import and_, or_, update

from gateway.auth.minting import MINTERS
from gateway.auth.services import TokenServices
from gateway.auth.tokens import ClientCredentials, TokenError, TokenResult, metadata_from_response, request_token
from gateway.errors import GatewayError
from gateway.metrics import REFRESHES
from gateway.outbox import Event, auth_event
from gateway.provider import CredentialsRejected, Provider, TokenRefresh
from gateway.store.tables import Connection, Integration
from gateway.store.types import utcnow
from gateway.upstream.expiry import needs_refresh, recorded_lifetime, with_lifetime
from gateway.upstream.guarded import ForbiddenHostError
from gateway.upstream.refreshable import can_refresh

LEASE = timedelta(seconds=30)
POLL_SECONDS = 0.05
BACKOFF = timedelta(seconds=30)
EXHAUSTED_AFTER = 4

_local_locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()


async def _load(services: TokenServices, connection_pk: int) -> tuple[Connection, Integration]:
    async with services.sessions() as session:
        row = await session.get(Connection, connection_pk)
        integration = await session.get(Integration, row.integration_id) if row else None
    if row is None or integration is None:
        raise GatewayError(404, "unknown_connection", "The connection was deleted while it was being used")
    return row, integration


async def _take_lease(services: TokenServices, connection_pk: int) -> bool:
    now = utcnow()
    table = Connection.__table__  # type: ignore[attr-defined]
    async with services.engine.begin() as conn:
        result = await conn.execute(
            update(table)
            .where(
                and_(
                    table.c.id == connection_pk,
                    or_(table.c.refresh_lock_until.is_(None), table.c.refresh_lock_until < now),
                )
            )
            .values(refresh_lock_until=now + LEASE)
        )
    return bool(result.rowcount)


async def _finish(
    services: TokenServices, connection_pk: int, values: dict[str, Any], event: Event | None = None
) -> None:
    table = Connection.__table__  # type: ignore[attr-defined]
    async with services.engine.begin() as conn:
        await conn.execute(update(table).where(table.c.id == connection_pk).values(refresh_lock_until=None, **values))
        if event is not None and services.outbox is not None:
            await services.outbox.add_in(conn, event)


def _client_for(services: TokenServices, integration: Integration, credentials: dict[str, Any]) -> ClientCredentials:
    if credentials.get("type") == "OAUTH2_CC":
        return ClientCredentials(str(credentials["client_id"]), str(credentials["client_secret"]))
    override = credentials.get("_client") or {}
    if override.get("client_id") and override.get("client_secret"):
        return ClientCredentials(str(override["client_id"]), str(override["client_secret"]))
    secret = services.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    return ClientCredentials(str(integration.client_id or ""), str(secret.get("client_secret") or ""))


async def _refresh_once(
    services: TokenServices, row: Connection, integration: Integration, credentials: dict[str, Any]
) -> dict[str, Any]:
    """Ask the provider for new tokens and store them; record the failure and raise on error."""
    entry = services.catalog[integration.provider]
    client = _client_for(services, integration, credentials)
    try:
        if credentials["type"] in MINTERS:
            updated, expires_at, metadata = await MINTERS[credentials["type"]](
                services, integration, entry, credentials, row.connection_config
            )
        elif credentials["type"] == "OAUTH2_CC":
            scope = (integration.scopes or "").replace(",", str(entry.get("scope_separator") or " "))
            params = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
            token = await request_token(services.http, entry, client, params, row.connection_config)
        else:
            custom = await _custom_refresh(services, integration.provider, entry, client, credentials, row)
            params = {"grant_type": "refresh_token", "refresh_token": str(credentials["refresh_token"])}
            token = custom or await request_token(
                services.http, entry, client, params, row.connection_config, refresh=True
            )
        if credentials["type"] not in MINTERS:
            updated, expires_at = _merge(credentials, token), token.expires_at
            metadata = metadata_from_response(entry, token.raw, refresh=True)
    except ForbiddenHostError as exc:  # 400 forbidden_host: the catalog points at a host Unigate may not call
        REFRESHES.labels(integration.provider, "failed").inc()
        await _record_failure(services, row, integration, exc.message)
        raise
    except TokenError as exc:
        REFRESHES.labels(integration.provider, "failed").inc()
        await _record_failure(services, row, integration, str(exc))
        status, code = (424, "connection_refresh_failed") if exc.rejected else (502, "refresh_failed")
        raise GatewayError(status, code, f"Refreshing the {integration.provider} token failed: {exc}") from None
    REFRESHES.labels(integration.provider, "ok").inc()
    config = {**row.connection_config, **metadata}
    updated = with_lifetime(updated, expires_at, utcnow())
    await _finish(
        services,
        row.id or 0,
        {
            "credentials": services.vault.seal(Connection, "credentials", updated),
            "expires_at": expires_at,
            "connection_config": config,
            "last_refresh_at": utcnow(),
            "last_refresh_failure_at": None,
            "last_refresh_error": None,
            "refresh_attempts": 0,
            "refresh_exhausted": False,
            "updated_at": utcnow(),
        },
    )
    return updated


async def _custom_refresh(
    services: TokenServices,
    provider_key: str,
    entry: dict[str, Any],
    client: ClientCredentials,
    credentials: dict[str, Any],
    row: Connection,
) -> TokenResult | None:
    """The provider plugin's own refresh (``Provider.refresh_tokens``), or None to use the standard grant."""
    provider = services.providers.get(provider_key)
    if provider is None or type(provider).refresh_tokens is Provider.refresh_tokens:
        return None
    request = TokenRefresh(
        services.http,
        str(entry.get("refresh_url") or entry.get("token_url") or ""),
        client.client_id,
        client.client_secret,
        str(credentials["refresh_token"]),
        dict(row.connection_config),
    )
    try:
        tokens = await provider.refresh_tokens(request)
    except CredentialsRejected as exc:
        raise TokenError(str(exc) or "the provider refused the refresh token", rejected=True) from None
    except ForbiddenHostError:
        raise
    except httpx.HTTPError as exc:
        raise TokenError(f"cannot reach the token endpoint: {type(exc).__name__}", rejected=False) from None
    if tokens is None:
        return None
    return TokenResult(tokens.access_token, tokens.refresh_token, tokens.expires_at, dict(tokens.raw))


def _merge(credentials: dict[str, Any], token: TokenResult) -> dict[str, Any]:
    updated = dict(credentials)
    if credentials["type"] == "OAUTH2_CC":
        updated["token"] = token.access_token
    else:
        updated["access_token"] = token.access_token
        if token.refresh_token:  # a provider that does not rotate keeps the old refresh token valid
            updated["refresh_token"] = token.refresh_token
    updated["raw"] = token.raw
    updated["expires_at"] = token.expires_at.isoformat() if token.expires_at else None
    return {k: v for k, v in updated.items() if v is not None}


async def _record_failure(services: TokenServices, row: Connection, integration: Integration, message: str) -> None:
    """Count the failure and queue the ``auth`` webhook (``operation: refresh, success: false``) with it."""
    now = utcnow()
    last = row.last_refresh_failure_at
    attempts = row.refresh_attempts + (0 if last is not None and last.date() == now.date() else 1)
    await _finish(
        services,
        row.id or 0,
        {
            "last_refresh_failure_at": now,
            "last_refresh_error": message[:500],
            "refresh_attempts": attempts,
            "refresh_exhausted": attempts >= EXHAUSTED_AFTER,
        },
        auth_event(
            "refresh",
            integration.unique_key,
            integration.provider,
            row.connection_id,
            row.credentials_type,
            success=False,
            error={"type": "refresh_token_external_error", "description": message[:500]},
        ),
    )


def _refusal(row: Connection, provider: str, force: bool) -> GatewayError | None:
    if force:
        return None
    if row.refresh_exhausted:
        return GatewayError(
            424,
            "connection_refresh_exhausted",
            f"Refreshing this {provider} connection failed {row.refresh_attempts} times: re-authorise "
            "it, or call with force_refresh=true to try again",
        )
    if row.last_refresh_failure_at is not None and utcnow() - row.last_refresh_failure_at < BACKOFF:
        return GatewayError(
            424,
            "connection_refresh_backoff",
            f"Refreshing this {provider} connection just failed ({row.last_refresh_error}); retry in 30 seconds",
        )
    return None


def _due(row: Connection, entry: dict[str, Any], credentials: dict[str, Any], now: datetime) -> bool:
    return needs_refresh(row.expires_at, entry, recorded_lifetime(credentials), now)


async def fresh_credentials(services: TokenServices, connection_pk: int, *, force: bool = False) -> dict[str, Any]:
    """The connection's credentials, refreshed first if they are due (or ``force``)."""
    started = utcnow()
    row, integration = await _load(services, connection_pk)
    credentials = services.vault.open(Connection, "credentials", row.credentials)
    entry = services.catalog.get(integration.provider, {})
    if not can_refresh(credentials) or not (force or _due(row, entry, credentials, started)):
        return credentials
    lock = _local_locks.setdefault(connection_pk, asyncio.Lock())
    async with lock:
        deadline = started + LEASE * 2
        while not await _take_lease(services, connection_pk):  # another worker is refreshing: wait for it
            if utcnow() > deadline:
                raise GatewayError(503, "refresh_in_progress", "Another worker is refreshing this connection; retry")
            await asyncio.sleep(POLL_SECONDS)
        try:  # decide on a fresh read taken while holding the lease: what another worker stored is seen here
            row, integration = await _load(services, connection_pk)
            credentials = services.vault.open(Connection, "credentials", row.credentials)
            done_by_other = row.last_refresh_at is not None and row.last_refresh_at >= started
            refusal = _refusal(row, integration.provider, force)
            if done_by_other or not (force or _due(row, entry, credentials, utcnow())) or refusal is not None:
                await _finish(services, connection_pk, {})
                if refusal is not None and not done_by_other:
                    raise refusal
                return credentials
        except GatewayError:
            raise
        except Exception:
            await _finish(services, connection_pk, {})
            raise
        return await _refresh_once(services, row, integration, credentials)
