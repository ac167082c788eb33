"""Asana tasks as tickets (ids are task gids): list per project or assignee, get, create and update."""

from __future__ import annotations

from datetime import UTC, datetime
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
from unified_models import FieldWarning, Ticket, TicketCreate, TicketStatus, TicketUpdate
from unigate_asana.common import check, data_of, gid, ref_gid, stamp
from unigate_asana.mapping import to_ticket
from unigate_asana.paging import Plan, read_page, workspace_gids
from unigate_asana.task_writes import tag_gids, task_fields

TASK_FIELDS = (
    "name,resource_subtype,notes,html_notes,completed,completed_at,created_at,modified_at,due_on,due_at,"
    "assignee,projects,tags.name,parent,permalink_url,workspace"
)


async def plan_for(ctx: ProviderContext, query: ListQuery) -> Plan | None:
    """The ``GET /tasks`` calls for the list filters; None when no task can match."""
    params = {"opt_fields": TASK_FIELDS}
    keep: dict[str, str] = {}
    if query.modified_after is not None:
        params["modified_since"] = stamp(query.modified_after)
    if query.status == TicketStatus.OPEN:
        params["completed_since"] = stamp(datetime.now(UTC))  # incomplete tasks, or completed from now on
    elif query.status == TicketStatus.CLOSED:
        keep["completed"] = "true"
    elif query.status is not None:
        return None  # IN_PROGRESS, ON_HOLD: Asana tasks are only complete or incomplete
    assignee = gid(query.assignee_id, "assignee_id") if query.assignee_id else None
    workspaces = await workspace_gids(ctx)
    if query.collection_id:
        collection = gid(query.collection_id, "collection_id")
        if collection in workspaces:
            if assignee is None:
                raise ProviderError(
                    400,
                    "invalid_query_params",
                    "collection_id: Asana lists a workspace's tasks per assignee; add assignee_id or send a project id",
                    field="collection_id",
                )
            return Plan([("/tasks", {**params, "workspace": collection, "assignee": assignee})], keep)
        if assignee is not None:
            raise ProviderError(
                400,
                "invalid_query_params",
                "assignee_id: Asana filters tasks by project or by assignee, not both; "
                "send a workspace id as collection_id with assignee_id, or leave assignee_id out",
                field="assignee_id",
            )
        return Plan([("/tasks", {**params, "project": collection})], keep)
    if assignee is not None:
        return Plan([("/tasks", {**params, "workspace": w, "assignee": assignee}) for w in workspaces], keep)
    raise ProviderError(
        400,
        "invalid_query_params",
        "collection_id: Asana lists tasks per project; send collection_id (a project id from GET /collections) "
        "or assignee_id",
        field="collection_id",
    )


async def set_tags(ctx: ProviderContext, task: str, names: list[str]) -> None:
    """Add and remove tags one by one (``addTag``/``removeTag``): Asana does not write ``tags`` on update."""
    wanted = await tag_gids(ctx, names)
    response = await ctx.http.get(f"/tasks/{task}", params={"opt_fields": "tags"})
    check(ctx, response, f"task {task}")
    current = [g for g in (ref_gid(t) for t in (data_of(response) or {}).get("tags") or []) if g]
    changes: list[tuple[str, Any]] = [("addTag", g) for g in wanted if g not in current]
    changes += [("removeTag", g) for g in current if g not in wanted]
    for action, tag in changes:
        answer = await ctx.http.post(f"/tasks/{task}/{action}", json={"data": {"tag": tag}})
        check(ctx, answer, f"task {task}")


class AsanaTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Tasks: list (``GET /tasks`` by project or assignee), get, create and update (properties, then tags)."""

    filters = frozenset({"collection_id", "status", "assignee_id", "modified_after"})
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "description_html",
        "status",
        "remote_status",
        "ticket_type",
        "assignees",
        "collections",
        "parent_ticket",
        "tags",
        "due_date",
        "completed_at",
        "ticket_url",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        plan = Plan.from_cursor(query.cursor) if query.cursor else await plan_for(ctx, query)
        if plan is None:
            return ResourcePage([])
        items, following = await read_page(ctx, plan, query.page_size, "tasks")
        tickets = [to_ticket(task) for _, task in items]
        if plan.keep.get("completed") == "true":
            tickets = [t for t in tickets if t.status == TicketStatus.CLOSED]
        return ResourcePage(tickets, following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        response = await ctx.http.get(f"/tasks/{gid(remote_id)}", params={"opt_fields": TASK_FIELDS})
        check(ctx, response, f"task {remote_id}")
        return to_ticket(data_of(response))

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        payload, warnings = task_fields(data.model_dump(exclude_unset=True), None)
        workspaces = await workspace_gids(ctx)
        chosen = [gid(c, "collections") for c in data.collections]
        in_workspaces = [c for c in chosen if c in workspaces]
        if len(in_workspaces) > 1:
            raise ProviderError(
                422, "invalid_field", "collections: a task belongs to one workspace", field="collections"
            )
        if projects := [c for c in chosen if c not in workspaces]:
            payload["projects"] = projects
        if in_workspaces:
            payload["workspace"] = in_workspaces[0]
        if data.parent_ticket:
            payload["parent"] = gid(data.parent_ticket, "parent_ticket")
        if not chosen and not data.parent_ticket:
            if len(workspaces) > 1:
                raise ProviderError(
                    400,
                    "invalid_body",
                    "collections: this connection has several Asana workspaces; send a project or workspace id "
                    "(see GET /collections)",
                    field="collections",
                )
            payload["workspace"] = workspaces[0]
        if data.tags:
            payload["tags"] = await tag_gids(ctx, list(data.tags))
        response = await ctx.http.post("/tasks", params={"opt_fields": TASK_FIELDS}, json={"data": payload})
        check(ctx, response, "the new task")
        ticket = to_ticket(data_of(response))
        return Written(ticket, [w.model_copy(update={"object_id": ticket.id}) for w in warnings])

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        task = gid(remote_id)
        changes = data.changes()
        payload, warnings = task_fields(changes, remote_id)
        for name, reason in (
            ("collections", "moving a task between projects is not supported here (Asana's addProject)"),
            ("parent_ticket", "changing a task's parent is not supported here (Asana's setParent)"),
        ):
            if name in changes:
                warnings.append(FieldWarning(field=name, message=reason, object_id=remote_id))
        if payload:
            response = await ctx.http.put(
                f"/tasks/{task}", params={"opt_fields": "modified_at"}, json={"data": payload}
            )
            check(ctx, response, f"task {remote_id}")
        if "tags" in changes:
            await set_tags(ctx, task, list(changes["tags"] or []))
        return Written(await self.get(ctx, task), warnings)
