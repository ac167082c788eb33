"""Browser routes for the modes whose token Unigate makes from typed credentials: JWT and TWO_STEP.

The body holds the credential fields the catalog entry declares (``GET /providers/{name}`` lists them). Unigate
signs the JWT, or runs the token exchange, checks the result with the entry's ``proxy.verification`` when it has
one, stores the connection and answers ``{"providerConfigKey", "connectionId"}``; a refusal is 400
``connection_test_failed`` and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from gateway.api.credential_routes import Created, begin
from gateway.api.endpoint import Call, Endpoint
from gateway.auth.fields import credential_fields
from gateway.auth.jwt_mode import jwt_credentials
from gateway.auth.tokens import TokenError
from gateway.auth.two_step import exchange
from gateway.auth.verification import verify_credentials
from gateway.errors import GatewayError
from gateway.runtime import Gateway

_QUERY = "Query: connection_id, connect_session_token (or the secret key as Bearer), params[k] for connection_config."
Made = tuple[dict[str, Any], datetime | None, dict[str, Any]]
Maker = Callable[[Gateway, dict[str, Any], dict[str, str], dict[str, Any]], Awaitable[Made]]


class ModeCredentials(BaseModel):
    """The entry's credential fields, e.g. ``{"client_id": "...", "client_secret": "..."}``."""

    model_config = ConfigDict(extra="allow")


async def _jwt(gateway: Gateway, entry: dict[str, Any], fields: dict[str, str], config: dict[str, Any]) -> Made:
    credentials, expires_at = jwt_credentials(entry, fields, config)
    return credentials, expires_at, {}


async def _two_step(gateway: Gateway, entry: dict[str, Any], fields: dict[str, str], config: dict[str, Any]) -> Made:
    result = await exchange(gateway.outbound.http, entry, fields, config)
    return result.credentials, result.expires_at, result.metadata


async def _connect(call: Call[ModeCredentials, Any], mode: str, make: Maker) -> Response:
    flow = await begin(call, mode)
    body: Mapping[str, Any] = call.body.model_extra or {}
    fields = credential_fields(flow.entry, body, mode)
    try:
        credentials, expires_at, metadata = await make(flow.gateway, flow.entry, fields, flow.config)
    except TokenError as exc:
        raise GatewayError(
            400, "connection_test_failed", f"{flow.integration.provider} refused the credentials: {exc}"
        ) from None
    flow.config.update(metadata)
    await verify_credentials(flow.gateway, flow.integration, credentials, flow.config)
    return await flow.store(credentials, expires_at)


async def jwt_auth(call: Call[ModeCredentials, Any]) -> Response:
    return await _connect(call, "JWT", _jwt)


async def two_step_auth(call: Call[ModeCredentials, Any]) -> Response:
    return await _connect(call, "TWO_STEP", _two_step)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/auth/jwt/{integration}",
        jwt_auth,
        "Connect with credentials Unigate signs a JWT with",
        "auth",
        body=ModeCredentials,
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description="Body: the credential fields of the provider's catalog entry. " + _QUERY,
    ),
    Endpoint(
        "POST",
        "/auth/two-step/{integration}",
        two_step_auth,
        "Connect with credentials exchanged for a token",
        "auth",
        body=ModeCredentials,
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description="Body: the credential fields of the provider's catalog entry. " + _QUERY,
    ),
]
