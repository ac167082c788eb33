"""Driving the OAuth 2.0 code flow end to end in a test, as a user's browser would.

connection = await connect_with_oauth(client, "jira", "user-1")

The gateway's authorize redirect goes to the provider (a fake or a real authorization server on loopback, whose
authorize step must approve without a page, like ``FakeUpstream.authorize``); its redirect back is handed to the
gateway's callback; the stored connection is returned (``GET /connections/{id}``, credentials included).
``integration_gateway`` builds the gateway and the integration such a test starts from.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from gateway.runtime import Gateway
from gateway.testing.fake_upstream import FakeUpstream
from gateway.testing.kit import make_gateway

NO_AUTH = {"Authorization": ""}  # the browser does not hold the secret key


async def connect_with_oauth(
    client: httpx.AsyncClient,
    integration_key: str,
    connection_id: str,
    *,
    end_user_id: str = "end-user-1",
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the code flow for ``connection_id`` through a connect session; the connection as the API returns it.

    ``params`` are extra query parameters of ``/oauth/connect`` (e.g. ``{"params[subdomain]": "acme"}``).
    """
    session = await client.post(
        "/connect/sessions",
        json={"end_user": {"id": end_user_id}, "allowed_integrations": [integration_key]},
    )
    assert session.status_code == 201, session.text
    start = await client.get(
        f"/oauth/connect/{integration_key}",
        params={
            "connection_id": connection_id,
            "connect_session_token": session.json()["data"]["token"],
            **(params or {}),
        },
        headers=NO_AUTH,
    )
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as browser:
        approved = await browser.get(start.headers["location"])
    assert approved.status_code in (302, 303), f"the authorize step answered {approved.status_code}: {approved.text}"
    callback = await client.get("/oauth/callback?" + urlsplit(approved.headers["location"]).query, headers=NO_AUTH)
    assert callback.status_code == 200 and "nango_oauth_callback_success" in callback.text, callback.text
    stored = await client.get(f"/connections/{connection_id}", params={"provider_config_key": integration_key})
    assert stored.status_code == 200, stored.text
    connection: dict[str, Any] = stored.json()
    return connection


@asynccontextmanager
async def integration_gateway(
    plugin: object, catalog: dict[str, Any], provider: str, unique_key: str, credentials: dict[str, Any]
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """A gateway with ``plugin``, the catalog override ``catalog`` (``{entry: {key: value}}``, e.g. URLs pointing at
    a fake) and an integration ``unique_key`` of ``provider`` holding ``credentials``."""
    with tempfile.TemporaryDirectory() as scratch:
        override = Path(scratch) / "override.yaml"
        override.write_text(yaml.safe_dump(catalog))
        async with make_gateway(plugins=[plugin], providers_files=[override], allow_private_hosts=True) as both:
            made = await both[1].post(
                "/integrations", json={"provider": provider, "unique_key": unique_key, "credentials": credentials}
            )
            assert made.status_code == 200, made.text
            yield both


def oauth_client(fake: FakeUpstream) -> dict[str, str]:
    """Integration credentials holding the fake's OAuth client."""
    return {"type": "OAUTH2", "client_id": fake.client_id, "client_secret": fake.client_secret}
