"""What the redirect flows other than OAuth 2 (OAuth 1.0a, GitHub App installs) share with it.

A pending authorisation is an ``OAuthSession`` row found by the SHA-256 of a one-time key (the ``state``, or the
OAuth 1 request token); ``complete_connection`` stores the result and undoes it when ``post_connection`` fails.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlmodel import delete

from gateway.auth.browser import BrowserCall
from gateway.auth.saving import NewConnection, check_config, run_post_connection, save_connection
from gateway.catalog.forms import check_field
from gateway.runtime import Gateway
from gateway.store.tables import Connection, Integration, OAuthSession
from gateway.store.types import utcnow

PENDING_TTL = timedelta(minutes=15)


def state_digest(state: str) -> str:
    """The stored form of a one-time key (the same digest ``oauth_routes`` looks sessions up by)."""
    return hashlib.sha256(state.encode()).hexdigest()


def browser_config(browser: BrowserCall, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The connection_config a browser call asks for: session defaults overlaid by ``params[...]``, checked."""
    config = {**(browser.defaults(key).get("connection_config") or {}), **browser.params}
    config.pop("oauth_scopes_override", None)
    for name, value in config.items():
        spec = (entry.get("connection_config") or {}).get(name)
        if isinstance(spec, dict):
            check_field("connection_config", name, spec, value)
    return config


async def save_pending(
    gateway: Gateway,
    browser: BrowserCall,
    key: str,
    state: str,
    config: dict[str, Any],
    secrets: dict[str, Any],
) -> None:
    """Remember a started authorisation for 15 minutes; ``secrets`` are sealed."""
    async with gateway.sessions() as session:
        session.add(
            OAuthSession(
                state_hash=state_digest(state),
                integration_key=key,
                connection_id=browser.connection_id,
                connection_config=config,
                secrets=gateway.vault.seal(OAuthSession, "secrets", secrets),
                redirect_uri=gateway.settings.oauth_callback_url,
                ws_client_id=browser.ws_client_id,
                connect_session_id=browser.session.id if browser.session else None,
                end_user=browser.end_user,
                tags=browser.tags or {},
                expires_at=utcnow() + PENDING_TTL,
            )
        )
        await session.commit()


async def complete_connection(
    gateway: Gateway,
    integration: Integration,
    entry: dict[str, Any],
    pending: OAuthSession,
    new: NewConnection,
) -> Connection:
    """Store the connection a pending authorisation produced; delete it again if ``post_connection`` fails."""
    new.connection_id = pending.connection_id
    new.end_user = pending.end_user
    new.tags = pending.tags or None
    row, _ = await save_connection(gateway, integration, new)
    try:
        await run_post_connection(gateway, integration, row)
        check_config(entry, row.connection_config)
    except Exception:
        async with gateway.sessions() as session:
            await session.exec(delete(Connection).where(Connection.id == row.id))  # type: ignore[arg-type]
            await session.commit()
        gateway.live.invalidate(integration.unique_key, row.connection_id)
        raise
    return row
