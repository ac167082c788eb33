"""What the redirect flows other than OAuth 2 (OAuth 1.0a, GitHub App installs) share with it.

A pending authorisation is an ``OAuthSession`` row found by the SHA-256 of a one-time key (the ``state``, or the
OAuth 1 request token); ``complete_connection`` stores the result under the write rule the starting call had, and
stores nothing when ``post_connection`` fails.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from gateway.auth.browser import BrowserCall
from gateway.auth.lane import WriteRule
from gateway.auth.saving import NewConnection, check_config, prepare_connection, save_connection
from gateway.auth.services import ConnectionServices
from gateway.store.tables import Connection, Integration, OAuthSession
from gateway.store.types import utcnow

PENDING_TTL = timedelta(minutes=15)
WRITE_RULE = "write_rule"  # kept in the sealed secrets: how the finished flow may store its connection


def state_digest(state: str) -> str:
    """The stored form of a one-time key (the same digest ``oauth_routes`` looks sessions up by)."""
    return hashlib.sha256(state.encode()).hexdigest()


async def save_pending(
    gateway: ConnectionServices,
    browser: BrowserCall,
    key: str,
    state: str,
    config: dict[str, Any],
    secrets: dict[str, Any],
) -> None:
    """Remember a started authorisation for 15 minutes; ``secrets`` and the call's write rule are sealed."""
    async with gateway.sessions() as session:
        session.add(
            OAuthSession(
                state_hash=state_digest(state),
                integration_key=key,
                connection_id=browser.connection_id,
                connection_config=config,
                secrets=gateway.vault.seal(OAuthSession, "secrets", {**secrets, WRITE_RULE: str(browser.rule)}),
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
    gateway: ConnectionServices,
    integration: Integration,
    entry: dict[str, Any],
    pending: OAuthSession,
    new: NewConnection,
) -> Connection:
    """Store the connection a pending authorisation produced, after ``post_connection`` and the entry's checks
    passed; a failure there stores nothing."""
    sealed = gateway.vault.open(OAuthSession, "secrets", pending.secrets)
    new.connection_id = pending.connection_id
    new.end_user = pending.end_user
    new.tags = pending.tags or None
    new.rule = WriteRule(sealed.get(WRITE_RULE) or WriteRule.CREATE)
    await prepare_connection(gateway, integration, new)
    check_config(entry, new.connection_config or {})
    row, _ = await save_connection(gateway, integration, new)
    return row
