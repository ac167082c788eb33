"""GitHub issues with a priority: the ``priority:<level>`` labels of the team's convention."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from unigate_github import GitHubProvider, GitHubTickets

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage, Written
from unified_models import Ticket, TicketCreate, TicketPriority, TicketUpdate

PREFIX = "priority:"


def with_priority(ticket: Ticket) -> Ticket:
    """The ticket with ``priority`` read from a ``priority:<level>`` label (the label stays in ``tags``)."""
    for tag in ticket.tags:
        level = tag.removeprefix(PREFIX).upper()
        if tag.startswith(PREFIX) and level in TicketPriority.__members__:
            return ticket.model_copy(update={"priority": TicketPriority(level), "remote_priority": tag})
    return ticket


def as_label(data: TicketCreate | TicketUpdate, current: list[str]) -> Any:
    """Move a requested ``priority`` into the tags, replacing any earlier priority label (same model back)."""
    if data.priority is None:
        return data
    tags = [t for t in (data.tags if data.tags is not None else current) if not t.startswith(PREFIX)]
    label = PREFIX + data.priority.value.lower()
    return data.model_copy(update={"tags": [*tags, label], "priority": None})


class PriorityTickets(GitHubTickets):
    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        page = await super().list(ctx, query)
        return ResourcePage([with_priority(t) for t in page.items], page.next_cursor, page.warnings)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        return with_priority(await super().get(ctx, remote_id))

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        written = await super().create(ctx, as_label(data, []))
        return Written(with_priority(written.item), written.warnings)

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        if data.priority is not None and data.tags is None:
            data = as_label(data, list((await super().get(ctx, remote_id)).tags))
        else:
            data = as_label(data, [])
        written = await super().update(ctx, remote_id, data)
        return Written(with_priority(written.item), written.warnings)


class AcmeGitHub(GitHubProvider):
    """GitHub with priorities; takes over the built-in ``github`` key (``github-app`` stays with unigate-github)."""

    replaces = ("github",)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        **GitHubProvider.resources,
        "tickets": PriorityTickets,
    }
