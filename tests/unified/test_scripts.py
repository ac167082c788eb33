"""``GET /integrations/{key}/scripts``: each resource behind an integration, its routes and schemas, and which
plugin (and version) provides it, including a plugin that overrides the built-in template."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, ClassVar

import httpx
import unigate_github
from unigate_github import GitHubProvider

from gateway.plugins import hookimpl
from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage
from gateway.testing.kit import make_gateway
from unified_models import Ticket


class ReactionTicket(Ticket):
    reactions: int = 0


class ReactionTickets(Resource[ReactionTicket, Any, Any]):
    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[ReactionTicket]:
        return ResourcePage([])


class WithReactions(GitHubProvider):
    replaces = ("github",)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {"tickets": ReactionTickets}


override = SimpleNamespace(register_providers=hookimpl(lambda register: register(WithReactions)))


async def scripts_of(client: httpx.AsyncClient, key: str) -> dict[str, Any]:
    await client.post("/integrations", json={"provider": "github", "unique_key": key})
    answer = await client.get(f"/integrations/{key}/scripts")
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_the_built_in_templates_scripts() -> None:
    async with make_gateway(plugins=[unigate_github]) as (_, client):
        data = await scripts_of(client, "gh")
        missing = await client.get("/integrations/nope/scripts")
    assert (data["provider"], data["version"], data["replaces"]) == ("github", "0.1.0", None)
    by_name = {script["name"]: script for script in data["scripts"] if script["type"] == "resource"}
    resources = {s["name"] for s in data["scripts"] if s["type"] == "resource"}
    assert resources == {"tickets", "comments", "collections", "users", "tags"}
    syncs = {s["name"]: s for s in data["scripts"] if s["type"] == "sync"}
    assert set(syncs) == {"tickets", "comments", "collections", "users", "tags"}
    assert (syncs["tickets"]["model"], syncs["tickets"]["incremental"], syncs["tickets"]["scope"]) == (
        "Ticket",
        True,
        "collections",
    )
    assert syncs["tags"]["incremental"] is False and syncs["tags"]["output_schema"]["title"] == "Tag"
    tickets = by_name["tickets"]
    assert tickets["type"] == "resource" and tickets["resource_class"] == "unigate_github.tickets.GitHubTickets"
    assert {(r["method"], r["path"]) for r in tickets["routes"]} == {
        ("GET", "/tickets"),
        ("GET", "/tickets/{id}"),
        ("POST", "/tickets"),
        ("PATCH", "/tickets/{id}"),
    }
    assert tickets["output_schema"]["title"] == "Ticket"
    assert {op: schema["title"] for op, schema in tickets["input_schemas"].items()} == {
        "create": "TicketCreate",
        "update": "TicketUpdate",
    }
    assert by_name["tags"]["input_schemas"] == {}  # a read-only resource takes no body
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_an_override_shows_its_model_and_what_it_replaces() -> None:
    async with make_gateway(plugins=[unigate_github, override]) as (_, client):
        data = await scripts_of(client, "gh")
    assert data["replaces"] == "unigate_github"  # the distribution (here: the module) whose template it took over
    (tickets,) = [s for s in data["scripts"] if s["type"] == "resource"]
    assert tickets["resource_class"].endswith("ReactionTickets")
    assert [(r["method"], r["path"]) for r in tickets["routes"]] == [("GET", "/tickets")]
    assert tickets["output_schema"]["title"] == "ReactionTicket"
    assert "reactions" in tickets["output_schema"]["properties"]
