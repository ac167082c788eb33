"""APP mode (GitHub App installations): install redirect, installation callback and installation tokens.

The integration holds the app's id, public link and private key. ``GET /oauth/connect`` sends the browser to
``{app_link}/installations/new?state=...``; GitHub comes back to ``/oauth/callback`` with ``installation_id`` and
the state. Unigate then signs an app JWT (RS256, ``iss`` = app id, issued 60 s in the past, valid 9 minutes) and
POSTs the entry's ``token_url`` (``/app/installations/{id}/access_tokens``) for a one-hour installation token;
refreshing mints a new one the same way.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from gateway.auth.browser import BrowserCall
from gateway.auth.pending import complete_connection, save_pending
from gateway.auth.saving import NewConnection
from gateway.auth.tokens import TokenError
from gateway.catalog.forms import FormError, check_field
from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import TemplateError, Variable
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.tables import Integration, OAuthSession
from gateway.upstream.guarded import ForbiddenHostError

JWT_BACKDATE_SECONDS = 60
JWT_LIFETIME_SECONDS = 9 * 60
GITHUB_HEADERS = {"accept": "application/vnd.github+json", "x-github-api-version": "2022-11-28"}


def app_jwt(app_id: str, private_key: str, now: float | None = None) -> str:
    """The app's own JWT: RS256 over ``{iat: now-60, exp: now+540, iss: app_id}``; ValueError on a bad key."""
    issued = int(now if now is not None else time.time())
    try:
        key = RSAKey.import_key(private_key.replace("\\n", "\n"))
    except Exception:  # the key's text must not end up in a message
        raise ValueError("the app's private key is not a PEM RSA private key") from None
    if not key.is_private:
        raise ValueError("the app's private key is a public key")
    claims = {"iat": issued - JWT_BACKDATE_SECONDS, "exp": issued + JWT_LIFETIME_SECONDS, "iss": app_id}
    return jwt.encode({"alg": "RS256"}, claims, key, algorithms=["RS256"], default_type=None)


def app_credentials(gateway: Gateway, integration: Integration) -> tuple[str, str, str]:
    """The integration's app id, app link and private key; 400 when it has none."""
    secret = gateway.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    if not integration.app_id or not integration.app_link or not secret.get("private_key"):
        raise GatewayError(
            400,
            "missing_app_credentials",
            f"Integration {integration.unique_key!r} has no app id, app link and private key; set them with "
            f"PATCH /integrations/{integration.unique_key} (credentials type APP)",
        )
    return integration.app_id, integration.app_link, str(secret["private_key"])


def _config_lookup(config: Mapping[str, Any]) -> Any:
    def lookup(variable: Variable) -> str | None:
        value = config.get(variable.key or "") if variable.root == "connectionConfig" else None
        return None if value in (None, "") else str(value)

    return lookup


def install_url(entry: Mapping[str, Any], app_link: str, state: str, config: Mapping[str, Any]) -> str:
    """``{app_link}/installations/new`` when the link is a URL, else the entry's ``authorization_url``."""
    if app_link.startswith(("https://", "http://")):
        base = render_url("${connectionConfig.app_link}/installations/new", _config_lookup({"app_link": app_link}))
    else:
        base = render_url(str(entry["authorization_url"]), _config_lookup(config))
    return f"{base}?{urlencode({'state': state})}"


def token_url(entry: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    url = entry.get("token_url")
    if isinstance(url, Mapping):
        url = url.get("APP")
    if not url:
        url = str((entry.get("proxy") or {}).get("base_url", "")).rstrip("/")
        url += "/app/installations/${connectionConfig.installation_id}/access_tokens"
    return render_url(str(url), _config_lookup(config))


async def mint_installation_token(
    gateway: Gateway, integration: Integration, entry: Mapping[str, Any], config: Mapping[str, Any]
) -> tuple[dict[str, Any], datetime | None]:
    """A new installation token as APP credentials, with its expiry; ``TokenError`` when GitHub refuses."""
    app_id, _, private_key = app_credentials(gateway, integration)
    try:
        url = token_url(entry, config)
        assertion = app_jwt(app_id, private_key)
    except (TemplateError, ValueError) as exc:
        raise TokenError(str(exc), rejected=True) from None
    try:
        response = await gateway.http.post(url, headers={**GITHUB_HEADERS, "authorization": f"Bearer {assertion}"})
    except ForbiddenHostError:
        raise
    except httpx.HTTPError as exc:
        raise TokenError(f"token endpoint unreachable: {type(exc).__name__}", rejected=False) from None
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    if response.status_code >= 400 or not isinstance(data, dict) or not data.get("token"):
        message = str(data.get("message") or "")[:200] if isinstance(data, dict) else ""
        rejected = 400 <= response.status_code < 500
        raise TokenError(f"HTTP {response.status_code} {message}".strip(), rejected=rejected)
    expires_at = None
    if data.get("expires_at"):
        try:
            expires_at = datetime.fromisoformat(str(data["expires_at"]))
        except ValueError:
            raise TokenError("the answer's expires_at is not a date", rejected=False) from None
    credentials: dict[str, Any] = {"type": "APP", "access_token": str(data["token"]), "raw": data}
    if expires_at is not None:
        credentials["expires_at"] = expires_at.isoformat()
    return credentials, expires_at


async def start_app_install(
    gateway: Gateway, browser: BrowserCall, key: str, integration: Integration, entry: dict[str, Any]
) -> Response:
    """Send the browser to the app's installation page."""
    _, app_link, _ = app_credentials(gateway, integration)
    config = browser.connection_config(key, entry)
    slug = urlsplit(app_link).path.rstrip("/").rsplit("/", 1)[-1] if "://" in app_link else app_link
    spec = (entry.get("connection_config") or {}).get("appPublicLink")
    try:
        check_field("connection_config", "appPublicLink", spec if isinstance(spec, dict) else {}, slug)
        config.setdefault("appPublicLink", slug)
    except FormError:
        pass  # a link whose last segment is not a slug still installs; the slug is only informative
    state = secrets.token_urlsafe(32)
    try:
        url = install_url(entry, app_link, state, config)
    except TemplateError as exc:
        raise GatewayError(400, "invalid_app_link", f"The integration's app link cannot be used: {exc}") from None
    await save_pending(gateway, browser, key, state, config, {})
    return RedirectResponse(url, status_code=302)


async def finish_app_install(
    gateway: Gateway, integration: Integration, entry: dict[str, Any], pending: OAuthSession, query: QueryParams
) -> None:
    """Mint the installation's first token and store the connection."""
    installation_id = query.get("installation_id") or ""
    if not installation_id.isdigit():
        action = (query.get("setup_action") or "")[:32]
        raise GatewayError(
            400, "missing_installation_id", f"GitHub came back without an installation id (setup_action {action!r})"
        )
    config = {**pending.connection_config, "installation_id": installation_id}
    for name in entry.get("redirect_uri_metadata") or []:
        if query.get(name):
            config[name] = query[name]
    try:
        credentials, expires_at = await mint_installation_token(gateway, integration, entry, config)
    except TokenError as exc:
        raise GatewayError(
            400, "connection_test_failed", f"{integration.provider} refused to issue an installation token: {exc}"
        ) from None
    await complete_connection(
        gateway,
        integration,
        entry,
        pending,
        NewConnection(credentials=credentials, expires_at=expires_at, connection_config=config),
    )
