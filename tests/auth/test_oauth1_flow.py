"""OAuth 1.0a against oauthlib's provider endpoints (a real RFC 5849 server we did not write), on loopback."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.testing.loopback import run_app
from gateway.upstream.oauth1_signing import client_auth, sign_request
from tests.auth.conftest import CALLBACK, catalog_client, connect_session, stored_connections

CONSUMER_KEY = "unigateConsumerKey2024"
CONSUMER_SECRET = "consumer-secret-" + secrets.token_hex(8)
KEY = {"provider_config_key": "trello"}


@dataclass
class Store:
    request_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    nonces: set[tuple[Any, ...]] = field(default_factory=set)


class Validator(RequestValidator):  # type: ignore[misc]
    """The provider's storage, as oauthlib asks an application to implement it."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    enforce_ssl = False  # loopback only
    realms = ["read", "write"]
    dummy_client = "dummyClientKey0000000"
    dummy_request_token = "dummyRequestToken0000"
    dummy_access_token = "dummyAccessToken00000"

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return CONSUMER_SECRET if client_key == CONSUMER_KEY else "dummy-secret"

    def validate_timestamp_and_nonce(
        self, client_key: str, timestamp: str, nonce: str, request: Any, **tokens: Any
    ) -> bool:
        seen = (client_key, timestamp, nonce, tuple(sorted(tokens.items())))
        if seen in self.store.nonces:
            return False
        self.store.nonces.add(seen)
        return True

    def validate_redirect_uri(self, client_key: str, redirect_uri: str, request: Any) -> bool:
        return redirect_uri == CALLBACK

    def validate_requested_realms(self, client_key: str, realms: list[str], request: Any) -> bool:
        return set(realms) <= set(self.realms)

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return list(self.realms)

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        self.store.request_tokens[token["oauth_token"]] = {
            "secret": token["oauth_token_secret"],
            "callback": request.redirect_uri,
            "realms": request.realms,
        }

    def verify_request_token(self, token: str, request: Any) -> bool:
        return token in self.store.request_tokens

    def get_realms(self, token: str, request: Any) -> list[str]:
        realms: list[str] = self.store.request_tokens.get(token, {}).get("realms", [])
        return realms

    def verify_realms(self, token: str, realms: list[str], request: Any) -> bool:
        return set(realms) <= set(self.get_realms(token, request))

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        self.store.request_tokens[token]["verifier"] = verifier["oauth_verifier"]

    def get_redirect_uri(self, token: str, request: Any) -> str:
        callback: str = self.store.request_tokens[token]["callback"]
        return callback

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY and token in self.store.request_tokens

    def get_request_token_secret(self, client_key: str, token: str, request: Any) -> str:
        secret: str = self.store.request_tokens.get(token, {}).get("secret", "dummy-secret")
        return secret

    def validate_verifier(self, client_key: str, token: str, verifier: str, request: Any) -> bool:
        expected = self.store.request_tokens.get(token, {}).get("verifier")
        return expected is not None and secrets.compare_digest(expected, verifier)

    def invalidate_request_token(self, client_key: str, request_token: str, request: Any) -> None:
        self.store.request_tokens.pop(request_token, None)

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        self.store.access_tokens[token["oauth_token"]] = {"secret": token["oauth_token_secret"]}

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY and token in self.store.access_tokens

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        secret: str = self.store.access_tokens.get(token, {}).get("secret", "dummy-secret")
        return secret

    def validate_realms(self, client_key: str, token: str, request: Any, uri: Any = None, realms: Any = None) -> bool:
        return True


def _answer(headers: dict[str, str], body: str | None, status: int) -> Response:
    return Response(body or "", status_code=status, headers=headers)


