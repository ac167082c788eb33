from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import httpx
import pytest

from tests.conftest import error_of

KEY = {"provider_config_key": "linear"}


@pytest.fixture
async def two_connections(client: httpx.AsyncClient) -> None:
    await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "linear"})
    for cid in ("a", "b"):
        body = {
            **KEY,
            "connection_id": cid,
            "metadata": {"keep": cid},
            "credentials": {"type": "API_KEY", "apiKey": "k"},
        }
        assert (await client.post("/connections", json=body)).status_code == 201


async def metadata_of(client: httpx.AsyncClient, cid: str) -> object:
    return (await client.get(f"/connections/{cid}", params=KEY)).json()["metadata"]


@pytest.mark.usefixtures("two_connections")
async def test_post_replaces_and_patch_merges(client: httpx.AsyncClient) -> None:
    body = {**KEY, "connection_id": "a", "metadata": {"plan": "pro"}}
    replaced = await client.post("/connections/metadata", json=body)
    assert replaced.status_code == 200 and replaced.json() == body
    assert await metadata_of(client, "a") == {"plan": "pro"}
    merged = await client.patch(
        "/connections/metadata", json={**KEY, "connection_id": ["a", "b"], "metadata": {"x": 1}}
    )
    assert merged.status_code == 200
    assert await metadata_of(client, "a") == {"plan": "pro", "x": 1}
    assert await metadata_of(client, "b") == {"keep": "b", "x": 1}


@pytest.mark.usefixtures("two_connections")
async def test_one_unknown_connection_writes_nothing(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/connections/metadata", json={**KEY, "connection_id": ["a", "ghost"], "metadata": {"x": 1}}
    )
    assert response.status_code == 404
    assert "'ghost'" in error_of(response)["message"]
    assert await metadata_of(client, "a") == {"keep": "a"}


@pytest.mark.usefixtures("two_connections")
async def test_metadata_must_be_an_object(client: httpx.AsyncClient) -> None:
    response = await client.patch("/connections/metadata", json={**KEY, "connection_id": "a", "metadata": "x"})
    assert response.status_code == 400 and "metadata" in error_of(response)["message"]


@pytest.mark.usefixtures("two_connections")
async def test_concurrent_merges_keep_every_key(client: httpx.AsyncClient) -> None:
    """100 merges at once, each adding its own key to both connections: none is lost, and naming the two
    connections in either order does not deadlock."""

    def merge(i: int) -> Awaitable[httpx.Response]:
        ids = ["a", "b"] if i % 2 else ["b", "a"]
        return client.patch("/connections/metadata", json={**KEY, "connection_id": ids, "metadata": {f"k{i}": i}})

    responses = await asyncio.gather(*(merge(i) for i in range(100)))
    assert {r.status_code for r in responses} == {200}
    for cid in ("a", "b"):
        assert await metadata_of(client, cid) == {"keep": cid, **{f"k{i}": i for i in range(100)}}
