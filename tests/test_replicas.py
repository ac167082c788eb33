"""Two ``unigate serve`` replicas on one PostgreSQL database behind a round-robin client (docs/deploy.md): a mixed
workload of writes, merges, proxied calls and connect sessions, spread over both, fails no request, and afterwards
both replicas answer the same state."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import error_of
from tests.proxy.conftest import upstream, write_catalog  # noqa: F401  (the loopback provider fixture)
from tests.proxy.upstream import EchoUpstream
from tests.servers import RunningServer, running_server, unigate_env

CONNECTIONS = 12
MERGES = 4
CONCURRENCY = 6


class RoundRobin:
    """Sends each request to the next replica, as a load balancer without affinity would."""

    def __init__(self, clients: list[httpx.AsyncClient]) -> None:
        self.clients = clients
        self.next = itertools.cycle(range(len(clients)))
        self.statuses: Counter[int] = Counter()

    async def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        response = await self.clients[next(self.next)].request(method, path, **options)
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, response.text
        return response


def proxy_headers(connection_id: str) -> dict[str, str]:
    return {"Connection-Id": connection_id, "Provider-Config-Key": "echo"}


async def one_end_user(balancer: RoundRobin, index: int) -> None:
    """The life of one end user's connection, every step through whichever replica comes next."""
    connection_id = f"user-{index}"
    credentials = {"type": "API_KEY", "apiKey": f"key-{index}-a"}
    body = {"provider_config_key": "echo", "connection_id": connection_id, "credentials": credentials}
    assert (await balancer.request("POST", "/connections", json=body)).status_code == 201
    proxied = await balancer.request("GET", "/proxy/who", headers=proxy_headers(connection_id))
    assert proxied.json()["headers"]["authorization"] == f"Bearer key-{index}-a"
    session = {"end_user": {"id": connection_id}, "allowed_integrations": ["echo"]}
    assert (await balancer.request("POST", "/connect/sessions", json=session)).status_code == 201
    body["credentials"] = {"type": "API_KEY", "apiKey": f"key-{index}-b"}
    assert (await balancer.request("POST", "/connections", json=body)).status_code == 200  # re-authorised: a new key
    merges = [  # at once, spread over both replicas: none may lose another's keys
        {"connection_id": connection_id, "provider_config_key": "echo", "metadata": {f"step{step}": step}}
        for step in range(MERGES)
    ]
    answers = await asyncio.gather(*(balancer.request("PATCH", "/connections/metadata", json=m) for m in merges))
    assert [answer.status_code for answer in answers] == [200] * MERGES
    if index % 3 == 0:
        deleted = await balancer.request(
            "DELETE", f"/connections/{connection_id}", params={"provider_config_key": "echo"}
        )
        assert deleted.status_code == 200


async def state_of(client: httpx.AsyncClient) -> list[tuple[str, dict[str, Any]]]:
    answer = await client.get("/connections", params={"integrationId": "echo", "limit": 100})
    assert answer.status_code == 200, answer.text
    return sorted((c["connection_id"], c["metadata"]) for c in answer.json()["connections"])


async def settled(client: httpx.AsyncClient, connection_id: str, index: int) -> bool:
    """Whether this replica proxies with the connection's latest key (or knows it deleted)."""
    answer = await client.get("/proxy/who", headers=proxy_headers(connection_id))
    if index % 3 == 0:
        return answer.status_code == 404 and error_of(answer)["code"] == "unknown_connection"
    return answer.status_code == 200 and answer.json()["headers"]["authorization"] == f"Bearer key-{index}-b"


async def until_settled(replicas: list[RunningServer], clients: list[httpx.AsyncClient]) -> None:
    for _ in range(40):  # up to 2 s: on PostgreSQL the other replica hears of each change through NOTIFY
        checks = [settled(c, f"user-{i}", i) for c in clients for i in range(CONNECTIONS)]
        if all(await asyncio.gather(*checks)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("a replica still serves an old key or a deleted connection: " + replicas[0].url)


async def test_two_replicas_on_postgresql_serve_one_state(
    postgres_url: str,
    tmp_path: Path,
    upstream: tuple[EchoUpstream, str],  # noqa: F811
) -> None:
    env = unigate_env(
        tmp_path / "data",  # shared: both replicas use the same secret key and encryption key, as deploy.md says
        postgres_url,
        UNIGATE_PROVIDERS_FILES=str(write_catalog(tmp_path / "echo.yaml", upstream[1])),
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        UNIGATE_CONNECTION_CACHE_TTL="600",  # far beyond the test: only the replicas' notifications can keep up
    )
    with running_server(env) as one, running_server(env) as two:
        async with one.client() as a, two.client() as b:
            balancer = RoundRobin([a, b])
            integration = {"provider": "echo-api", "unique_key": "echo"}
            assert (await balancer.request("POST", "/integrations", json=integration)).status_code == 200
            gate = asyncio.Semaphore(CONCURRENCY)

            async def limited(index: int) -> None:
                async with gate:
                    await one_end_user(balancer, index)

            await asyncio.gather(*(limited(i) for i in range(CONNECTIONS)))
            await until_settled([one, two], [a, b])
            seen_by_a, seen_by_b = await state_of(a), await state_of(b)
    survivors = [i for i in range(CONNECTIONS) if i % 3]
    metadata = {f"step{step}": step for step in range(MERGES)}
    assert seen_by_a == seen_by_b == sorted((f"user-{i}", metadata) for i in survivors)
    assert sum(balancer.statuses.values()) == 1 + CONNECTIONS * (MERGES + 4) + CONNECTIONS // 3
    assert set(balancer.statuses) == {200, 201}
    for server in (one, two):
        assert '"level": "error"' not in server.log.read_text(), server.log.read_text()
