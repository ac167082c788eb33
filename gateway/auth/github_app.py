"""APP mode (GitHub App installations): the install redirect and the installation callback.

The integration holds the app's id, public link and private key. ``GET /oauth/connect`` sends the browser to
``{app_link}/installations/new?state=...``; GitHub comes back to ``/oauth/callback`` with ``installation_id`` and
the state, and Unigate mints the first installation token (``gateway.auth.app_tokens``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from gateway.auth.app_tokens import app_credentials, config_lookup, mint_installation_token
from gateway.auth.browser import BrowserCall
from gateway.auth.pending import complete_connection, save_pending
from gateway.auth.saving import NewConnection
from gateway.auth.services import ConnectionServices
from gateway.auth.tokens import TokenError
from gateway.catalog.forms import FormError, check_field
from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import TemplateError
from gateway.errors import GatewayError
from gateway.store.tables import Integration, OAuthSession


def install_url(entry: Mapping[str, Any], app_link: str, state: str, config: Mapping[str, Any]) -> str:
    """``{app_link}/installations/new`` when the link is a URL, else the entry's ``authorization_url``."""
    if app_link.startswith(("https://", "http://")):
        base = render_url("${connectionConfig.app_link}/installations/new", config_lookup({"app_link": app_link}))
    else:
        base = render_url(str(entry["authorization_url"]), config_lookup(config))
    return f"{base}?{urlencode({'state': state})}"


async def start_app_install(
    gateway: ConnectionServices, browser: BrowserCall, key: str, integration: Integration, entry: dict[str, Any]
) -> Response:
    """Send the browser to the app's installation page."""
    _, app_link, _ = app_credentials(gateway.vault, integration)
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
    gateway: ConnectionServices,
    integration: Integration,
    entry: dict[str, Any],
    pending: OAuthSession,
    query: QueryParams,
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
        credentials, expires_at = await mint_installation_token(gateway.tokens, integration, entry, config)
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
