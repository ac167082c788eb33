"""GitHub tickets with their reactions: the built-in mapping, plus the issue's ``reactions`` summary."""

from __future__ import annotations

from typing import Any, ClassVar

from unigate_github import GitHubTickets

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage, Written
from unified_models import Ticket, TicketCreate, TicketUpdate
from unigate_github_extras.models import ReactingTicket, Reactions

KINDS = {"plus_one": "+1", "minus_one": "-1", "total": "total_count"}


def with_reactions(ticket: Ticket) -> ReactingTicket:
    """``ticket`` with the reactions of the issue it was mapped from (``remote_data`` is the issue)."""
    summary: dict[str, Any] = (ticket.remote_data or {}).get("reactions") or {}
    reactions = None
    if summary:
        counts = {name: int(summary.get(KINDS.get(name, name), 0)) for name in Reactions.model_fields}
        reactions = Reactions(**counts)
    return ReactingTicket(**dict(ticket), reactions=reactions)


class ReactingTickets(GitHubTickets, Resource[ReactingTicket, TicketCreate, TicketUpdate]):
    """Issues as tickets, each with its reactions (the second base declares the model the routes answer)."""

    fields: ClassVar[tuple[str, ...]] = (*GitHubTickets.fields, "reactions")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        page = await super().list(ctx, query)
        return ResourcePage([with_reactions(t) for t in page.items], page.next_cursor, page.warnings)

    async def get(self, ctx: ProviderContext, remote_id: str) -> ReactingTicket:
        return with_reactions(await super().get(ctx, remote_id))

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        written = await super().create(ctx, data)
        return Written(with_reactions(written.item), written.warnings)

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        written = await super().update(ctx, remote_id, data)
        return Written(with_reactions(written.item), written.warnings)
