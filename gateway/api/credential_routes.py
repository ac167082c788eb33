"""Browser routes for credential modes: API key, Basic, none, and OAuth 2 client credentials.

Each takes the credentials as a JSON body (plus ``connection_id``, ``connect_session_token`` and
``params[...]`` in the query), checks them with the provider, stores the connection and answers
``{"providerConfigKey", "connectionId"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint, NoInput
from gateway.api.responses import Json
from gateway.auth.browser import BrowserCall, authorise_browser_call
from gateway.auth.oauth2 import join_scopes
from gateway.auth.saving import (
    NewConnection,
    check_config,
    prepare_connection,
    require_integration_for,
    save_connection,
)
from gateway.auth.tokens import ClientCredentials, TokenError, request_token
from gateway.auth.verification import verify_credentials
from gateway.credential_models import Secret, single_line
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.tables import Integration


class ApiKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    apiKey: Secret


class BasicBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, StringConstraints(max_length=4096), AfterValidator(single_line)]
    password: Annotated[str, StringConstraints(max_length=65_536), AfterValidator(single_line)] = ""


class ClientCredentialsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    client_id: Secret
    client_secret: Secret


class Created(BaseModel):
    providerConfigKey: str
    connectionId: str


@dataclass
class CredentialFlow:
    """A credential route's request once authorised: who calls, for which integration, with which configuration."""

    gateway: Gateway
    key: str
    browser: BrowserCall
    integration: Integration
    entry: dict[str, Any]
    config: dict[str, Any]

    async def store(self, credentials: dict[str, Any], expires_at: datetime | None) -> Response:
        """Run the provider's post-connection step, save the connection, answer as Nango does."""
        new = NewConnection(
            credentials=credentials,
            expires_at=expires_at,
            connection_id=self.browser.connection_id,
            connection_config=self.config,
            end_user=self.browser.end_user,
            tags=self.browser.tags,
            rule=self.browser.rule,
        )
        await prepare_connection(self.gateway, self.integration, new)
        check_config(self.entry, new.connection_config or {})
        row, _ = await save_connection(self.gateway, self.integration, new)
        return Json({"providerConfigKey": self.key, "connectionId": row.connection_id})


async def begin(call: Call[Any, Any], mode: str) -> CredentialFlow:
    """Authorise a credential route's call and check it targets an integration of ``mode``."""
    gateway: Gateway = call.request.app.state.gateway
    key = call.path["integration"]
    browser = await authorise_browser_call(gateway, call.request, key)
    integration, entry = await require_integration_for(gateway, key)
    if entry.get("auth_mode") != mode:
        raise GatewayError(
            400, "invalid_auth_mode", f"Integration {key!r} uses {entry.get('auth_mode')}; this route is for {mode}"
        )
    config = browser.connection_config(key, entry)
    check_config(entry, config)
    return CredentialFlow(gateway, key, browser, integration, entry, config)


async def _connect(call: Call[Any, Any], mode: str, credentials: dict[str, Any] | None) -> Response:
    flow = await begin(call, mode)
    gateway, integration, entry, config = flow.gateway, flow.integration, flow.entry, flow.config
    expires_at = None
    if credentials is None:  # OAUTH2_CC: the token comes from the provider
        body: ClientCredentialsBody = call.body
        client = ClientCredentials(body.client_id, body.client_secret)
        scope = join_scopes(entry, integration.scopes)
        try:
            token = await request_token(
                gateway.outbound.http,
                entry,
                client,
                {"grant_type": "client_credentials", **({"scope": scope} if scope else {})},
                config,
            )
        except TokenError as exc:
            raise GatewayError(
                400, "connection_test_failed", f"The provider refused the client credentials: {exc}"
            ) from None
        credentials = {
            "type": "OAUTH2_CC",
            "token": token.access_token,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "raw": token.raw,
        }
        if token.expires_at:
            credentials["expires_at"] = token.expires_at.isoformat()
        expires_at = token.expires_at
    elif mode in ("API_KEY", "BASIC"):
        await verify_credentials(gateway, integration, credentials, config)
    return await flow.store(credentials, expires_at)


async def api_key(call: Call[ApiKeyBody, Any]) -> Response:
    return await _connect(call, "API_KEY", {"type": "API_KEY", "apiKey": call.body.apiKey})


async def basic(call: Call[BasicBody, Any]) -> Response:
    return await _connect(
        call, "BASIC", {"type": "BASIC", "username": call.body.username, "password": call.body.password}
    )


async def unauthenticated(call: Call[NoInput, Any]) -> Response:
    return await _connect(call, "NONE", {"type": "NONE"})


async def oauth2_client_credentials(call: Call[ClientCredentialsBody, Any]) -> Response:
    return await _connect(call, "OAUTH2_CC", None)


_QUERY = "Query: connection_id, connect_session_token (or the secret key as Bearer), params[k] for connection_config."
ENDPOINTS = [
    Endpoint(
        "POST",
        "/api-auth/api-key/{integration}",
        api_key,
        "Connect with an API key",
        "auth",
        body=ApiKeyBody,
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description=_QUERY,
    ),
    Endpoint(
        "POST",
        "/api-auth/basic/{integration}",
        basic,
        "Connect with a username and password",
        "auth",
        body=BasicBody,
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description=_QUERY,
    ),
    Endpoint(
        "POST",
        "/auth/unauthenticated/{integration}",
        unauthenticated,
        "Connect to an API without auth",
        "auth",
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description=_QUERY,
    ),
    Endpoint(
        "POST",
        "/oauth2/auth/{integration}",
        oauth2_client_credentials,
        "Connect with OAuth 2 client credentials",
        "auth",
        body=ClientCredentialsBody,
        response=Created,
        public=True,
        errors=(400, 401, 403, 404, 409),
        description=_QUERY,
    ),
]
