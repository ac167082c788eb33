"""Connect sessions: short-lived tokens a browser uses to create or re-authorise connections.

Tokens read ``nango_connect_session_<64 hex>`` (Nango's format); only their SHA-256 is stored. A session is bound
to an end user, optionally to a list of integrations, and, for a reconnect, to one connection.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.errors import GatewayError
from gateway.store.tables import ConnectSession
from gateway.store.types import utcnow

TOKEN_PREFIX = "nango_connect_session_"
TTL = timedelta(minutes=30)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_hex(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_session_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


async def find_session(session: AsyncSession, token: str) -> ConnectSession:
    """The live session for ``token``, or 401 naming what is wrong."""
    if not is_session_token(token) or len(token) != len(TOKEN_PREFIX) + 64:
        raise GatewayError(
            401,
            "invalid_connect_session_token_format",
            "The connect session token is malformed; create one with POST /connect/sessions",
        )
    row = (await session.exec(select(ConnectSession).where(ConnectSession.token_hash == token_digest(token)))).first()
    if row is None or row.expires_at <= utcnow():
        raise GatewayError(
            401,
            "unknown_connect_session_token",
            "The connect session token is unknown or expired; create a new one with POST /connect/sessions",
        )
    return row


def check_allowed(row: ConnectSession, integration_key: str, connection_id: str | None) -> None:
    """403 when the session may not authorise this integration (or, for a reconnect, this connection)."""
    if row.allowed_integrations is not None and integration_key not in row.allowed_integrations:
        raise GatewayError(
            403,
            "integration_not_allowed",
            f"This connect session may not use integration {integration_key!r}; allowed: "
            f"{', '.join(row.allowed_integrations) or 'none'}",
        )
    if row.reconnect_integration is not None:
        wrong_connection = connection_id is not None and connection_id != row.reconnect_connection_id
        if integration_key != row.reconnect_integration or wrong_connection:
            raise GatewayError(
                403,
                "reconnect_mismatch",
                f"This reconnect session only re-authorises connection {row.reconnect_connection_id!r} "
                f"of {row.reconnect_integration!r}",
            )
