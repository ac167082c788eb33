"""Whatever JSON a caller sends to a route that takes a body, the answer is never a 5xx."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "provider",
    "unique_key",
    "credentials",
    "type",
    "connection_id",
    "provider_config_key",
    "metadata",
    "tags",
    "end_user",
    "access_token",
    "expires_at",
    "apiKey",
    "client_id",
    "client_secret",
    "id",
]
# Objects shaped like the real bodies (known field names, random values), mixed with arbitrary JSON.
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6) | JSON
ROUTES = [
    ("POST", "/integrations"),
    ("PATCH", "/integrations/gh"),
    ("POST", "/connections"),
    ("PATCH", "/connections/c1?provider_config_key=gh"),
    ("POST", "/connections/metadata"),
    ("PATCH", "/connections/metadata"),
]


class Api:
    """An API client driven from synchronous hypothesis examples, on one event loop of its own."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.gateway = build_gateway(settings)
        self.loop.run_until_complete(self.gateway.start())
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(self.gateway)),
            base_url="http://unigate.test",
            headers={"Authorization": f"Bearer {self.gateway.secrets.secret_key}"},
        )

    def request(self, method: str, path: str, body: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, json=body))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.gateway.stop())
        self.loop.close()


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    client = Api(settings)
    client.request("POST", "/integrations", {"provider": "github", "unique_key": "gh"})
    client.request(
        "POST",
        "/connections",
        {
            "provider_config_key": "gh",
            "connection_id": "c1",
            "credentials": {"type": "OAUTH2", "access_token": "t", "no_expiration": True},
        },
    )
    yield client
    client.close()


@pytest.mark.parametrize(("method", "path"), ROUTES)
@examples(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_no_body_causes_a_server_error(api: Api, method: str, path: str, body: Any) -> None:
    response = api.request(method, path, body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
