"""``GET /metrics`` after unified calls: the route template, the provider calls by outcome, and their retries."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
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
from gateway.provider import ListQuery, Provider, ProviderContext, Resource, ResourcePage, raise_for_answer
from gateway.testing.kit import make_gateway
from gateway.testing.loopback import run_app
from tests.metrics_text import sample
from unified_models import Ticket

hits: Counter[str] = Counter()


class CountedTickets(Resource[Ticket]):
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        response = await ctx.http.get(f"/tickets/{query.collection_id}")
        raise_for_answer(ctx, response, "listing tickets")
        items = response.json()
        return ResourcePage([Ticket(id=i["id"], remote_id=i["id"], provider=ctx.provider, name=i["id"]) for i in items])


class MeteredProvider(Provider):
    catalog_key = "metered"
    resources: ClassVar[Mapping[str, type[Resource]]] = {"tickets": CountedTickets}


plugin = SimpleNamespace(register_providers=hookimpl(lambda register: register(MeteredProvider)))


async def tickets(request: Request) -> Response:
    """``ok`` answers; ``flaky-<key>`` fails once with 503 per key; ``missing`` is 404."""
    kind = request.path_params["kind"]
    hits[kind] += 1
    if kind == "missing":
        return JSONResponse({"message": "Not Found"}, status_code=404)
    if kind.startswith("flaky") and hits[kind] == 1:
        return JSONResponse({"message": "busy"}, status_code=503, headers={"retry-after": "0"})
    return JSONResponse([{"id": "1"}])


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    with run_app(Starlette(routes=[Route("/tickets/{kind}", tickets)])) as url:
        catalog = tmp_path / "metered.yaml"
        catalog.write_text(
            "metered:\n  display_name: Metered\n  categories: [other]\n  docs: https://example.test\n"
            f"  auth_mode: API_KEY\n  proxy:\n    base_url: {url}\n"
            "    headers:\n      authorization: Bearer ${apiKey}\n"
        )
        settings = {"allow_private_hosts": True, "proxy_backoff_seconds": 0.01}
        async with make_gateway(plugins=[plugin], providers_files=[catalog], **settings) as (_, client):
            await client.post("/integrations", json={"provider": "metered", "unique_key": "m"})
            credentials = {"type": "API_KEY", "apiKey": "k"}
            await client.post(
                "/connections", json={"provider_config_key": "m", "connection_id": "c", "credentials": credentials}
            )
            client.headers.update({"Connection-Id": "c", "Provider-Config-Key": "m"})
            yield client


async def test_unified_calls_are_counted(api: httpx.AsyncClient, tmp_path: Path) -> None:
    before = (await api.get("/metrics")).text
    assert (await api.get("/tickets", params={"collection_id": "ok"})).status_code == 200
    assert (await api.get("/tickets", params={"collection_id": f"flaky-{tmp_path.name}"})).status_code == 200
    assert (await api.get("/tickets", params={"collection_id": "missing"})).status_code == 404
    after = (await api.get("/metrics")).text

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("unigate_http_requests_total", route="/tickets", method="GET", status="200") == 2
    assert grew("unigate_http_requests_total", route="/tickets", method="GET", status="404") == 1
    assert grew("unigate_upstream_calls_total", provider="metered", outcome="ok") == 2
    assert grew("unigate_upstream_calls_total", provider="metered", outcome="client_error") == 1
    assert grew("unigate_upstream_retries_total", provider="metered") == 1
