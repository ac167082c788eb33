"""A provider answer a plugin cannot map (not JSON, or missing what the model needs) is a 502 naming the provider."""

from __future__ import annotations

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
from gateway.provider import ListQuery, Provider, ProviderContext, Resource, ResourcePage
from gateway.testing.kit import make_gateway
from gateway.testing.loopback import run_app
from unified_models import Ticket

NOT_JSON = "something that is not JSON"
ANSWERS = {
    "html": Response("<html>Service Unavailable</html>", media_type="text/html"),
    "truncated": Response(b'{"items": [{"id": "1", "title": "cut', media_type="application/json"),
    "no-id": JSONResponse({"items": [{"title": "no id"}]}),
    "fine": JSONResponse({"items": [{"id": "1", "title": "ok"}]}),
}


class OddTickets(Resource):
    name = "tickets"

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        body = (await ctx.http.get(f"/answers/{query.collection_id}")).json()
        items = [
            Ticket(id=i.get("id"), remote_id=i.get("id"), provider=ctx.provider, name=i["title"]) for i in body["items"]
        ]
        return ResourcePage(items)


class OddProvider(Provider):
    catalog_key = "odd"
    resources: ClassVar[Mapping[str, type[Resource]]] = {"tickets": OddTickets}


plugin = SimpleNamespace(register_providers=hookimpl(lambda register: register(OddProvider)))


async def answer(request: Request) -> Response:
    return ANSWERS[request.path_params["kind"]]


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    with run_app(Starlette(routes=[Route("/answers/{kind}", answer)])) as url:
        catalog = tmp_path / "odd.yaml"
        catalog.write_text(
            f"odd:\n  display_name: Odd\n  categories: [other]\n  docs: https://example.test\n  auth_mode: API_KEY\n"
            f"  proxy:\n    base_url: {url}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
        )
        async with make_gateway(plugins=[plugin], providers_files=[catalog], allow_private_hosts=True) as (_, client):
            await client.post("/integrations", json={"provider": "odd", "unique_key": "odd"})
            credentials = {"type": "API_KEY", "apiKey": "k"}
            await client.post(
                "/connections", json={"provider_config_key": "odd", "connection_id": "c", "credentials": credentials}
            )
            client.headers.update({"Connection-Id": "c", "Provider-Config-Key": "odd"})
            yield client


@pytest.mark.parametrize(
    ("kind", "said"),
    [("html", NOT_JSON), ("truncated", NOT_JSON), ("no-id", "an unexpected shape")],
)
async def test_unmappable_answers_are_bad_gateway(api: httpx.AsyncClient, kind: str, said: str) -> None:
    answer = await api.get("/tickets", params={"collection_id": kind})
    assert answer.status_code == 502, answer.text
    assert answer.json()["error"] == {"code": "upstream_error", "message": f"odd answered {said} for tickets"}


async def test_a_mappable_answer_still_works(api: httpx.AsyncClient) -> None:
    answer = await api.get("/tickets", params={"collection_id": "fine"})
    assert answer.status_code == 200 and [t["name"] for t in answer.json()["data"]] == ["ok"]
