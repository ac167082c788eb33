"""APP mode (GitHub App installations) against a loopback fake of GitHub's install page and token endpoint."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.store.types import utcnow
from gateway.testing.loopback import run_app
from tests.auth.conftest import CALLBACK, catalog_client, connect_session, expire_connections, stored_connections

APP_ID = "123456"
INSTALLATION = "4242"
KEY = {"provider_config_key": "gh-app"}


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class FakeGitHub:
    public_key: str
    issued: set[str] = field(default_factory=set)
    mints: int = 0
    url: str = ""

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/apps/{slug}/installations/new", self.install),
                Route("/app/installations/{installation}/access_tokens", self.access_token, methods=["POST"]),
                Route("/installation/repositories", self.repositories),
            ]
        )

    async def install(self, request: Request) -> Response:
        query = {"installation_id": INSTALLATION, "setup_action": "install", "state": request.query_params["state"]}
        return RedirectResponse(CALLBACK + "?" + str(httpx.QueryParams(query)), status_code=302)

    async def access_token(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        try:
            token = jwt.decode(header.removeprefix("Bearer "), RSAKey.import_key(self.public_key), algorithms=["RS256"])
        except (JoseError, ValueError):
            return JSONResponse({"message": "A JSON web token could not be decoded"}, status_code=401)
        claims, now = token.claims, time.time()
        assert token.header["alg"] == "RS256" and claims["iss"] == APP_ID
        assert claims["iat"] <= now - 59 and now < claims["exp"] <= now + 600
        assert request.headers["accept"] == "application/vnd.github+json"
        if request.path_params["installation"] != INSTALLATION:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        self.mints += 1
        issued = "ghs_" + secrets.token_hex(18)
        self.issued.add(issued)
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = {
            "token": issued,
            "expires_at": expires,
            "permissions": {"issues": "write"},
            "repository_selection": "all",
        }
        return JSONResponse(body, status_code=201)

    async def repositories(self, request: Request) -> Response:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.issued:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return JSONResponse({"total_count": 0, "repositories": []})


@pytest.fixture(scope="module")
def keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    return rsa.generate_private_key(65537, 2048), rsa.generate_private_key(65537, 2048)


@pytest.fixture(scope="module")
def github(keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]) -> Iterator[FakeGitHub]:
    public = (
        keys[0].public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    fake = FakeGitHub(public.decode())
    with run_app(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
async def api(
    database_url: str, tmp_path: Path, github: FakeGitHub
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    catalog = (
        f"github-app:\n"
        f"  token_url: {github.url}/app/installations/${{connectionConfig.installation_id}}/access_tokens\n"
        f"  proxy:\n    base_url: {github.url}\n"
    )
    async with catalog_client(database_url, tmp_path, catalog) as both:
        yield both


@pytest.fixture
def client(api: tuple[Gateway, httpx.AsyncClient]) -> httpx.AsyncClient:
    return api[1]


async def create_integration(client: httpx.AsyncClient, github: FakeGitHub, private_key: rsa.RSAPrivateKey) -> None:
    credentials = {
        "type": "APP",
        "app_id": APP_ID,
        "app_link": f"{github.url}/apps/unigate-test",
        "private_key": _pem(private_key),
    }
    response = await client.post(
        "/integrations", json={"provider": "github-app", "unique_key": "gh-app", "credentials": credentials}
    )
    assert response.status_code == 200, response.text


async def install(client: httpx.AsyncClient, github: FakeGitHub, connection_id: str = "a1") -> httpx.Response:
    """The browser's trip: Unigate → GitHub's install page → Unigate's callback."""
    query = {"connection_id": connection_id, **await connect_session(client)}
    started = await client.get("/oauth/connect/gh-app", params=query, headers={"Authorization": ""})
    assert started.status_code == 302, started.text
    location = started.headers["location"]
    assert location.startswith(f"{github.url}/apps/unigate-test/installations/new?state=")
    async with httpx.AsyncClient() as browser:
        installed = await browser.get(location)
    assert installed.status_code == 302 and installed.headers["location"].startswith(CALLBACK)
    query_string = urlsplit(installed.headers["location"]).query
    return await client.get("/oauth/callback?" + query_string, headers={"Authorization": ""})


async def test_install_stores_an_installation_token_and_refresh_mints_another(
    client: httpx.AsyncClient, github: FakeGitHub, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    await create_integration(client, github, keys[0])
    before = github.mints
    callback = await install(client, github)
    assert callback.status_code == 200 and "nango_oauth_callback_success" in callback.text
    connection = (await client.get("/connections/a1", params=KEY)).json()
    credentials = connection["credentials"]
    assert credentials["type"] == "APP" and credentials["access_token"] in github.issued
    assert credentials["raw"]["repository_selection"] == "all" and credentials["expires_at"]
    config = connection["connection_config"]
    assert config["installation_id"] == INSTALLATION and config["setup_action"] == "install"
    assert config["appPublicLink"] == "unigate-test"
    async with httpx.AsyncClient(base_url=github.url) as http:
        used = await http.get(
            "/installation/repositories", headers={"Authorization": f"Bearer {credentials['access_token']}"}
        )
    assert used.status_code == 200

    forced = (await client.get("/connections/a1", params={**KEY, "force_refresh": "true"})).json()["credentials"]
    assert forced["access_token"] != credentials["access_token"] and forced["access_token"] in github.issued
    assert github.mints == before + 2

    not_due = (await client.get("/connections/a1", params=KEY)).json()["credentials"]
    assert not_due["access_token"] == forced["access_token"] and github.mints == before + 2


async def test_expired_installation_token_is_reminted_on_use(
    api: tuple[Gateway, httpx.AsyncClient], github: FakeGitHub, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    gateway, client = api
    await create_integration(client, github, keys[0])
    assert (await install(client, github)).status_code == 200
    first = (await client.get("/connections/a1", params=KEY)).json()["credentials"]["access_token"]
    await expire_connections(gateway)
    fresh = (await client.get("/connections/a1", params=KEY)).json()["credentials"]
    assert fresh["access_token"] != first and datetime.fromisoformat(fresh["expires_at"]) > utcnow()


async def test_wrong_private_key_stores_nothing(
    client: httpx.AsyncClient, github: FakeGitHub, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    await create_integration(client, github, keys[1])
    callback = await install(client, github)
    assert callback.status_code == 400 and "connection_test_failed" in callback.text
    assert "PRIVATE KEY" not in callback.text
    assert await stored_connections(client) == []


async def test_callback_without_installation_is_refused(
    client: httpx.AsyncClient, github: FakeGitHub, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]
) -> None:
    await create_integration(client, github, keys[0])
    started = await client.get(
        "/oauth/connect/gh-app", params=await connect_session(client), headers={"Authorization": ""}
    )
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    callback = await client.get(
        "/oauth/callback", params={"setup_action": "request", "state": state}, headers={"Authorization": ""}
    )
    assert callback.status_code == 400 and "missing_installation_id" in callback.text
    assert await stored_connections(client) == []


async def test_integration_without_app_credentials_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/integrations", json={"provider": "github-app", "unique_key": "gh-app"})
    started = await client.get(
        "/oauth/connect/gh-app", params=await connect_session(client), headers={"Authorization": ""}
    )
    assert started.status_code == 400 and "missing_app_credentials" in started.text
