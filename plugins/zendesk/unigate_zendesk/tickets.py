"""Zendesk tickets (ids are the numeric ticket ids): list, get, create and update.

Lists pick the endpoint that can serve the filters: ``/tickets`` (no filter), the incremental cursor export
(``modified_after`` alone, oldest change first) or the search export (``status`` / ``assignee_id``, with
``updated>=`` for ``modified_after``). The cursor Unigate signs carries the endpoint and its parameters.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
)
from unified_models import Ticket, TicketCreate, TicketStatus, TicketUpdate
from unigate_zendesk.common import API, MAX_PAGE, check, numeric_id, page_params
from unigate_zendesk.mappers import to_ticket
from unigate_zendesk.writes import ticket_body

SEARCH_STATUS = {  # Zendesk orders statuses new < open < pending < hold < solved < closed
    TicketStatus.OPEN: "status<pending",
    TicketStatus.ON_HOLD: "status>open status<solved",
    TicketStatus.CLOSED: "status>=solved",
}


def search_query(query: ListQuery) -> str | None:
    """The search-export query for the list filters; None when no ticket can match (``IN_PROGRESS``)."""
    terms = []
    if query.status:
        status = TicketStatus(query.status)
        if status not in SEARCH_STATUS:
            return None
        terms.append(SEARCH_STATUS[status])
    if query.assignee_id:
        terms.append(f"assignee:{numeric_id(query.assignee_id, 'assignee_id')}")
    if query.modified_after is not None:
        terms.append("updated>=" + query.modified_after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return " ".join(terms)


def _first_request(query: ListQuery) -> dict[str, Any] | None:
    """``{"mode", "params"}`` of the first page for the filters; None when nothing can match."""
    if query.status or query.assignee_id:
        found = search_query(query)
        return None if found is None else {"mode": "search", "params": {"query": found, "filter[type]": "ticket"}}
    if query.modified_after is not None:
        return {"mode": "incremental", "params": {"start_time": str(int(query.modified_after.timestamp()))}}
    return {"mode": "list", "params": {}}


class ZendeskTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Tickets of the Zendesk account."""

    filters = frozenset({"status", "assignee_id", "modified_after"})
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
        "priority",
        "remote_priority",
        "ticket_type",
        "assignees",
        "assigned_teams",
        "contact",
        "account",
        "parent_ticket",
        "tags",
        "due_date",
        "creator",
        "ticket_url",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        if query.cursor:
            try:
                state = json.loads(query.cursor)
                mode, params = str(state["mode"]), {str(k): str(v) for k, v in dict(state["params"]).items()}
            except (ValueError, KeyError, TypeError):
                raise ProviderError(400, "invalid_cursor", "cursor: not a Zendesk ticket position") from None
        else:
            first = _first_request(query)
            if first is None:
                return ResourcePage([])
            mode, params = first["mode"], first["params"]
        if mode == "incremental":
            return await self._incremental(ctx, query, params)
        path = "/search/export" if mode == "search" else "/tickets"
        size = {"page[size]": page_params(ListQuery(page_size=query.page_size))["page[size]"]}
        response = await ctx.http.get(API + path, params={**params, **size})
        check(ctx, response, "tickets")
        body = response.json()
        items = body.get("results" if mode == "search" else "tickets") or []
        meta = body.get("meta") or {}
        cursor = None
        if meta.get("has_more") and meta.get("after_cursor"):
            following = {k: v for k, v in params.items() if k != "page[after]"}
            cursor = json.dumps({"mode": mode, "params": {**following, "page[after]": meta["after_cursor"]}})
        return ResourcePage([to_ticket(t) for t in items if isinstance(t, dict)], cursor)

    async def _incremental(
        self, ctx: ProviderContext, query: ListQuery, params: dict[str, str]
    ) -> ResourcePage[Ticket]:
        """One page of the incremental cursor export; deleted tickets are left out."""
        response = await ctx.http.get(
            API + "/incremental/tickets/cursor", params={**params, "per_page": str(min(query.page_size, MAX_PAGE))}
        )
        check(ctx, response, "tickets changed since modified_after")
        body = response.json()
        items = [t for t in body.get("tickets") or [] if isinstance(t, dict) and t.get("status") != "deleted"]
        cursor = None
        if not body.get("end_of_stream") and body.get("after_cursor"):
            cursor = json.dumps({"mode": "incremental", "params": {"cursor": body["after_cursor"]}})
        return ResourcePage([to_ticket(t) for t in items], cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        response = await ctx.http.get(f"{API}/tickets/{numeric_id(remote_id)}")
        check(ctx, response, f"ticket {remote_id}")
        return to_ticket(response.json()["ticket"])

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        body, warnings = ticket_body(data.model_dump(exclude_unset=True), None, creating=True)
        response = await ctx.http.post(f"{API}/tickets", json={"ticket": body})
        check(ctx, response, "the new ticket")
        ticket = to_ticket(response.json()["ticket"])
        return Written(ticket, [w.model_copy(update={"object_id": ticket.id}) for w in warnings])

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        ticket_id = numeric_id(remote_id)
        body, warnings = ticket_body(data.changes(), ticket_id, creating=False)
        if not body:
            return Written(await self.get(ctx, ticket_id), warnings)
        response = await ctx.http.put(f"{API}/tickets/{ticket_id}", json={"ticket": body})
        check(ctx, response, f"ticket {remote_id}")
        return Written(to_ticket(response.json()["ticket"]), warnings)