def provider_app(store: Store) -> Starlette:
    validator = Validator(store)

    async def oauthlib_call(request: Request) -> tuple[str, str, str, dict[str, str]]:
        return str(request.url), request.method, (await request.body()).decode(), dict(request.headers)

    async def request_token(request: Request) -> Response:
        return _answer(*RequestTokenEndpoint(validator).create_request_token_response(*await oauthlib_call(request)))

    async def authorize_page(request: Request) -> Response:
        token = request.query_params.get("oauth_token", "")
        if token not in store.request_tokens:
            return HTMLResponse("unknown request token", status_code=400)
        return HTMLResponse(f'<form method="post"><input name="oauth_token" value="{token}"></form>')

    async def authorize(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        token = form["oauth_token"]
        if form.get("decision") != "allow":
            return RedirectResponse(f"{store.request_tokens[token]['callback']}?denied={token}", status_code=302)
        uri = f"{request.url}?oauth_token={token}"
        headers, body, status = AuthorizationEndpoint(validator).create_authorization_response(
            uri, "GET", credentials={"user": "alice"}
        )
        return _answer(headers, body, status)

    async def access_token(request: Request) -> Response:
        return _answer(*AccessTokenEndpoint(validator).create_access_token_response(*await oauthlib_call(request)))

    async def resource(request: Request) -> Response:
        uri, method, body, headers = await oauthlib_call(request)
        valid, checked = ResourceEndpoint(validator).validate_protected_resource_request(uri, method, body, headers)
        if not valid:
            return JSONResponse(
                {"message": "invalid signature", "uri": uri, "auth": headers.get("authorization")}, status_code=401
            )
        return JSONResponse({"username": "alice", "token": checked.resource_owner_key, "body": body})

    return Starlette(
        routes=[
            Route("/1/OAuthGetRequestToken", request_token, methods=["POST"]),
            Route("/1/OAuthAuthorizeToken", authorize_page, methods=["GET"]),
            Route("/1/OAuthAuthorizeToken", authorize, methods=["POST"]),
            Route("/1/OAuthGetAccessToken", access_token, methods=["POST"]),
            Route("/1/members/me", resource, methods=["GET", "POST"]),
        ]
    )


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, Store]]:
    store = Store()
    with run_app(provider_app(store)) as url:
        yield url, store


