"""A provider answer a plugin cannot map (not JSON, missing what the mapper or the model needs) is a 502 naming the
provider and the operation, never a 500."""

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
SHAPE = "an unexpected shape"
ANSWERS = {
    "html": Response("<html>Service Unavailable</html>", media_type="text/html"),
    "truncated": Response(b'{"items": [{"id": "1", "title": "cut', media_type="application/json"),
    "no-id": JSONResponse({"items": [{"title": "no id"}]}),
    "no-title": JSONResponse({"items": [{"id": "1"}]}),
    "not-a-list": JSONResponse({"items": 3}),
    "fine": JSONResponse({"items": [{"id": "1", "title": "ok"}]}),
}


class OddTickets(Resource[Ticket]):
    filters = frozenset({"collection_id"})

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
    [("html", NOT_JSON), ("truncated", NOT_JSON), *((kind, SHAPE) for kind in ("no-id", "no-title", "not-a-list"))],
)
async def test_unmappable_answers_are_bad_gateway(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, kind: str, said: str
) -> None:
    answer = await api.get("/tickets", params={"collection_id": kind})
    assert answer.status_code == 502, answer.text
    assert answer.json()["error"] == {"code": "upstream_error", "message": f"odd answered {said} for listing tickets"}
    logged = [r for r in caplog.records if "unexpected form" in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log, not the answer


async def test_a_mappable_answer_still_works(api: httpx.AsyncClient) -> None:
    answer = await api.get("/tickets", params={"collection_id": "fine"})
    assert answer.status_code == 200 and [t["name"] for t in answer.json()["data"]] == ["ok"]
