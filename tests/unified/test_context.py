"""The unified path's own outbound behaviour, with a minimal provider and loopback fakes: the credentials stay on the
base URL, a refused token is refreshed once (against the real authorization server), rate limits and failures are
retried within bounds then answered with a code the caller can act on, OAuth 1 calls are signed, and every
provider request is in the call log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.plugins import hookimpl
from gateway.provider import ListQuery, Provider, ProviderContext, ProviderError, Resource, ResourcePage
from gateway.runtime import Gateway
from gateway.testing.kit import make_gateway
from gateway.testing.loopback import run_app
from tests.auth.conftest import APP, PUBLIC_URL, catalog_client, idp_catalog, oauth_server  # noqa: F401  (fixtures)
from tests.auth.test_oauth1_flow import CONSUMER_KEY, Store, authorise, callback, create_integration, provider_app
from tests.auth.test_oauth1_flow import start as start_oauth1
from tests.auth.test_proxy_refresh import connect
from tests.auth.upstream import protected_api
from tests.oauth_server import OAuthServer
from unified_models import Ticket

HEADERS = {"Connection-Id": "c1", "Provider-Config-Key": "mini"}


class PathTickets(Resource):
    """Lists what the provider answers at the path given as ``collection_id`` (a test-only shortcut)."""

    filters: ClassVar[frozenset[str]] = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        answer = await ctx.http.get(query.collection_id or "/tickets")
        if answer.status_code >= 400:
            raise ProviderError(502, "upstream_error", f"{ctx.provider} answered {answer.status_code}")
        body = answer.json()
        found = body.get("items") or [{"id": body.get("sub") or body.get("token")}]  # a list, or who the token is
        items = [Ticket(id=str(i["id"]), remote_id=str(i["id"]), provider=ctx.provider) for i in found]
        return ResourcePage(items)


def provider_for(key: str) -> object:
    """A plugin registering a provider for catalog ``key`` whose only resource is ``PathTickets``."""

    class Mini(Provider):
        catalog_key = key
        resources: ClassVar[Mapping[str, type[Resource]]] = {"tickets": PathTickets}

    cls = Mini
    return SimpleNamespace(register_providers=hookimpl(lambda register: register(cls)))


@dataclass
class Fake:
    """A provider on loopback that records each request's path and Authorization header."""

    seen: list[tuple[str, str]] = field(default_factory=list)
    flaky_left: int = 1
    url: str = ""

    def app(self) -> Starlette:
        def recorded(request: Request) -> None:
            self.seen.append((request.url.path, request.headers.get("authorization", "")))

        async def tickets(request: Request) -> Response:
            recorded(request)
            return JSONResponse({"items": [{"id": 1}, {"id": 2}]})

        async def flaky(request: Request) -> Response:
            recorded(request)
            if self.flaky_left > 0:
                self.flaky_left -= 1
                return JSONResponse({"message": "try again"}, status_code=503)
            return JSONResponse({"items": [{"id": 3}]})

        async def limited(request: Request) -> Response:
            recorded(request)
            wait = request.path_params["wait"]
            return JSONResponse({"message": "slow down"}, status_code=429, headers={"Retry-After": wait})

        async def broken(request: Request) -> Response:
            recorded(request)
            return JSONResponse({"message": "down"}, status_code=500)

        async def denied(request: Request) -> Response:
            recorded(request)
            return JSONResponse({"message": "Bad credentials"}, status_code=401)

        return Starlette(
            routes=[
                Route("/tickets", tickets),
                Route("/flaky", flaky),
                Route("/limited/{wait}", limited),
                Route("/broken", broken),
                Route("/denied", denied),
                Route("/steal", tickets),
            ]
        )


