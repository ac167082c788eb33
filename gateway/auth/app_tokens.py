"""GitHub App installation tokens: the app's JWT and minting a one-hour installation token with it.

Unigate signs an app JWT (RS256, ``iss`` = app id, issued 60 s in the past, valid 9 minutes) and POSTs the entry's
``token_url`` (``/app/installations/{id}/access_tokens``); refreshing an APP connection mints a new token the same way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

from gateway.auth.services import TokenServices
from gateway.auth.tokens import TokenError
from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import TemplateError, Variable
from gateway.errors import GatewayError
from gateway.store.tables import Integration
from gateway.upstream.guarded import ForbiddenHostError
from gateway.vault import Vault

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


def app_credentials(vault: Vault, integration: Integration) -> tuple[str, str, str]:
    """The integration's app id, app link and private key; 400 when it has none."""
    secret = vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    if not integration.app_id or not integration.app_link or not secret.get("private_key"):
        raise GatewayError(
            400,
            "missing_app_credentials",
            f"Integration {integration.unique_key!r} has no app id, app link and private key; set them with "
            f"PATCH /integrations/{integration.unique_key} (credentials type APP)",
        )
    return integration.app_id, integration.app_link, str(secret["private_key"])


def config_lookup(config: Mapping[str, Any]) -> Any:
    def lookup(variable: Variable) -> str | None:
        value = config.get(variable.key or "") if variable.root == "connectionConfig" else None
        return None if value in (None, "") else str(value)

    return lookup


def token_url(entry: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    url = entry.get("token_url")
    if isinstance(url, Mapping):
        url = url.get("APP")
    if not url:
        url = str((entry.get("proxy") or {}).get("base_url", "")).rstrip("/")
        url += "/app/installations/${connectionConfig.installation_id}/access_tokens"
    return render_url(str(url), config_lookup(config))


async def mint_installation_token(
    services: TokenServices, integration: Integration, entry: Mapping[str, Any], config: Mapping[str, Any]
) -> tuple[dict[str, Any], datetime | None]:
    """A new installation token as APP credentials, with its expiry; ``TokenError`` when GitHub refuses."""
    app_id, _, private_key = app_credentials(services.vault, integration)
    try:
        url = token_url(entry, config)
        assertion = app_jwt(app_id, private_key)
    except (TemplateError, ValueError) as exc:
        raise TokenError(str(exc), rejected=True) from None
    try:
        response = await services.http.post(url, headers={**GITHUB_HEADERS, "authorization": f"Bearer {assertion}"})
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
