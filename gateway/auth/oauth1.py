"""OAuth 1.0a (RFC 5849, e.g. Trello): request token, user authorisation, access token.

``start_oauth1`` gets a request token from ``request_url`` (signed with the integration's consumer key and secret,
``oauth_callback`` = Unigate's callback), keeps its secret sealed in the pending session found by a digest of the
request token, and sends the browser to ``authorization_url?oauth_token=...``. The provider comes back with
``oauth_token`` and ``oauth_verifier``; ``finish_oauth1`` trades them at ``token_url`` for the access token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from gateway.auth.browser import BrowserCall
from gateway.auth.oauth2 import join_scopes
from gateway.auth.pending import complete_connection, save_pending
from gateway.auth.saving import NewConnection
from gateway.auth.services import ConnectionServices
from gateway.auth.tokens import TokenError
from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import TemplateError, Variable
from gateway.errors import GatewayError
from gateway.store.tables import Integration, OAuthSession
from gateway.upstream.guarded import ForbiddenHostError
from gateway.upstream.oauth1_signing import client_auth, sign_request

STATE_PREFIX = "oauth1:"


def callback_state(query: QueryParams) -> str | None:
    """The one-time key of an OAuth 1 callback (``oauth_token``, or ``denied`` when the user refused)."""
    token = query.get("oauth_token") or query.get("denied")
    return STATE_PREFIX + token if token else None


def consumer(gateway: ConnectionServices, integration: Integration) -> tuple[str, str]:
    secret = gateway.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    if not integration.client_id or not secret.get("client_secret"):
        raise GatewayError(
            400,
            "missing_client_credentials",
            f"Integration {integration.unique_key!r} has no consumer key and secret; set them with "
            f"PATCH /integrations/{integration.unique_key} (credentials type OAUTH1)",
        )
    return integration.client_id, str(secret["client_secret"])


def _url(entry: Mapping[str, Any], key: str, config: Mapping[str, Any]) -> str:
    def lookup(variable: Variable) -> str | None:
        value = config.get(variable.key or "") if variable.root == "connectionConfig" else None
        return None if value in (None, "") else str(value)

    if not entry.get(key):
        raise TemplateError(f"the catalog entry has no {key}")
    return render_url(str(entry[key]), lookup)


async def _token_request(http: httpx.AsyncClient, url: str, auth: Any) -> dict[str, str]:
    """POST a signed, body-less token request; the answer is form-encoded ``oauth_token=...&...``."""
    request = http.build_request("POST", url)
    try:
        response = await http.send(sign_request(request, auth))
    except ForbiddenHostError:
        raise
    except httpx.HTTPError as exc:
        raise TokenError(f"token endpoint unreachable: {type(exc).__name__}", rejected=False) from None
    if response.status_code >= 400:
        raise TokenError(f"HTTP {response.status_code}", rejected=response.status_code < 500)
    answer = dict(parse_qsl(response.text))
    if not answer.get("oauth_token") or not answer.get("oauth_token_secret"):
        raise TokenError("the answer has no oauth_token and oauth_token_secret", rejected=False)
    return answer


async def start_oauth1(
    gateway: ConnectionServices, browser: BrowserCall, key: str, integration: Integration, entry: dict[str, Any]
) -> Response:
    """Get a request token and send the browser to the provider's authorisation page."""
    consumer_key, consumer_secret = consumer(gateway, integration)
    config = browser.connection_config(key, entry)
    try:
        request_url = _url(entry, "request_url", config)
        extra = {str(k): str(v) for k, v in (entry.get("request_params") or {}).items()}
        if extra:
            request_url += ("&" if urlsplit(request_url).query else "?") + urlencode(extra)
        authorize = _url(entry, "authorization_url", config)
        auth = client_auth(entry, consumer_key, consumer_secret, callback=gateway.settings.oauth_callback_url)
    except (TemplateError, ValueError) as exc:
        raise GatewayError(400, "invalid_connection_config", str(exc)) from None
    try:
        request_token = await _token_request(gateway.outbound.http, request_url, auth)
    except TokenError as exc:
        raise GatewayError(
            400, "connection_test_failed", f"{integration.provider} refused the request token: {exc}"
        ) from None
    params: dict[str, str] = {"oauth_token": request_token["oauth_token"]}
    scope = join_scopes(entry, integration.scopes)
    if scope:
        params["scope"] = scope
    defaults = browser.defaults(key).get("authorization_params") or {}
    for source in (entry.get("authorization_params") or {}, defaults, browser.authorization_params):
        for name, value in source.items():
            if value == "undefined":
                params.pop(name, None)
            else:
                params[name] = str(value)
    secrets = {"oauth_token_secret": request_token["oauth_token_secret"]}
    await save_pending(gateway, browser, key, STATE_PREFIX + request_token["oauth_token"], config, secrets)
    return RedirectResponse(f"{authorize}{'&' if urlsplit(authorize).query else '?'}{urlencode(params)}", 302)


async def finish_oauth1(
    gateway: ConnectionServices,
    integration: Integration,
    entry: dict[str, Any],
    pending: OAuthSession,
    query: QueryParams,
) -> None:
    """Trade the authorised request token and its verifier for the access token; store the connection."""
    if query.get("denied") or not query.get("oauth_verifier"):
        raise GatewayError(400, "access_denied", "The authorisation was refused or carries no oauth_verifier")
    consumer_key, consumer_secret = consumer(gateway, integration)
    secret = gateway.vault.open(OAuthSession, "secrets", pending.secrets)
    try:
        auth = client_auth(
            entry,
            consumer_key,
            consumer_secret,
            token=str(query["oauth_token"]),
            token_secret=str(secret["oauth_token_secret"]),
            verifier=str(query["oauth_verifier"]),
        )
        answer = await _token_request(gateway.outbound.http, _url(entry, "token_url", pending.connection_config), auth)
    except (TemplateError, ValueError) as exc:
        raise GatewayError(400, "invalid_connection_config", str(exc)) from None
    except TokenError as exc:
        raise GatewayError(400, "token_exchange_failed", f"Could not get the access token: {exc}") from None
    credentials = {
        "type": "OAUTH1",
        "oauth_token": answer["oauth_token"],
        "oauth_token_secret": answer["oauth_token_secret"],
        "raw": answer,
    }
    await complete_connection(
        gateway,
        integration,
        entry,
        pending,
        NewConnection(credentials=credentials, connection_config=dict(pending.connection_config)),
    )
