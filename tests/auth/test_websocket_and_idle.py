"""The frontend SDK's WebSocket learns the outcome of a browser authorisation; idle connections are refreshed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import websockets
from sqlalchemy import update

from gateway.default_plugins.idle_refresh import refresh_idle_connections
from gateway.runtime import Gateway
from gateway.store.tables import Connection
from gateway.store.types import utcnow
from tests.auth.conftest import APP, PUBLIC_URL
from tests.auth.test_oauth2_flow import connect, session_token
from tests.oauth_server import OAuthServer
from tests.servers import running_server, unigate_env


async def test_websocket_receives_success_and_error(
    database_url: str, tmp_path: Path, idp_catalog: Path, oauth_server: OAuthServer
) -> None:
    env = unigate_env(
        tmp_path / "data",
        database_url,
        UNIGATE_PROVIDERS_FILES=str(idp_catalog),
        UNIGATE_PUBLIC_URL=PUBLIC_URL,
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",  # the test IdP listens on loopback
    )
    with running_server(env) as server:
        async with server.client() as client:
            await client.post(
                "/integrations",
                json={
                    "provider": "test-idp",
                    "unique_key": "idp",
                    "credentials": {
                        "type": "OAUTH2",
                        "client_id": APP["client_id"],
                        "client_secret": APP["client_secret"],
                    },
                },
            )
            async with websockets.connect(server.url.replace("http", "ws") + "/") as socket:
                ack = json.loads(await socket.recv())
                assert ack["message_type"] == "connection_ack" and ack["ws_client_id"]
                for approve in (True, False):
                    token = await session_token(client)
                    start = await client.get(
                        "/oauth/connect/idp",
                        params={
                            "connection_id": f"c-{approve}",
                            "connect_session_token": token,
                            "ws_client_id": ack["ws_client_id"],
                        },
                    )
                    location = await oauth_server.consent(start.headers["location"], approve=approve)
                    await client.get("/oauth/callback?" + urlsplit(location).query)
                    message = json.loads(await socket.recv())
                    if approve:
                        assert message == {
                            "message_type": "success",
                            "provider_config_key": "idp",
                            "connection_id": "c-True",
                            "is_pending": False,
                        }
                    else:
                        assert message["message_type"] == "error" and message["error_type"] == "access_denied"


async def test_idle_connections_are_refreshed(
    idp_client: httpx.AsyncClient, idp_gateway: Gateway, oauth_server: OAuthServer
) -> None:
    before = (await connect(idp_client, oauth_server))["credentials"]
    assert await refresh_idle_connections(idp_gateway) == 0  # just used: nothing to do
    two_days_ago = utcnow() - timedelta(days=2)
    async with idp_gateway.engine.begin() as conn:
        await conn.execute(
            update(Connection.__table__).values(  # type: ignore[attr-defined]
                created_at=two_days_ago, last_fetched_at=two_days_ago
            )
        )
    oauth_server.reset_stats()
    assert await refresh_idle_connections(idp_gateway) == 1
    assert oauth_server.stats()["refresh_token"] == 1
    after = (await idp_client.get("/connections/c1", params={"provider_config_key": "idp"})).json()["credentials"]
    assert after["access_token"] != before["access_token"]
