"""NONE mode: ``POST /auth/unauthenticated/{integration}`` stores a connection without credentials."""

from __future__ import annotations

import httpx

from tests.auth.conftest import connect_session, stored_connections


async def test_connect_without_credentials(client: httpx.AsyncClient) -> None:
    for provider in ("open-meteo", "personio"):
        await client.post("/integrations", json={"provider": provider, "unique_key": provider})
    query = {"connection_id": "n1", **await connect_session(client)}
    created = await client.post("/auth/unauthenticated/open-meteo", params=query, headers={"Authorization": ""})
    assert created.status_code == 200, created.text
    assert created.json() == {"providerConfigKey": "open-meteo", "connectionId": "n1"}
    connection = (await client.get("/connections/n1", params={"provider_config_key": "open-meteo"})).json()
    assert connection["credentials"] == {"type": "NONE"} and connection["end_user"] == {"id": "end-user-1"}
    forced = await client.get("/connections/n1", params={"provider_config_key": "open-meteo", "force_refresh": "true"})
    assert forced.json()["credentials"] == {"type": "NONE"}

    wrong_mode = await client.post("/auth/unauthenticated/personio", params=await connect_session(client))
    assert wrong_mode.status_code == 400 and wrong_mode.json()["error"]["code"] == "invalid_auth_mode"
    anonymous = await client.post("/auth/unauthenticated/open-meteo", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert [c["connection_id"] for c in await stored_connections(client)] == ["n1"]
