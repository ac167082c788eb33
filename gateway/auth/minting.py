"""Refreshing the credential types Unigate mints itself or from stored secrets: JWT, TWO_STEP and APP.

``refresh.fresh_credentials`` keeps its lease logic and calls ``MINTERS[type]`` instead of a refresh-token grant.
Each minter returns the new credentials, their expiry and ``connection_config`` additions, or raises ``TokenError``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from gateway.auth.app_tokens import mint_installation_token
from gateway.auth.jwt_mode import sign_jwt
from gateway.auth.services import TokenServices
from gateway.auth.tokens import TokenError
from gateway.auth.two_step import refresh as refresh_two_step
from gateway.errors import GatewayError
from gateway.store.tables import Integration
from gateway.upstream.guarded import ForbiddenHostError

Minted = tuple[dict[str, Any], datetime | None, dict[str, Any]]
Minter = Callable[[TokenServices, Integration, dict[str, Any], dict[str, Any], dict[str, Any]], Awaitable[Minted]]


async def _jwt(
    services: TokenServices,
    integration: Integration,
    entry: dict[str, Any],
    stored: dict[str, Any],
    config: dict[str, Any],
) -> Minted:
    token, expires_at = sign_jwt(entry, stored, config)
    return {**stored, "token": token, "expires_at": expires_at.isoformat()}, expires_at, {}


async def _two_step(
    services: TokenServices,
    integration: Integration,
    entry: dict[str, Any],
    stored: dict[str, Any],
    config: dict[str, Any],
) -> Minted:
    result = await refresh_two_step(services.http, entry, stored, config)
    return result.credentials, result.expires_at, result.metadata


async def _app(
    services: TokenServices,
    integration: Integration,
    entry: dict[str, Any],
    stored: dict[str, Any],
    config: dict[str, Any],
) -> Minted:
    try:
        credentials, expires_at = await mint_installation_token(services, integration, entry, config)
    except ForbiddenHostError:
        raise
    except GatewayError as exc:  # e.g. the integration lost its private key: a recorded refresh failure
        raise TokenError(exc.message, rejected=True) from None
    return credentials, expires_at, {}


MINTERS: dict[str, Minter] = {"JWT": _jwt, "TWO_STEP": _two_step, "APP": _app}
