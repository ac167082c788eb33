"""What the gateway does around a resource: declared filters only, ``provider`` stamped, ``remote_data`` removed
unless asked, and the kit's error table answered with its status (a minimal provider against a loopback fake)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.plugins import hookimpl
from gateway.provider import (
    ListQuery,
    Provider,
    ProviderContext,
    Resource,
    ResourcePage,
    paginate,
    parse_time,
    raise_for_answer,
)
from gateway.testing.kit import make_gateway
from gateway.testing.loopback import run_app
from unified_models import User

PEOPLE = [{"id": n, "login": f"user{n}", "seen": "2024-01-02T03:04:05Z"} for n in range(3)]


def to_user(person: dict[str, Any]) -> User:
    return User(id=person["login"], remote_id=str(person["id"]), provider="plain", remote_data=person)


class PlainUsers(Resource[User]):
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        page = await paginate(ctx, f"/people/{query.collection_id}", query, operation="listing people")
        return ResourcePage([to_user(p) for p in page.items], page.next_cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(f"/person/{remote_id}")
        raise_for_answer(ctx, response, f"getting user {remote_id}")
        person = response.json()
        assert parse_time(person["seen"]) is not None
        return to_user(person)


class PlainProvider(Provider):
    catalog_keys = ("plain", "plain-too")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {"users": PlainUsers}


plugin = SimpleNamespace(register_providers=hookimpl(lambda register: register(PlainProvider)))


async def people(request: Request) -> Response:
    size, page = int(request.query_params["limit"]), int(request.query_params.get("page", "1"))
    headers = {}
    if page * size < len(PEOPLE):
        headers["link"] = f'<{request.url.replace(query=f"limit={size}&page={page + 1}")}>; rel="next"'
    return JSONResponse(PEOPLE[(page - 1) * size : page * size], headers=headers)


async def person(request: Request) -> Response:
    login = request.path_params["login"]
    if login == "busy":
        return JSONResponse({"message": "slow down"}, status_code=429, headers={"retry-after": "1"})
    if login == "secret":
        return JSONResponse({"message": "Resource not accessible"}, status_code=403)
    found = [p for p in PEOPLE if p["login"] == login]
    return JSONResponse(found[0]) if found else JSONResponse({"message": "Not Found"}, status_code=404)


@pytest.fixture(params=["plain", "plain-too"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    key = request.param
    app = Starlette(routes=[Route("/people/{team}", people), Route("/person/{login}", person)])
    with run_app(app) as url:
        entry = (
            "  display_name: Plain\n  categories: [other]\n  docs: https://example.test\n  auth_mode: API_KEY\n"
            f"  proxy:\n    base_url: {url}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
            "    paginate:\n      type: link\n      limit_name_in_request: limit\n"
        )
        catalog = tmp_path / "plain.yaml"
        catalog.write_text(f"plain:\n{entry}plain-too:\n{entry}")
        async with make_gateway(
            plugins=[plugin], providers_files=[catalog], allow_private_hosts=True, proxy_max_retry_wait=1
        ) as (
            _,
            client,
        ):
            await client.post("/integrations", json={"provider": key, "unique_key": "p"})
            credentials = {"type": "API_KEY", "apiKey": "k"}
            await client.post(
                "/connections", json={"provider_config_key": "p", "connection_id": "c", "credentials": credentials}
            )
            client.headers.update({"Connection-Id": "c", "Provider-Config-Key": "p", "X-Key": key})
            yield client


async def test_lists_follow_the_catalog_pagination_and_are_stamped(api: httpx.AsyncClient) -> None:
    key = api.headers["X-Key"]
    first = await api.get("/users", params={"collection_id": "team", "page_size": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert [u["id"] for u in body["data"]] == ["user0", "user1"] and body["next_cursor"]
    assert all(u["provider"] == key and u["remote_data"] is None for u in body["data"])
    rest = await api.get("/users", params={"cursor": body["next_cursor"], "page_size": 2})
    assert [u["id"] for u in rest.json()["data"]] == ["user2"] and rest.json()["next_cursor"] is None
    raw = await api.get("/users/user1", params={"include_remote_data": "true"})
    assert raw.json()["data"]["provider"] == key and raw.json()["data"]["remote_data"]["login"] == "user1"


async def test_undeclared_filters_are_refused_naming_the_supported_ones(api: httpx.AsyncClient) -> None:
    answer = await api.get("/users", params={"collection_id": "team", "modified_after": "2024-01-01T00:00:00Z"})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_query_params" and error["message"].startswith("modified_after: ")
    assert "filters it supports: collection_id" in error["message"]


async def test_the_error_table_answers_keep_their_meaning(api: httpx.AsyncClient) -> None:
    missing = await api.get("/users/ghost")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert missing.json()["error"]["message"].startswith("getting user ghost: Plain")
    forbidden = await api.get("/users/secret")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    limited = await api.get("/users/busy")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited", limited.text
