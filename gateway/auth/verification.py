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
    status = None
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
        status = response.status_code
    raise _rejected(f"{integration.provider} refused the credentials (HTTP {status}); check them and try again")
