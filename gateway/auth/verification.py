"""Checking API-key and Basic credentials with the provider before a connection is stored.

The provider plugin's ``verify_credentials`` decides when it overrides the default; otherwise the catalog's
``proxy.verification`` endpoints are called with the new credentials: one 2xx answer accepts them.
"""

from __future__ import annotations

from typing import Any

import httpx

from gateway.auth.services import ConnectionServices
from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import TemplateError
from gateway.errors import GatewayError
from gateway.provider import CredentialsRejected, Provider, ProviderContext
from gateway.store.tables import Integration
from gateway.upstream.applied_auth import template_values, upstream_auth
from gateway.upstream.guarded import ForbiddenHostError


def _rejected(message: str) -> GatewayError:
    return GatewayError(400, "connection_test_failed", message)


def provider_message(response: httpx.Response, credentials: dict[str, Any]) -> str:
    """The provider's own short explanation from a JSON error body (``message``, ``error_description``,
    ``error``, ``errors[0].message``...): one line, at most 200 characters, with any credential value blotted out."""
    try:
        body = response.json()
    except ValueError:
        return ""
    found: Any = None
    if isinstance(body, dict):
        errors = body.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else None
        for value in (body.get("message"), body.get("error_description"), body.get("error"), first):
            if isinstance(value, dict):
                value = value.get("message") or value.get("detail") or value.get("title")
            if isinstance(value, str) and value.strip():
                found = value
                break
    if not isinstance(found, str):
        return ""
    text = " ".join(found.split())[:200]
    for secret in credentials.values():
        if isinstance(secret, str) and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


async def verify_credentials(
    gateway: ConnectionServices, integration: Integration, credentials: dict[str, Any], config: dict[str, Any]
) -> None:
    """Raise 400 ``connection_test_failed`` when the provider refuses the credentials."""
    entry = gateway.catalog[integration.provider]
    provider = gateway.providers.get(integration.provider)
    if provider is not None and type(provider).verify_credentials is not Provider.verify_credentials:
        auth = upstream_auth(entry, credentials, config)
        client = gateway.outbound.client(base_url=auth.base_url, headers=auth.headers, params=auth.query)
        ctx = ProviderContext(
            integration.provider, integration.unique_key, "", dict(config), {}, client, catalog_entry=entry
        )
        try:
            await provider.verify_credentials(ctx)
        except CredentialsRejected as exc:
            raise _rejected(f"{integration.provider} refused the credentials: {exc}") from None
        finally:
            await client.aclose()
        return
    verification = (entry.get("proxy") or {}).get("verification")
    if not verification:
        return
    try:
        override = verification.get("base_url_override")
        base = render_url(str(override), template_values(credentials, config)) if override else None
        auth = upstream_auth(entry, credentials, config, base_url_override=base)
    except TemplateError as exc:
        raise GatewayError(400, "invalid_connection_config", str(exc)) from None
    headers = {**auth.headers, **{k.lower(): str(v) for k, v in (verification.get("headers") or {}).items()}}
    method = str(verification.get("method") or "GET")
    status, said = None, ""
    for endpoint in verification.get("endpoints") or ["/"]:
        try:
            response = await gateway.outbound.http.request(
                method,
                auth.base_url + "/" + str(endpoint).lstrip("/"),
                headers=headers,
                params=auth.query,
                json=verification.get("data") if method != "GET" else None,
            )
        except ForbiddenHostError:
            raise
        except httpx.HTTPError as exc:
            raise GatewayError(
                502,
                "connection_test_unreachable",
                f"Could not reach {integration.provider} to check the credentials ({type(exc).__name__})",
            ) from None
        if response.is_success:
            return
        status, said = response.status_code, provider_message(response, credentials)
    told = f": {said}" if said else ""
    raise _rejected(f"{integration.provider} refused the credentials (HTTP {status}){told}; check them and try again")
