"""The SDK's WebSocket hears the outcome even when the OAuth callback reaches another Unigate process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import websockets

from tests.auth.conftest import APP, PUBLIC_URL
from tests.auth.test_oauth2_flow import session_token
from tests.oauth_server import OAuthServer
from tests.servers import running_server, unigate_env


async def test_callback_on_another_process_reaches_the_socket(
    database_url: str, tmp_path: Path, idp_catalog: Path, oauth_server: OAuthServer
) -> None:
    env = unigate_env(
        tmp_path / "data",
        database_url,
        UNIGATE_PROVIDERS_FILES=str(idp_catalog),
        UNIGATE_PUBLIC_URL=PUBLIC_URL,
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",  # the test IdP listens on loopback
    )
    with running_server(env) as holding, running_server(env) as serving:  # two processes, one database and keyring
        async with serving.client() as client:
            credentials = {"type": "OAUTH2", "client_id": APP["client_id"], "client_secret": APP["client_secret"]}
            await client.post(
                "/integrations", json={"provider": "test-idp", "unique_key": "idp", "credentials": credentials}
            )
            async with websockets.connect(holding.url.replace("http", "ws") + "/") as socket:
                ack = json.loads(await socket.recv())
                for approve, connection_id in ((True, "c1"), (False, "c2")):
                    params = {
                        "connection_id": connection_id,
                        "connect_session_token": await session_token(client),
                        "ws_client_id": ack["ws_client_id"],
                    }
                    start = await client.get("/oauth/connect/idp", params=params)
                    location = await oauth_server.consent(start.headers["location"], approve=approve)
                    callback = await client.get("/oauth/callback?" + urlsplit(location).query)
                    assert callback.status_code == (200 if approve else 400)
                    message = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
                    assert message["connection_id"] == connection_id
                    assert message["message_type"] == ("success" if approve else "error")
            connections = (await client.get("/connections")).json()["connections"]
            assert [c["connection_id"] for c in connections] == ["c1"]
