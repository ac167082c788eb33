"""Storing a connection once its credentials are known, whichever way they arrived (import, OAuth, API key...).

``save_connection`` stores the row with encrypted credentials (recording the token's lifetime, which sets when
it is due for refresh: ``gateway.upstream.expiry``), creating or replacing it as the flow's
``WriteRule`` allows (``gateway.auth.lane``); then the provider plugin's ``post_connection``
runs with an authenticated client and may add ``connection_config`` values (e.g. Jira's cloud id).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.auth.lane import WriteRule, check_end_user, connection_exists, reconnect_target_gone
from gateway.auth.services import ConnectionServices
from gateway.catalog.forms import FormError, check_connection_config
from gateway.errors import GatewayError, not_found
from gateway.outbox import auth_event
from gateway.provider import Provider, ProviderContext
from gateway.store.conflicts import commit_or_conflict
from gateway.store.connections import find_connection
from gateway.store.integrations import get_integration
from gateway.store.tables import Connection, Integration, SyncState
from gateway.store.types import utcnow
from gateway.upstream.applied_auth import upstream_auth
from gateway.upstream.expiry import with_lifetime

logger = logging.getLogger("unigate.auth")


@dataclass
class NewConnection:
    """What a flow hands over: credentials (stored encrypted) and the connection's plain fields."""

    credentials: dict[str, Any]
    expires_at: datetime | None = None
    connection_id: str | None = None
    connection_config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    end_user: dict[str, Any] | None = None
    tags: dict[str, str] | None = None
    rule: WriteRule = WriteRule.UPSERT


async def require_integration_for(gateway: ConnectionServices, key: str) -> tuple[Integration, dict[str, Any]]:
    async with gateway.sessions() as session:
        integration = await get_integration(session, key)
    if integration is None or integration.provider not in gateway.catalog:
        raise not_found(
            "unknown_provider_config",
            f"No integration {key!r}; create it with POST /integrations (GET /integrations lists them)",
        )
    return integration, gateway.catalog[integration.provider]


def check_config(entry: dict[str, Any], config: dict[str, Any]) -> None:
    try:
        check_connection_config(entry, config)
    except FormError as exc:
        raise GatewayError(400, "invalid_connection_config", str(exc)) from None


async def save_connection(
    gateway: ConnectionServices, integration: Integration, new: NewConnection
) -> tuple[Connection, bool]:
    """Create or replace the connection as ``new.rule`` allows; returns it and whether it was created.

    Refused writes (409 ``connection_already_exists``, 404 ``unknown_connection``, 403 ``end_user_mismatch``)
    change nothing. A create racing another create of the same id is a 409 too (the unique constraint decides).
    """
    assert integration.id is not None
    connection_id = new.connection_id or str(uuid.uuid4())
    async with gateway.sessions() as session:
        found = await find_connection(session, integration.unique_key, connection_id)
        if found is not None and new.rule is WriteRule.CREATE:
            raise connection_exists(connection_id)
        if new.rule is WriteRule.REPLACE:
            if found is None:
                raise reconnect_target_gone(connection_id)
            check_end_user(found[0].end_user_id, new.end_user)
        row = (
            found[0]
            if found
            else Connection(
                connection_id=connection_id, integration_id=integration.id, credentials_type="", credentials=""
            )
        )
        row.credentials_type = str(new.credentials["type"])
        credentials = with_lifetime(new.credentials, new.expires_at, utcnow())  # when it will be due for refresh
        row.credentials = gateway.vault.seal(Connection, "credentials", credentials)
        row.expires_at = new.expires_at
        if new.connection_config is not None or not found:
            row.connection_config = new.connection_config or {}
        if new.metadata is not None or not found:
            row.metadata_ = new.metadata or {}
        if new.end_user is not None:
            row.end_user, row.end_user_id = new.end_user, str(new.end_user.get("id"))
        if new.tags is not None or not found:
            row.tags = new.tags or {}
        row.updated_at = utcnow()
        row.last_refresh_failure_at, row.last_refresh_error, row.refresh_attempts = None, None, 0
        row.refresh_exhausted, row.refresh_lock_until = False, None
        session.add(row)
        if not found:
            await session.flush()  # the new row's id, for its sync states
            _start_syncs(session, gateway, integration.provider, row.id or 0)
        operation = "override" if found else "creation"
        event = auth_event(operation, integration.unique_key, integration.provider, connection_id, row.credentials_type)
        await gateway.outbox.add(session, event)  # sent if, and only if, the connection is stored
        conflict = (
            connection_exists(connection_id)
            if new.rule is WriteRule.CREATE
            else GatewayError(
                409, "duplicate_connection", f"connection_id: {connection_id!r} was created by another request; retry"
            )
        )
        await commit_or_conflict(session, conflict)
    gateway.live.invalidate(integration.unique_key, connection_id)
    return row, not found


def _start_syncs(session: Any, gateway: ConnectionServices, provider: str, connection_pk: int) -> None:
    """A new connection's syncs, due at once, stored with it (servers take them up on their next sweep)."""
    declared = gateway.providers.get(provider)
    for name in declared.syncs if declared is not None else ():
        session.add(SyncState(connection_pk=connection_pk, sync_name=name))


def hook_context(
    gateway: ConnectionServices, integration: Integration, row: Connection, credentials: dict[str, Any]
) -> ProviderContext:
    entry = gateway.catalog[integration.provider]
    auth = upstream_auth(entry, credentials, row.connection_config)
    client = gateway.outbound.client(base_url=auth.base_url, headers=auth.headers, params=auth.query)
    return ProviderContext(
        integration.provider,
        integration.unique_key,
        row.connection_id,
        dict(row.connection_config),
        dict(row.metadata_),
        client,
        catalog_entry=entry,
    )


async def prepare_connection(gateway: ConnectionServices, integration: Integration, new: NewConnection) -> None:
    """Run the provider plugin's ``post_connection`` on a connection about to be stored, keeping the
    ``connection_config`` it adds; a failure there leaves nothing stored. Fixes ``new.connection_id``."""
    new.connection_id = new.connection_id or str(uuid.uuid4())
    provider = gateway.providers.get(integration.provider)
    if provider is None or type(provider).post_connection is Provider.post_connection:
        return
    assert integration.id is not None
    draft = Connection(
        connection_id=new.connection_id,
        integration_id=integration.id,
        credentials_type=str(new.credentials["type"]),
        credentials="",
        connection_config=dict(new.connection_config or {}),
        metadata_=dict(new.metadata or {}),
    )
    ctx = hook_context(gateway, integration, draft, new.credentials)
    try:
        await provider.post_connection(ctx)
    finally:
        await ctx.http.aclose()
    new.connection_config = ctx.connection_config


async def run_pre_connection_deletion(gateway: ConnectionServices, integration: Integration, row: Connection) -> None:
    """Call the provider plugin's ``pre_connection_deletion`` (e.g. remove a webhook) before the row goes."""
    provider = gateway.providers.get(integration.provider)
    if provider is None or type(provider).pre_connection_deletion is Provider.pre_connection_deletion:
        return
    credentials = gateway.vault.open(Connection, "credentials", row.credentials)
    ctx = hook_context(gateway, integration, row, credentials)
    try:
        await provider.pre_connection_deletion(ctx)
    finally:
        await ctx.http.aclose()
