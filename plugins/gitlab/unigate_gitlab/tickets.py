"""GitLab issues as tickets (``group/project#42``): list (a project's or every visible one), get, create, update."""

from __future__ import annotations

import re
from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
    format_time,
    unsettable,
)
from unified_models import FieldWarning, Ticket, TicketCreate, TicketStatus, TicketUpdate
from unigate_gitlab.common import check, fetch_page, project_path
from unigate_gitlab.mapping import to_ticket

UNSUPPORTED = {  # unified field -> why GitLab cannot set it through the issues API
    "priority": "GitLab issues have no priority",
    "remote_priority": "GitLab issues have no priority",
    "description_html": "GitLab takes Markdown only; send description",
    "assigned_teams": "GitLab issues cannot be assigned to groups",
    "contact": "GitLab issues have no contact",
    "account": "GitLab issues have no account",
    "parent_ticket": "parent issues (epics, work item hierarchy) are not set through the issues API",
}
STATE_EVENTS = {"opened": "reopen", "closed": "close"}

NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits: str.isdigit() also takes "²", which int() refuses


def parse_ticket_id(value: str, field: str = "id") -> tuple[str, str, int]:
    """``(project, /projects/<encoded>, iid)`` for ``group/project#42``; 400 naming ``field`` otherwise."""
    project, _, iid = value.rpartition("#")
    if not project or not NUMBER.fullmatch(iid):
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a GitLab issue id; send group/project#iid", field=field
        )
    return project, project_path(project, field), int(iid)


def _state_event(fields: dict[str, Any]) -> str | None:
    if fields.get("status") is not None:
        status = TicketStatus(fields["status"])
        if status in (TicketStatus.OPEN, TicketStatus.CLOSED):
            return "reopen" if status == TicketStatus.OPEN else "close"
        raise ProviderError(
            422, "invalid_field", f"status: GitLab issues are OPEN or CLOSED, not {status.value}", field="status"
        )
    if fields.get("remote_status") is not None:
        event = STATE_EVENTS.get(str(fields["remote_status"]))
        if event is None:
            raise ProviderError(422, "invalid_field", "remote_status: send opened or closed", field="remote_status")
        return event
    return None


def _user_ids(values: list[str]) -> list[int]:
    if not all(NUMBER.fullmatch(v) for v in values):
        raise ProviderError(
            422, "invalid_field", "assignees: send GitLab user ids (numbers, see GET /users)", field="assignees"
        )
    return [int(v) for v in values]


def _milestone(collections: list[str], project: str, object_id: str | None) -> tuple[int, list[FieldWarning]]:
    """The ``milestone_id`` named among ``collections`` (0 = none) and warnings for other projects named."""
    milestone, warnings = 0, []
    for item in collections:
        owner, _, number = item.partition("/milestones/")
        if number and owner == project and NUMBER.fullmatch(number):
            milestone = int(number)
        elif item != project:
            warnings.append(
                FieldWarning(
                    field="collections", message=f"{item}: issues are not moved between projects", object_id=object_id
                )
            )
    return milestone, warnings


def payload_for(
    fields: dict[str, Any], project: str, object_id: str | None
) -> tuple[dict[str, Any], list[FieldWarning]]:
    """GitLab's issue parameters for the unified fields sent, and warnings for the fields it cannot set."""
    payload: dict[str, Any] = {}
    if "name" in fields:
        payload["title"] = fields["name"]
    if "description" in fields:
        payload["description"] = fields["description"] or ""
    if "tags" in fields:
        payload["labels"] = ",".join(fields["tags"] or [])
    if "assignees" in fields:
        payload["assignee_ids"] = _user_ids(list(fields["assignees"] or [])) or [0]
    if "due_date" in fields:
        payload["due_date"] = fields["due_date"].date().isoformat() if fields["due_date"] else ""
    if fields.get("ticket_type") is not None:
        payload["issue_type"] = fields["ticket_type"]
    warnings: list[FieldWarning] = []
    if fields.get("collections") is not None:
        payload["milestone_id"], warnings = _milestone(list(fields["collections"]), project, object_id)
    event = _state_event(fields)
    if event:
        payload["state_event"] = event
    warnings += unsettable(fields, UNSUPPORTED, object_id)
    return payload, warnings


class GitLabTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Issues, newest update first; ``modified_after``, ``status`` and ``assignee_id`` are GitLab filters."""

    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
        "ticket_type",
        "assignees",
        "collections",
        "tags",
        "due_date",
        "creator",
        "completed_at",
        "ticket_url",
    )
    filters = frozenset({"collection_id", "status", "assignee_id", "modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        if query.status in ("IN_PROGRESS", "ON_HOLD"):
            return ResourcePage([])  # GitLab issues are only opened or closed
        params = {"order_by": "updated_at", "sort": "desc"}
        if query.status:
            params["state"] = "opened" if query.status == "OPEN" else "closed"
        if query.modified_after is not None:
            params["updated_after"] = format_time(query.modified_after)
        if query.assignee_id:
            params["assignee_id"] = query.assignee_id
        if query.collection_id:
            path, what = project_path(query.collection_id) + "/issues", f"issues of project {query.collection_id}"
        else:
            path, what, params["scope"] = "/issues", "issues", "all"
        items, following = await fetch_page(ctx, path, query, params, what)
        return ResourcePage([to_ticket(issue) for issue in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        _, path, iid = parse_ticket_id(remote_id)
        response = await ctx.http.get(f"{path}/issues/{iid}")
        check(ctx, response, f"getting issue {remote_id}")
        return to_ticket(response.json())

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        projects = [c for c in data.collections if "/milestones/" not in c]
        if len(projects) != 1:
            raise ProviderError(
                400,
                "invalid_body",
                "collections: send exactly one GitLab project (group/project), plus a milestone of it if you like",
                field="collections",
            )
        project = projects[0]
        path = project_path(project, "collections")
        payload, warnings = payload_for(data.model_dump(exclude_unset=True), project, None)
        event = payload.pop("state_event", None)
        if not payload.get("milestone_id"):
            payload.pop("milestone_id", None)
        response = await ctx.http.post(f"{path}/issues", json=payload)
        check(ctx, response, f"creating an issue in {project}")
        ticket = to_ticket(response.json())
        if event == "close":  # GitLab creates issues opened: close it in a second call
            ticket = await self._put(ctx, ticket.id, {"state_event": "close"})
        return Written(ticket, [w.model_copy(update={"object_id": ticket.id}) for w in warnings])

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        project, _, _ = parse_ticket_id(remote_id)
        payload, warnings = payload_for(data.changes(), project, remote_id)
        ticket = await self._put(ctx, remote_id, payload) if payload else await self.get(ctx, remote_id)
        return Written(ticket, warnings)

    async def _put(self, ctx: ProviderContext, remote_id: str, payload: dict[str, Any]) -> Ticket:
        _, path, iid = parse_ticket_id(remote_id)
        response = await ctx.http.put(f"{path}/issues/{iid}", json=payload)
        check(ctx, response, f"updating issue {remote_id}")
        return to_ticket(response.json())
