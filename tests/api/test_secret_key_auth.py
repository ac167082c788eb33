from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.runtime import Gateway
from tests.conftest import error_of

PROTECTED = ["/integrations", "/connections", "/providers", "/providers/github", "/integrations/x"]


@pytest.fixture
async def anonymous(gateway: Gateway) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(gateway)), base_url="http://unigate.test")


@pytest.mark.parametrize("path", PROTECTED)
async def test_missing_key_is_401(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    assert response.status_code == 401
    assert error_of(response)["code"] == "missing_auth_header"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Basic abc", "malformed_auth_header"),
        ("Bearer", "malformed_auth_header"),
        ("Bearer 5b9e0c4e-0000-4000-8000-000000000000", "invalid_secret_key"),
    ],
)
async def test_wrong_key_is_401(anonymous: httpx.AsyncClient, header: str, code: str) -> None:
    response = await anonymous.get("/integrations", headers={"Authorization": header})
    assert response.status_code == 401
    assert error_of(response)["code"] == code


async def test_health_is_open(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/health")
    assert response.status_code == 200 and response.json() == {"result": "ok"}


async def test_configured_key_and_created_keys_are_accepted(gateway: Gateway, anonymous: httpx.AsyncClient) -> None:
    ok = await anonymous.get("/integrations", headers={"Authorization": f"Bearer {gateway.secrets.secret_key}"})
    assert ok.status_code == 200
    extra = await gateway.api_keys.create("backend")
    assert (await anonymous.get("/integrations", headers={"Authorization": f"bearer {extra}"})).status_code == 200


async def test_unknown_route_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
