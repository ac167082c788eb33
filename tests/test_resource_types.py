"""Resource types: plugin declarations extend the built-ins, and every conflict fails at start-up naming both
distributions and the fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel, Field

from gateway.app import create_app
from gateway.plugins import PluginError
from gateway.provider import ListQuery, Provider, ProviderContext, Resource, ResourcePage, Written
from gateway.registry import ProviderRegistry, Registration
from gateway.resource_types import RESERVED, build_resource_types
from gateway.testing.kit import make_gateway
from unified_models import RemoteObject, Ticket, TicketCreate, TicketUpdate


class Milestone(RemoteObject):
    title: str


class OtherMilestone(RemoteObject):
    name: str


class Milestones(Resource[Milestone, Any, Any]):
    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Milestone]:
        return ResourcePage([])


class OtherMilestones(Resource[OtherMilestone, Any, Any]):
    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[OtherMilestone]:
        return ResourcePage([])


def registry(*declared: tuple[str, str, Mapping[str, type[Resource[Any, Any, Any]]]]) -> ProviderRegistry:
    """One provider per ``(distribution, catalog key, resources)``."""
    registrations = {}
    for distribution, key, resources in declared:
        cls = type(f"P_{key}", (Provider,), {"catalog_key": key, "resources": resources})
        registrations[key] = Registration(cls(), distribution)
    return ProviderRegistry(registrations)


def test_a_new_name_becomes_a_type_with_the_operations_implemented() -> None:
    types = build_resource_types(registry(("unigate-a", "a", {"milestones": Milestones})))
    milestones = types["milestones"]
    assert (milestones.model, milestones.operations, milestones.declared_by) == (Milestone, ("list",), "unigate-a")
    assert milestones.paths() == {"list": ("GET", "/milestones")}
    assert list(types)[:2] == ["tickets", "comments"]  # built-ins first


def test_two_distributions_declaring_one_name_differently_fail_naming_both() -> None:
    with pytest.raises(PluginError) as raised:
        build_resource_types(
            registry(
                ("unigate-a", "a", {"milestones": Milestones}), ("unigate-b", "b", {"milestones": OtherMilestones})
            )
        )
    message = str(raised.value)
    assert "unigate-a (tests.test_resource_types.Milestones)" in message
    assert "unigate-b (tests.test_resource_types.OtherMilestones)" in message and "rename one" in message


def test_sharing_one_declaration_is_fine() -> None:
    types = build_resource_types(
        registry(("unigate-a", "a", {"milestones": Milestones}), ("unigate-b", "b", {"milestones": Milestones}))
    )
    assert types["milestones"].declared_by == "unigate-a"


@pytest.mark.parametrize("name", ["proxy", "connections", "Milestones", "with space", "docs"])
def test_a_name_that_cannot_be_a_route_fails(name: str) -> None:
    with pytest.raises(PluginError, match=f"declares resource {name!r}, which cannot be a route"):
        build_resource_types(registry(("unigate-a", "a", {name: Milestones})))


async def test_reserved_names_cover_every_route_outside_the_unified_api() -> None:
    async with make_gateway() as (gateway, _):
        app = create_app(gateway)
    unified = {name.split("/")[0] for name in gateway.resource_types} - {"crm"}
    firsts = {getattr(route, "path", "/").split("/")[1] for route in app.routes} - {""}
    assert firsts - unified <= RESERVED, sorted(firsts - unified - RESERVED)


def test_a_resource_without_a_model_fails() -> None:
    class Untyped(Resource):  # type: ignore[type-arg]
        async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Any]:
            return ResourcePage([])

    with pytest.raises(PluginError, match="without a model: subclass Resource"):
        build_resource_types(registry(("unigate-a", "a", {"milestones": Untyped})))


def test_a_write_without_its_model_fails() -> None:
    class Creating(Milestones):
        async def create(self, ctx: ProviderContext, data: Any) -> Written[Milestone]:
            raise NotImplementedError

    with pytest.raises(PluginError, match="implements create without declaring its model"):
        build_resource_types(registry(("unigate-a", "a", {"milestones": Creating})))


def test_an_unknown_parent_or_filter_fails() -> None:
    class Orphans(Milestones):
        parent = "projects"

    with pytest.raises(PluginError, match="under parent 'projects', which no plugin or built-in type declares"):
        build_resource_types(registry(("unigate-a", "a", {"milestones": Orphans})))

    class Filtering(Milestones):
        filters = frozenset({"colour"})

    with pytest.raises(PluginError, match=r"declares filters \['colour'\].*declare others in filter_model"):
        build_resource_types(registry(("unigate-a", "a", {"milestones": Filtering})))


class Liked(Ticket):
    likes: int | None = Field(default=None, description="Likes")


class LikedAsText(Ticket):
    likes: str | None = None


class LikedTickets(Resource[Liked, TicketCreate, TicketUpdate]):
    async def get(self, ctx: ProviderContext, remote_id: str) -> Liked:
        raise NotImplementedError


class TextLikedTickets(Resource[LikedAsText, TicketCreate, TicketUpdate]):
    async def get(self, ctx: ProviderContext, remote_id: str) -> LikedAsText:
        raise NotImplementedError


def test_a_built_in_type_gains_the_fields_a_subclass_adds() -> None:
    tickets = build_resource_types(registry(("unigate-a", "a", {"tickets": LikedTickets})))["tickets"]
    assert tickets.model.__name__ == "Ticket" and issubclass(tickets.model, Ticket)
    likes = tickets.model.model_fields["likes"]
    assert likes.description == "Likes (added by unigate-a; null where the provider does not fill it)"
    assert tickets.operations == ("list", "get", "create", "update")


def test_one_field_added_with_two_types_fails_naming_both() -> None:
    with pytest.raises(PluginError, match="field 'likes' is added by both unigate-a .* and unigate-b"):
        build_resource_types(
            registry(("unigate-a", "a", {"tickets": LikedTickets}), ("unigate-b", "b", {"tickets": TextLikedTickets}))
        )


def test_a_built_in_name_with_an_unrelated_model_fails() -> None:
    class NotATicket(BaseModel):
        title: str

    class Wrong(Resource[Milestone, NotATicket, Any]):
        pass

    with pytest.raises(PluginError, match="with model Milestone, which is not the built-in Ticket or a subclass"):
        build_resource_types(registry(("unigate-a", "a", {"tickets": Wrong})))


class DeletingTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        return None


def test_a_built_in_type_gains_the_operations_a_provider_adds() -> None:
    types = build_resource_types(registry(("unigate-a", "a", {"tickets": DeletingTickets})))
    assert types["tickets"].paths()["delete"] == ("DELETE", "/tickets/{id:path}")
    assert "delete" not in build_resource_types(registry())["tickets"].operations
