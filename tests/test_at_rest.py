"""Open the raw database after storing every kind of secret and look for any plaintext of them."""

from __future__ import annotations

import httpx
from sqlalchemy import create_engine, text

from gateway.runtime import Gateway
from gateway.store.engine import sync_url
from gateway.store.tables import SQLModel

SECRETS = [
    "shh-client-secret",
    "gho_access_plain",
    "ghr_refresh_plain",
    "lin_api_plain",
    "zd-password-plain",
    "-----BEGIN PRIVATE KEY-----plain",
]


def dump_database(url: str) -> str:
    engine = create_engine(sync_url(url))
    parts: list[str] = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.extend(str(value) for value in row)
    engine.dispose()
    return "\n".join(parts)


async def test_no_secret_is_stored_in_plaintext(client: httpx.AsyncClient, gateway: Gateway) -> None:
    await client.post(
        "/integrations",
        json={
            "provider": "github",
            "unique_key": "gh",
            "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": SECRETS[0]},
        },
    )
    await client.post(
        "/integrations",
        json={
            "provider": "github-app",
            "unique_key": "gh-app",
            "credentials": {
                "type": "APP",
                "app_id": "1",
                "app_link": "https://github.com/apps/x",
                "private_key": SECRETS[5],
            },
        },
    )
    await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
    await client.post("/integrations", json={"provider": "zendesk-api-token", "unique_key": "zd"})
    for body in (
        {
            "provider_config_key": "gh",
            "connection_id": "c1",
            "credentials": {
                "type": "OAUTH2",
                "access_token": SECRETS[1],
                "refresh_token": SECRETS[2],
                "expires_at": "2030-01-01T00:00:00Z",
            },
        },
        {
            "provider_config_key": "lin",
            "connection_id": "c2",
            "credentials": {"type": "API_KEY", "apiKey": SECRETS[3]},
        },
        {
            "provider_config_key": "zd",
            "connection_id": "c3",
            "connection_config": {"subdomain": "acme"},
            "credentials": {"type": "BASIC", "username": "me", "password": SECRETS[4]},
        },
    ):
        assert (await client.post("/connections", json=body)).status_code == 201

    dump = dump_database(gateway.settings.resolved_database_url)
    assert "v1." in dump  # the encrypted values are there...
    for secret in SECRETS:
        assert secret not in dump  # ...and no plaintext secret is
    assert gateway.secrets.secret_key not in dump  # the API key is stored as a digest only
    got = await client.get("/connections/c2", params={"provider_config_key": "lin"})
    assert got.json()["credentials"]["apiKey"] == SECRETS[3]
