"""``GET /oauth/connect/{integration}`` sends the browser to the provider; ``GET /oauth/callback`` finishes.

Both answer a small HTML page on failure (status 4xx) that reports the error to the opener, as Nango's do.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlmodel import delete, select
from starlette.responses import RedirectResponse, Response

from gateway.api.endpoint import Call, Endpoint
from gateway.auth.browser import authorise_browser_call
from gateway.auth.callback_page import error_page, success_page
from gateway.auth.github_app import finish_app_install, start_app_install
from gateway.auth.oauth1 import callback_state, finish_oauth1, start_oauth1
from gateway.auth.oauth2 import authorization_url, join_scopes, new_code_verifier
from gateway.auth.pending import complete_connection, save_pending, state_digest
from gateway.auth.saving import (
    NewConnection,
    require_integration_for,
)
from gateway.auth.tokens import ClientCredentials, TokenError, metadata_from_response, request_token
from gateway.auth.websocket import error_message, success_message
from gateway.catalog.forms import FormError
from gateway.catalog.templates import TemplateError
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.tables import Integration, OAuthSession
from gateway.store.types import utcnow

CODE_FLOW_MODES = ("OAUTH2", "MCP_OAUTH2", "MCP_OAUTH2_GENERIC", "CUSTOM")
OTHER_FLOWS = {"OAUTH1": (start_oauth1, finish_oauth1), "APP": (start_app_install, finish_app_install)}


def client_credentials(gateway: Gateway, integration: Integration, overrides: dict[str, str]) -> ClientCredentials:
    """The OAuth client: the connection's override when given, else the integration's."""
    if overrides.get("client_id") and overrides.get("client_secret"):
        return ClientCredentials(overrides["client_id"], overrides["client_secret"])
    secret = gateway.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    if not integration.client_id or not secret.get("client_secret"):
        raise GatewayError(
            400,
            "missing_client_credentials",
            f"Integration {integration.unique_key!r} has no OAuth client id and secret; set them with "
            f"PATCH /integrations/{integration.unique_key}",
        )
    return ClientCredentials(integration.client_id, str(secret["client_secret"]))


async def oauth_connect(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    key = call.path["integration"]
    try:
        browser = await authorise_browser_call(gateway, call.request, key)
        integration, entry = await require_integration_for(gateway, key)
        if entry.get("auth_mode") in OTHER_FLOWS:
            return await OTHER_FLOWS[str(entry["auth_mode"])][0](gateway, browser, key, integration, entry)
        if entry.get("auth_mode") not in CODE_FLOW_MODES:
            raise GatewayError(
                400,
                "invalid_auth_mode",
                f"Integration {key!r} uses {entry.get('auth_mode')}, not an OAuth 2 flow; use its route",
            )
        overrides = {
            "client_id": browser.credentials.get("oauth_client_id_override", ""),
            "client_secret": browser.credentials.get("oauth_client_secret_override", ""),
        }
        client = client_credentials(gateway, integration, overrides)
        defaults = browser.defaults(key)
        config = browser.connection_config(key, entry)
        verifier = None if entry.get("disable_pkce") else new_code_verifier()
        state = secrets.token_urlsafe(32)
        redirect_uri = gateway.settings.oauth_callback_url
        scopes_override = (defaults.get("connection_config") or {}).get("oauth_scopes_override")
        url = authorization_url(
            entry,
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            state=state,
            scope=join_scopes(
                entry, scopes_override or integration.scopes, defaults.get("user_scopes"), browser.user_scope
            ),
            code_verifier=verifier,
            connection_config=config,
            request_params={**(defaults.get("authorization_params") or {}), **browser.authorization_params},
        )
    except GatewayError as exc:
        return error_page(exc.code, exc.message, exc.status_code)
    except (FormError, TemplateError) as exc:
        return error_page("invalid_connection_config", str(exc))
    await save_pending(gateway, browser, key, state, config, {"code_verifier": verifier, "overrides": overrides})
    return RedirectResponse(url, status_code=302)


async def _take_session(gateway: Gateway, state: str) -> OAuthSession:
    """Find the pending session by ``state`` and delete it in the same transaction: a state works once."""
    async with gateway.sessions() as session:
        row = (await session.exec(select(OAuthSession).where(OAuthSession.state_hash == state_digest(state)))).first()
        if row is None:
            raise GatewayError(400, "invalid_state", "Unknown or already used state; start the connection again")
        result = await session.exec(delete(OAuthSession).where(OAuthSession.id == row.id))  # type: ignore[arg-type]
        await session.commit()
    if result.rowcount != 1:
        raise GatewayError(400, "invalid_state", "This authorisation was already completed; start the connection again")
    if row.expires_at <= utcnow():
        raise GatewayError(
            400, "expired_state", "The authorisation took too long and expired; start the connection again"
        )
    return row


async def oauth_callback(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    query = call.request.query_params
    pending: OAuthSession | None = None
    try:
        pending = await _take_session(gateway, query.get("state") or callback_state(query) or "")
        name = await _finish(gateway, pending, query)
    except GatewayError as exc:
        if pending is not None:
            await gateway.notifier.notify(
                pending.ws_client_id,
                error_message(pending.integration_key, pending.connection_id, exc.code, exc.message),
            )
        return error_page(exc.code, exc.message, exc.status_code)
    await gateway.notifier.notify(pending.ws_client_id, success_message(pending.integration_key, pending.connection_id))
    return success_page(name, pending.connection_id)


async def _finish(gateway: Gateway, pending: OAuthSession, query: Any) -> str:
    """Complete the pending authorisation with the provider's callback; returns the provider's display name."""
    integration, entry = await require_integration_for(gateway, pending.integration_key)
    if query.get("error"):
        description = (query.get("error_description") or "")[:300]
        raise GatewayError(400, str(query["error"])[:64], f"The provider answered {query['error']}: {description}")
    if entry.get("auth_mode") in OTHER_FLOWS:
        await OTHER_FLOWS[str(entry["auth_mode"])][1](gateway, integration, entry, pending, query)
        return str(entry.get("display_name") or integration.provider)
    code = query.get(str(entry.get("authorization_code_param_in_callback") or "code"))
    if not code:
        raise GatewayError(400, "missing_code", "The provider's callback carries no authorization code")
    secret = gateway.vault.open(OAuthSession, "secrets", pending.secrets)
    overrides = secret.get("overrides") or {}
    client = client_credentials(gateway, integration, overrides)
    params = {"grant_type": "authorization_code", "code": code, "redirect_uri": pending.redirect_uri}
    if secret.get("code_verifier"):
        params["code_verifier"] = secret["code_verifier"]
    try:
        token = await request_token(gateway.outbound.http, entry, client, params, pending.connection_config)
    except TokenError as exc:
        raise GatewayError(400, "token_exchange_failed", f"Could not exchange the code: {exc}") from None
    config = {**pending.connection_config, **metadata_from_response(entry, token.raw)}
    for name in entry.get("redirect_uri_metadata") or []:
        if query.get(name):
            config[name] = query[name]
    credentials: dict[str, Any] = {"type": "OAUTH2", "access_token": token.access_token, "raw": token.raw}
    if token.refresh_token:
        credentials["refresh_token"] = token.refresh_token
    if token.expires_at:
        credentials["expires_at"] = token.expires_at.isoformat()
    if overrides.get("client_id"):
        credentials["_client"] = overrides
    new = NewConnection(credentials=credentials, expires_at=token.expires_at, connection_config=config)
    await complete_connection(gateway, integration, entry, pending, new)
    return str(entry.get("display_name") or integration.provider)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/oauth/connect/{integration}",
        oauth_connect,
        "Start an OAuth connection (browser)",
        "auth",
        public=True,
        status=302,
        errors=(400, 401, 403, 404, 409),
        html=True,
        description="Query: connection_id, connect_session_token, params[k], authorization_params[k], "
        "user_scope, credentials[oauth_client_id_override], ws_client_id.",
    ),
    Endpoint(
        "GET",
        "/oauth/callback",
        oauth_callback,
        "OAuth redirect target (browser)",
        "auth",
        public=True,
        errors=(400, 403, 404, 409),
        html=True,
    ),
]
