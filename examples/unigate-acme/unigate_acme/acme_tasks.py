"""Acme Tasks, a provider Unigate's catalog does not have: its entry and a ``tickets`` resource.

Its API: ``GET /v1/tasks?limit=&after=`` answers ``{"tasks": [{id, title, notes, done, created, updated}],
"next": cursor | null}``; ``GET /v1/tasks/{id}`` answers one task. Authentication: ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    Provider,
    ProviderContext,
    Resource,
    ResourcePage,
    paginate,
    raise_for_answer,
)
from unified_models import Ticket, TicketStatus

CATALOG: dict[str, Any] = {
    "acme-tasks": {
        "display_name": "Acme Tasks",
        "categories": ["productivity"],
        "docs": "https://developer.acme-tasks.example/docs",
        "auth_mode": "API_KEY",
        "credentials": {
            "apiKey": {"type": "string", "title": "API key", "description": "From Settings > API", "secret": True}
        },
        "proxy": {
            "base_url": "https://api.acme-tasks.example",
            "headers": {"authorization": "Bearer ${apiKey}"},
            "verification": {"method": "GET", "endpoints": ["/v1/me"]},
            "paginate": {
                "type": "cursor",
                "cursor_path_in_response": "next",
                "cursor_name_in_request": "after",
                "limit_name_in_request": "limit",
                "response_path": "tasks",
            },
        },
    }
}


def to_ticket(task: Mapping[str, Any]) -> Ticket:
    return Ticket(
        id=str(task["id"]),
        remote_id=str(task["id"]),
        provider="acme-tasks",
        remote_created_at=datetime.fromisoformat(task["created"]),
        remote_updated_at=datetime.fromisoformat(task["updated"]),
        remote_data=dict(task),
        name=task["title"],
        description=task.get("notes"),
        status=TicketStatus.CLOSED if task["done"] else TicketStatus.OPEN,
        remote_status="done" if task["done"] else "todo",
    )


PAGING = {"type": "cursor", "cursor_path_in_response": "next", "cursor_name_in_request": "after"}


class AcmeTickets(Resource[Ticket]):
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        paging = {**PAGING, "limit_name_in_request": "limit", "response_path": "tasks"}
        page = await paginate(ctx, "/v1/tasks", query, default=paging, operation="listing tasks")
        return ResourcePage([to_ticket(t) for t in page.items], page.next_cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        response = await ctx.http.get(f"/v1/tasks/{remote_id}")
        raise_for_answer(ctx, response, f"getting task {remote_id}")
        return to_ticket(response.json())


class AcmeTasksProvider(Provider):
    catalog_keys = ("acme-tasks",)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {"tickets": AcmeTickets}
