"""The provider contract suite passes a correct plugin and fails plugins that break each promise it checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.plugins import hookimpl
from gateway.provider import ListQuery, Provider, ProviderContext, ProviderError, Resource, ResourcePage
from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from unified_models import Ticket


class FakeTasks(FakeUpstream):
    """``GET /tasks?limit=&after=`` pages of ``{"tasks": [...], "next": id | null}``; 404 for a missing task."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks = [{"id": f"t{n}", "title": f"Task {n}"} for n in range(5)]

    def routes(self) -> list[BaseRoute]:
        return [Route("/tasks", self.list_tasks), Route("/tasks/{id}", self.get_task)]

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return JSONResponse({"error": state}, status_code=401)

    def rate_limit_response(self, request: Request, retry_after: int = 60) -> Response:
        return JSONResponse({"error": "slow down"}, status_code=429, headers={"retry-after": str(retry_after)})

    async def list_tasks(self, request: Request) -> Response:
        limit, after = int(request.query_params.get("limit", "50")), request.query_params.get("after")
        start = next((i + 1 for i, t in enumerate(self.tasks) if t["id"] == after), 0)
        page = self.tasks[start : start + limit]
        return JSONResponse({"tasks": page, "next": page[-1]["id"] if start + limit < len(self.tasks) else None})

    async def get_task(self, request: Request) -> Response:
        found = [t for t in self.tasks if t["id"] == request.path_params["id"]]
        return JSONResponse(found[0]) if found else JSONResponse({"error": "not found"}, status_code=404)


class Tickets(Resource):
    name = "tickets"

    def ticket(self, task: dict[str, Any], provider: str) -> Ticket:
        return Ticket(id=task["id"], remote_id=task["id"], provider=provider, name=task["title"], remote_data=task)

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        params = {"limit": query.page_size, **({"after": query.cursor} if query.cursor else {})}
        body = (await ctx.http.get("/tasks", params=params)).json()
        return ResourcePage([self.ticket(t, ctx.provider) for t in body["tasks"]], body["next"])

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        answer = await ctx.http.get(f"/tasks/{remote_id}")
        if answer.status_code == 404:
            raise ProviderError(404, "not_found", f"no task {remote_id}")
        return self.ticket(answer.json(), ctx.provider)


class RestartingTickets(Tickets):
    """Ignores the cursor: every page is the first one."""

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        page = await super().list(ctx, ListQuery(page_size=query.page_size))
        return ResourcePage(page.items, "t1")


class MislabelledTickets(Tickets):
    """Names another provider in every object (the gateway stamps the connection's key over it)."""

    def ticket(self, task: dict[str, Any], provider: str) -> Ticket:
        return super().ticket(task, "someone-else")


class SwallowingTickets(Tickets):
    """Turns a missing task into a 502 instead of keeping the provider's 404."""

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        try:
            return await super().get(ctx, remote_id)
        except ProviderError:
            raise ProviderError(502, "upstream_error", "the provider failed") from None


def plugin_serving(resource: type[Resource]) -> SimpleNamespace:
    class TasksProvider(Provider):
        catalog_key = "tasks"
        resources: ClassVar[Mapping[str, type[Resource]]] = {"tickets": resource}

    return SimpleNamespace(register_providers=hookimpl(lambda register: register(TasksProvider)))


def entry(base_url: str, header: str = "Bearer ${apiKey}") -> dict[str, Any]:
    return {
        "display_name": "Tasks",
        "categories": ["productivity"],
        "docs": "https://tasks.example/docs",
        "auth_mode": "API_KEY",
        "proxy": {"base_url": base_url, "headers": {"authorization": header}},
    }


class TasksContract(ProviderContractTests):
    catalog_key: ClassVar[str] = "tasks"
    header: ClassVar[str] = "Bearer ${apiKey}"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake = FakeTasks()
        with fake.run():
            yield ContractWorld(
                fake=fake,
                **credential_import({"type": "API_KEY", "apiKey": fake.issue_token()}),
                lists={"/tickets": 5},
                missing="/tickets/t404",
                short_rate_limit=lambda request: fake.rate_limit_response(request, retry_after=1),
                catalog=entry(fake.base_url, self.header),
            )


LIVE_CHECKS = [
    "test_credentials_are_applied_to_requests",
    "test_list_routes_follow_the_provider_pages",
    "test_provider_errors_are_classified",
    "test_outputs_validate_against_the_unified_models",
]


@pytest.mark.parametrize("check", LIVE_CHECKS)
async def test_a_correct_plugin_passes(check: str) -> None:
    suite = type("Good", (TasksContract,), {"plugin": plugin_serving(Tickets)})()
    await getattr(suite, check)()


async def test_the_gateway_stamps_the_provider_over_a_mislabelled_object() -> None:
    suite = type("Mislabelled", (TasksContract,), {"plugin": plugin_serving(MislabelledTickets)})()
    await suite.test_outputs_validate_against_the_unified_models()


@pytest.mark.parametrize(
    ("resource", "header", "check", "why"),
    [
        (Tickets, "${apiKey}", "test_credentials_are_applied_to_requests", "upstream_unauthorized"),  # no scheme
        (RestartingTickets, "Bearer ${apiKey}", "test_list_routes_follow_the_provider_pages", "did not end"),
        (SwallowingTickets, "Bearer ${apiKey}", "test_provider_errors_are_classified", "the provider failed"),
    ],
)
async def test_a_plugin_breaking_a_promise_fails(resource: type[Resource], header: str, check: str, why: str) -> None:
    suite = type("Bad", (TasksContract,), {"plugin": plugin_serving(resource), "header": header})()
    with pytest.raises(AssertionError, match=why):
        await getattr(suite, check)()