@pytest.fixture
async def api(
    database_url: str, tmp_path: Path, provider: tuple[str, Store]
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    url = provider[0]
    catalog = (
        f"trello:\n  request_url: {url}/1/OAuthGetRequestToken\n  authorization_url: {url}/1/OAuthAuthorizeToken\n"
        f"  token_url: {url}/1/OAuthGetAccessToken\n  proxy:\n    base_url: {url}\n"
    )
    async with catalog_client(database_url, tmp_path, catalog) as both:
        yield both


async def create_integration(client: httpx.AsyncClient, secret: str = CONSUMER_SECRET) -> None:
    credentials = {"type": "OAUTH1", "client_id": CONSUMER_KEY, "client_secret": secret, "scopes": "read,write"}
    response = await client.post(
        "/integrations", json={"provider": "trello", "unique_key": "trello", "credentials": credentials}
    )
    assert response.status_code == 200, response.text


async def start(client: httpx.AsyncClient, provider_url: str) -> httpx.Response:
    params = {"connection_id": "o1", **await connect_session(client)}
    return await client.get("/oauth/connect/trello", params=params, headers={"Authorization": ""})


async def authorise(location: str, decision: str = "allow") -> str:
    """The end user reads the provider's page and answers; the provider redirects back to Unigate."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(location)
        assert page.status_code == 200
        token = parse_qs(urlsplit(location).query)["oauth_token"][0]
        answer = await browser.post(location.split("?")[0], data={"oauth_token": token, "decision": decision})
    assert answer.status_code == 302, answer.text
    redirect: str = answer.headers["location"]
    assert redirect.startswith(CALLBACK)
    return redirect


async def callback(client: httpx.AsyncClient, redirect: str) -> httpx.Response:
    return await client.get("/oauth/callback?" + urlsplit(redirect).query, headers={"Authorization": ""})


async def test_three_legs_then_signed_requests(
    api: tuple[Gateway, httpx.AsyncClient], provider: tuple[str, Store]
) -> None:
    gateway, client = api
    url, store = provider
    await create_integration(client)
    started = await start(client, url)
    assert started.status_code == 302, started.text
    location = started.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{url}/1/OAuthAuthorizeToken?")
    assert query["scope"] == ["read,write"] and query["expiration"] == ["never"]
    finished = await callback(client, await authorise(location))
    assert finished.status_code == 200 and "nango_oauth_callback_success" in finished.text
    credentials = (await client.get("/connections/o1", params=KEY)).json()["credentials"]
    assert credentials["type"] == "OAUTH1" and credentials["oauth_token"] in store.access_tokens
    assert credentials["oauth_token_secret"] == store.access_tokens[credentials["oauth_token"]]["secret"]
    assert credentials["raw"]["oauth_authorized_realms"] == "read write"
    forced = (await client.get("/connections/o1", params={**KEY, "force_refresh": "true"})).json()["credentials"]
    assert forced == credentials  # OAuth 1 tokens are not refreshed

    entry = gateway.catalog["trello"]
    auth = client_auth(
        entry,
        CONSUMER_KEY,
        CONSUMER_SECRET,
        token=credentials["oauth_token"],
        token_secret=credentials["oauth_token_secret"],
    )
    async with httpx.AsyncClient() as http:
        signed = sign_request(httpx.Request("GET", f"{url}/1/members/me?fields=username"), auth)
        ok = await http.send(signed)
        assert ok.status_code == 200 and ok.json()["token"] == credentials["oauth_token"]
        tampered = httpx.Request("GET", f"{url}/1/members/me?fields=email", headers=dict(signed.headers))
        assert (await http.send(tampered)).status_code == 401
        form = sign_request(httpx.Request("POST", f"{url}/1/members/me", data={"name": "card"}), auth)
        posted_form = await http.send(form)
        assert posted_form.status_code == 200 and posted_form.json()["body"] == "name=card"

    proxy = {"Connection-Id": "o1", "Provider-Config-Key": "trello"}  # the proxy signs each call the same way
    through = await client.get("/proxy/1/members/me", params={"fields": "username"}, headers=proxy)
    assert through.status_code == 200 and through.json()["token"] == credentials["oauth_token"], through.text
    posted = await client.post("/proxy/1/members/me", data={"name": "card"}, headers=proxy)
    assert posted.status_code == 200 and posted.json()["body"] == "name=card"


async def test_wrong_consumer_secret_stores_nothing(
    api: tuple[Gateway, httpx.AsyncClient], provider: tuple[str, Store]
) -> None:
    _, client = api
    await create_integration(client, secret="not-the-secret")
    started = await start(client, provider[0])
    assert started.status_code == 400 and "connection_test_failed" in started.text
    assert "not-the-secret" not in started.text
    assert await stored_connections(client) == []


async def test_denial_and_forged_verifier_store_nothing(
    api: tuple[Gateway, httpx.AsyncClient], provider: tuple[str, Store]
) -> None:
    _, client = api
    await create_integration(client)
    denied = await callback(client, await authorise((await start(client, provider[0])).headers["location"], "deny"))
    assert denied.status_code == 400 and "access_denied" in denied.text
    redirect = await authorise((await start(client, provider[0])).headers["location"])
    token = parse_qs(urlsplit(redirect).query)["oauth_token"][0]
    forged = await client.get(
        "/oauth/callback", params={"oauth_token": token, "oauth_verifier": "forged"}, headers={"Authorization": ""}
    )
    assert forged.status_code == 400 and "token_exchange_failed" in forged.text
    replay = await callback(client, redirect)  # the pending authorisation was used up
    assert replay.status_code == 400 and "invalid_state" in replay.text
    assert await stored_connections(client) == []