def mini_catalog(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(
        "mini:\n  display_name: Mini\n  categories: [ticketing]\n  docs: https://example.test\n  auth_mode: API_KEY\n"
        f"  proxy:\n    base_url: {base_url}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
    )
    return path


@dataclass
class Setup:
    gateway: Gateway
    client: httpx.AsyncClient
    fake: Fake
    elsewhere: Fake


@asynccontextmanager
async def mini_gateway(
    tmp_path: Path, base_url: str, **settings: object
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """A gateway serving the minimal provider at ``base_url``, with an API-key connection ``c1`` its client names."""
    async with make_gateway(
        plugins=[provider_for("mini")],
        providers_files=[mini_catalog(tmp_path, base_url)],
        allow_private_hosts=True,
        proxy_backoff_seconds=0.01,
        **settings,
    ) as (gateway, client):
        await client.post("/integrations", json={"provider": "mini", "unique_key": "mini"})
        credentials = {"type": "API_KEY", "apiKey": "secret-key-1"}
        created = await client.post(
            "/connections", json={"provider_config_key": "mini", "connection_id": "c1", "credentials": credentials}
        )
        assert created.status_code in (200, 201), created.text
        client.headers.update(HEADERS)
        yield gateway, client


@pytest.fixture
async def mini(tmp_path: Path) -> AsyncIterator[Setup]:
    fake, elsewhere = Fake(), Fake()
    with run_app(fake.app()) as url, run_app(elsewhere.app()) as elsewhere.url:
        async with mini_gateway(tmp_path, url, unified_retries=2, proxy_max_retry_wait=5) as (gateway, client):
            yield Setup(gateway, client, fake, elsewhere)


async def tickets(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await client.get("/tickets", params={"collection_id": path})


async def test_credentials_go_to_the_base_url_only(mini: Setup) -> None:
    ok = await tickets(mini.client, "/tickets")
    assert ok.status_code == 200 and [t["id"] for t in ok.json()["data"]] == ["1", "2"]
    assert mini.fake.seen == [("/tickets", "Bearer secret-key-1")]
    away = await tickets(mini.client, f"{mini.elsewhere.url}/steal")
    assert away.status_code == 502, away.text
    assert away.json()["error"]["code"] == "upstream_error"
    assert "outside its base URL" in away.json()["error"]["message"]
    assert mini.elsewhere.seen == []  # nothing was sent there, let alone the key
    assert "secret-key-1" not in away.text


async def test_transient_failure_is_retried(mini: Setup) -> None:
    answer = await tickets(mini.client, "/flaky")
    assert answer.status_code == 200 and [t["id"] for t in answer.json()["data"]] == ["3"]
    assert [path for path, _ in mini.fake.seen] == ["/flaky", "/flaky"]


async def test_lasting_server_errors_are_retried_within_bounds(mini: Setup) -> None:
    answer = await tickets(mini.client, "/broken")
    assert answer.status_code == 502 and answer.json()["error"]["message"] == "mini answered 500"
    assert len(mini.fake.seen) == 3  # the first attempt and UNIGATE_UNIFIED_RETRIES=2 retries


async def test_a_lasting_rate_limit_is_429_with_retry_after(mini: Setup) -> None:
    retried = await tickets(mini.client, "/limited/0")
    assert retried.status_code == 429, retried.text
    assert retried.json()["error"]["code"] == "rate_limited" and retried.headers["retry-after"] == "0"
    assert len(mini.fake.seen) == 3
    mini.fake.seen.clear()
    too_long = await tickets(mini.client, "/limited/30")  # longer than UNIGATE_PROXY_MAX_RETRY_WAIT=5: no waiting
    assert too_long.status_code == 429 and too_long.headers["retry-after"] == "30"
    assert "retry in 30 s" in too_long.json()["error"]["message"]
    assert len(mini.fake.seen) == 1


async def test_a_key_the_provider_refuses_asks_to_reconnect(mini: Setup) -> None:
    answer = await tickets(mini.client, "/denied")
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "upstream_unauthorized"
    assert "reconnect" in answer.json()["error"]["message"]
    assert len(mini.fake.seen) == 1  # an API key cannot be refreshed: no second try


async def test_unified_calls_are_in_the_call_log(mini: Setup) -> None:
    await tickets(mini.client, "/flaky")
    await tickets(mini.client, "/limited/30")
    await mini.gateway.call_log.flush()
    logs = (await mini.client.get("/logs", params={"connection_id": "c1"})).json()["logs"]
    seen = sorted((entry["path"], entry["status"], entry["attempts"]) for entry in logs)
    assert seen == [("/flaky", 200, 2), ("/limited/30", 429, 1)]


async def test_an_unreachable_provider_is_502_upstream_unreachable(tmp_path: Path) -> None:
    with run_app(Fake().app()) as url:
        closed = url  # the server stops at the end of this block: its port then refuses connections
    async with mini_gateway(tmp_path, closed, unified_retries=1) as (_, client):
        answer = await client.get("/tickets")
    assert answer.status_code == 502, answer.text
    assert answer.json()["error"]["code"] == "upstream_unreachable"
    assert "check the connection's base URL" in answer.json()["error"]["message"]


class DenyList(set[str]):
    """Tokens the API refuses; with ``everything`` set, it refuses them all (the end user revoked the app)."""

    everything = False

    def __contains__(self, item: object) -> bool:
        return self.everything or super().__contains__(item)


@pytest.fixture
def idp_api(oauth_server: OAuthServer, idp_catalog: Path, tmp_path: Path) -> Iterator[tuple[list[Path], DenyList]]:  # noqa: F811
    denied = DenyList()
    with run_app(protected_api(oauth_server, str(APP["client_id"]), str(APP["client_secret"]), denied)) as url:
        override = tmp_path / "api.yaml"
        override.write_text(f"test-idp:\n  proxy:\n    base_url: {url}/api\n")
        yield [idp_catalog, override], denied


async def test_a_refused_oauth_token_is_refreshed_once(
    oauth_server: OAuthServer,  # noqa: F811
    idp_api: tuple[list[Path], DenyList],
) -> None:
    files, denied = idp_api
    async with make_gateway(
        plugins=[provider_for("test-idp")], providers_files=files, allow_private_hosts=True, public_url=PUBLIC_URL
    ) as (_, client):
        await connect(client, oauth_server)
        headers = {"Connection-Id": "c1", "Provider-Config-Key": "idp"}
        stored = (await client.get("/connections/c1", params={"provider_config_key": "idp"})).json()
        denied.add(stored["credentials"]["access_token"])  # the API stops accepting it before it expires
        oauth_server.reset_stats()
        me = await client.get("/tickets", params={"collection_id": "/me"}, headers=headers)
        assert me.status_code == 200, me.text
        assert [t["id"] for t in me.json()["data"]] == ["user-1"]
        assert oauth_server.stats()["refresh_token"] == 1
        denied.everything = True  # refreshing no longer helps: one refresh, then the caller is told to reconnect
        refused = await client.get("/tickets", params={"collection_id": "/me"}, headers=headers)
        assert refused.status_code == 502 and refused.json()["error"]["code"] == "upstream_unauthorized"
        assert oauth_server.stats()["refresh_token"] == 2


@pytest.fixture
def oauth1_provider() -> Iterator[tuple[str, Store]]:
    store = Store()
    with run_app(provider_app(store)) as url:
        yield url, store


async def test_oauth1_unified_calls_are_signed(
    database_url: str, tmp_path: Path, oauth1_provider: tuple[str, Store]
) -> None:
    url, store = oauth1_provider
    catalog = (
        f"trello:\n  request_url: {url}/1/OAuthGetRequestToken\n  authorization_url: {url}/1/OAuthAuthorizeToken\n"
        f"  token_url: {url}/1/OAuthGetAccessToken\n  proxy:\n    base_url: {url}\n"
    )
    async with catalog_client(database_url, tmp_path, catalog, plugins=[provider_for("trello")]) as (_, client):
        await create_integration(client)
        started = await start_oauth1(client, url)
        finished = await callback(client, await authorise(started.headers["location"]))
        assert finished.status_code == 200, finished.text
        headers = {"Connection-Id": "o1", "Provider-Config-Key": "trello"}
        me = await client.get("/tickets", params={"collection_id": "/1/members/me?fields=username"}, headers=headers)
    assert me.status_code == 200, me.text  # the provider verified the signature (oauthlib's resource endpoint)
    token = me.json()["data"][0]["id"]
    assert token in store.access_tokens and CONSUMER_KEY not in token
