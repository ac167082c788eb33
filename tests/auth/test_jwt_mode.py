"""JWT mode: Ghost Admin (HS256, hex secret) and App Store Connect (ES256), checked by loopback fakes."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.testing.loopback import run_app
from tests.auth.conftest import catalog_client, connect_session, expire_connections, stored_connections

KEY_ID = "6489f6a2c1b5d70001a3c2e1"
SECRET = secrets.token_hex(32)
ISSUER = "57246542-96fe-1a63-e053-0824d011072a"
APPLE_KEY_ID = "2X9R4HXF34"


@dataclass
class Fakes:
    url: str
    ec_public: str
    ec_private: str


def _denied() -> Response:
    return JSONResponse({"errors": [{"type": "UnauthorizedError"}]}, status_code=401)


def fake_app(ec_public: str) -> Starlette:
    async def ghost_site(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            kid = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")).get("kid")
        except ValueError:
            return _denied()
        if scheme != "Ghost" or kid != KEY_ID:  # Ghost finds the secret by the key id
            return _denied()
        try:
            claims = jwt.decode(token, OctKey.import_key(bytes.fromhex(SECRET)), algorithms=["HS256"]).claims
        except JoseError:
            return _denied()
        assert claims["aud"] == "/admin/" and claims["exp"] - claims["iat"] == 300 and claims["exp"] > time.time()
        return JSONResponse({"site": {"title": "Acme"}})

    async def apple_apps(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            decoded = jwt.decode(token, ECKey.import_key(ec_public), algorithms=["ES256"])
        except (JoseError, ValueError):
            return _denied()
        claims = decoded.claims
        assert decoded.header["kid"] == APPLE_KEY_ID and decoded.header["typ"] == "JWT"
        assert claims["iss"] == ISSUER and claims["aud"] == "appstoreconnect-v1"
        assert claims["exp"] - claims["iat"] == 1200
        return JSONResponse({"data": []})

    return Starlette(
        routes=[Route("/ghost/api/admin/site/", ghost_site), Route("/v1/apps", apple_apps)],
    )


def _pem_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode(), public.decode()


@pytest.fixture(scope="module")
def fakes() -> Iterator[Fakes]:
    private, public = _pem_pair()
    with run_app(fake_app(public)) as url:
        yield Fakes(url, public, private)


@pytest.fixture
async def api(database_url: str, tmp_path: Path, fakes: Fakes) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    catalog = (
        f"ghost-admin:\n  proxy:\n    base_url: {fakes.url}/ghost/api/admin\n"
        f"    verification:\n      endpoints: [/site/]\n"
        f"app-store-connect:\n  proxy:\n    base_url: {fakes.url}\n    verification:\n      endpoints: [/v1/apps]\n"
    )
    async with catalog_client(database_url, tmp_path, catalog) as both:
        gateway, client = both
        for provider in ("ghost-admin", "app-store-connect", "personio"):
            await client.post("/integrations", json={"provider": provider, "unique_key": provider})
        yield both


async def connect(client: httpx.AsyncClient, integration: str, body: dict[str, Any], **query: str) -> httpx.Response:
    params = {"connection_id": "j1", **await connect_session(client), **query}
    return await client.post(f"/auth/jwt/{integration}", params=params, json=body, headers={"Authorization": ""})


async def test_ghost_token_is_signed_stored_and_resigned(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = api
    created = await connect(
        client, "ghost-admin", {"keyId": KEY_ID, "secret": SECRET}, **{"params[hostname]": "acme.ghost.io"}
    )
    assert created.status_code == 200, created.text
    assert created.json() == {"providerConfigKey": "ghost-admin", "connectionId": "j1"}
    key = {"provider_config_key": "ghost-admin"}
    first = (await client.get("/connections/j1", params=key)).json()["credentials"]
    assert first["type"] == "JWT" and first["keyId"] == KEY_ID and first["secret"] == SECRET
    decoded = jwt.decode(first["token"], OctKey.import_key(bytes.fromhex(SECRET)), algorithms=["HS256"])
    assert decoded.header == {"alg": "HS256", "typ": "JWT", "kid": KEY_ID}
    assert decoded.claims["exp"] - decoded.claims["iat"] == 300

    again = (await client.get("/connections/j1", params=key)).json()["credentials"]
    assert again["token"] == first["token"]  # 5 minutes left, more than half its life: not re-signed
    await asyncio.sleep(1.05)  # HS256 is deterministic: a new token needs a new second
    forced = (await client.get("/connections/j1", params={**key, "force_refresh": "true"})).json()["credentials"]
    assert forced["token"] != first["token"] and forced["expires_at"] > first["expires_at"]
    await expire_connections(gateway)
    used = (await client.get("/connections/j1", params=key)).json()["credentials"]
    claims = jwt.decode(used["token"], OctKey.import_key(bytes.fromhex(SECRET)), algorithms=["HS256"]).claims
    assert claims["exp"] > time.time() + 250


async def test_app_store_connect_es256(api: tuple[Gateway, httpx.AsyncClient], fakes: Fakes) -> None:
    _, client = api
    body = {"issuerId": ISSUER, "privateKeyId": APPLE_KEY_ID, "privateKey": fakes.ec_private}
    created = await connect(client, "app-store-connect", body)
    assert created.status_code == 200, created.text
    key = {"provider_config_key": "app-store-connect"}
    first = (await client.get("/connections/j1", params=key)).json()["credentials"]
    forced = (await client.get("/connections/j1", params={**key, "force_refresh": "true"})).json()["credentials"]
    assert forced["token"] != first["token"]  # ECDSA signatures differ each time
    for token in (first["token"], forced["token"]):
        claims = jwt.decode(token, ECKey.import_key(fakes.ec_public), algorithms=["ES256"]).claims
        assert claims["iss"] == ISSUER


async def test_wrong_credentials_store_nothing(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    wrong = secrets.token_hex(32)
    refused = await connect(
        client, "ghost-admin", {"keyId": KEY_ID, "secret": wrong}, **{"params[hostname]": "acme.ghost.io"}
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "connection_test_failed"
    assert wrong not in refused.text
    not_hex = await connect(
        client, "ghost-admin", {"keyId": KEY_ID, "secret": "zz-secret"}, **{"params[hostname]": "a.io"}
    )
    assert not_hex.status_code == 400 and "zz-secret" not in not_hex.text
    garbage_key = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
    body = {"issuerId": ISSUER, "privateKeyId": APPLE_KEY_ID, "privateKey": garbage_key}
    bad_key = await connect(client, "app-store-connect", body)
    assert bad_key.status_code == 400 and bad_key.json()["error"]["code"] == "connection_test_failed"
    assert "bm90IGEga2V5" not in bad_key.text
    assert await stored_connections(client) == []


async def test_body_and_mode_are_checked(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    missing = await connect(client, "ghost-admin", {"keyId": KEY_ID}, **{"params[hostname]": "acme.ghost.io"})
    assert missing.status_code == 400 and "secret" in missing.json()["error"]["message"]
    unknown = await connect(client, "ghost-admin", {"keyId": KEY_ID, "secret": SECRET, "extra": "x"})
    assert unknown.status_code == 400 and "extra" in unknown.json()["error"]["message"]
    other_mode = await connect(client, "personio", {"client_id": "a", "client_secret": "b"})
    assert other_mode.status_code == 400 and other_mode.json()["error"]["code"] == "invalid_auth_mode"
    assert await stored_connections(client) == []
