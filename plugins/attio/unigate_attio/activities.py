"""Notes (``/v2/notes``), tasks (``/v2/tasks``) and workspace members as users (``/v2/workspace_members``)."""

from __future__ import annotations

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
    unsupported_filter,
)
from unified_models import User
from unified_models.crm import Note, NoteCreate, Task, TaskCreate, TaskStatus, TaskUpdate
from unigate_attio.common import NOTES_PAGE, QUERY_PAGE, data_of, list_offset, record_id
from unigate_attio.mappers import to_note, to_task, to_user
from unigate_attio.values import actor

PARENTS = (
    ("contact_id", "contacts", "people"),
    ("company_id", "companies", "companies"),
    ("deal_id", "deals", "deals"),
)
TITLE_LENGTH = 80


def linked_filter(query: ListQuery, kind: str) -> tuple[str, str] | None:
    """``(object slug, record id)`` of the one record filter sent; 400 for two (Attio filters by one record)."""
    sent = [(name, obj, getattr(query, name)) for name, _, obj in PARENTS if getattr(query, name)]
    if len(sent) > 1:
        raise unsupported_filter(sent[1][0], f"Attio lists {kind} of one record; drop {sent[0][0]} or {sent[1][0]}")
    return (sent[0][1], record_id(sent[0][2], sent[0][0])) if sent else None


def links_written(data: Any) -> list[dict[str, str]]:
    """The records a note or task links, as ``{target_object, target_record_id}``."""
    return [
        {"target_object": obj, "target_record_id": record_id(i, field)}
        for _, field, obj in PARENTS
        for i in getattr(data, field)
    ]


class AttioNotes(Resource[Note, NoteCreate]):
    """Notes: each on one parent record (a person, company or deal); Attio cannot change a note once written.
    A new note's title is the first line of its content."""

    fields = (*ENVELOPE_FIELDS, "content", "contacts", "companies", "deals", "owner")
    filters = frozenset({"contact_id", "company_id", "deal_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Note]:
        parent = linked_filter(query, "notes")
        params = {"parent_object": parent[0], "parent_record_id": parent[1]} if parent else {}
        items, following = await list_offset(ctx, "/v2/notes", query, NOTES_PAGE, params)
        return ResourcePage([to_note(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Note:
        response = await ctx.http.get(f"/v2/notes/{record_id(remote_id)}")
        return to_note(data_of(ctx, response, f"getting note {remote_id}"))

    async def create(self, ctx: ProviderContext, data: NoteCreate) -> Written[Note]:
        parents = links_written(data)
        if len(parents) != 1:
            message = "contacts: an Attio note belongs to one record; send one contact, company or deal id"
            raise ProviderError(400, "invalid", message, field="contacts")
        if data.owner:
            raise ProviderError(400, "invalid", "owner: Attio records a note's author itself", field="owner")
        title = data.content.strip().split("\n", 1)[0][:TITLE_LENGTH] or "Note"
        body = {
            "parent_object": parents[0]["target_object"],
            "parent_record_id": parents[0]["target_record_id"],
            "title": title,
            "format": "plaintext",
            "content": data.content,
        }
        response = await ctx.http.post("/v2/notes", json={"data": body})
        return Written(to_note(data_of(ctx, response, "creating a note")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(f"/v2/notes/{record_id(remote_id)}"), f"deleting note {remote_id}")


async def object_slugs(ctx: ProviderContext) -> dict[str, str]:
    """Object id -> slug (``GET /v2/objects``): tasks name the objects of their linked records by id."""
    found = data_of(ctx, await ctx.http.get("/v2/objects"), "listing the objects") or []
    return {
        str((o.get("id") or {}).get("object_id")): str(o["api_slug"])
        for o in found
        if isinstance(o, dict) and o.get("api_slug")
    }


def task_body(data: TaskCreate | TaskUpdate, creating: bool) -> dict[str, Any]:
    """The task's ``data`` for the fields sent; the subject and content are one text (first line the subject)."""
    sent = data.model_fields_set
    body: dict[str, Any] = {}
    if creating:
        body["content"] = (data.subject or "") + (f"\n{data.content}" if data.content else "")
        body["format"] = "plaintext"
    elif {"subject", "content"} & sent:
        raise ProviderError(400, "invalid", "subject: Attio cannot change a task's text once written", field="subject")
    if "custom_fields" in sent and data.custom_fields:
        raise ProviderError(400, "invalid", "custom_fields: Attio tasks have no custom fields", field="custom_fields")
    if "due_at" in sent or creating:
        body["deadline_at"] = format_time(data.due_at, "iso_ms") if data.due_at else None
    if "status" in sent or creating:
        body["is_completed"] = data.status == TaskStatus.COMPLETED
    if {"contacts", "companies", "deals"} & sent or creating:
        body["linked_records"] = links_written(data)
    if "owner" in sent or creating:
        body["assignees"] = actor(record_id(data.owner, "owner") if data.owner else None)
    return body


class AttioTasks(Resource[Task, TaskCreate, TaskUpdate]):
    """Tasks: ``is_completed`` the status, ``deadline_at`` the due time, the first assignee the owner, linked
    records the contacts, companies and deals. Only the due time, status, links and owner change after creation."""

    fields = (
        *ENVELOPE_FIELDS,
        "subject",
        "content",
        "due_at",
        "status",
        "completed_at",
        "contacts",
        "companies",
        "deals",
        "owner",
    )
    filters = frozenset({"contact_id", "company_id", "deal_id", "owner_id", "status"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Task]:
        linked = linked_filter(query, "tasks")
        params: dict[str, str | None] = {"sort": "created_at:asc"}
        if linked:
            params |= {"linked_object": linked[0], "linked_record_id": linked[1]}
        if query.owner_id:
            params["assignee"] = record_id(query.owner_id, "owner_id")
        if query.status:
            params["is_completed"] = "true" if TaskStatus(query.status) == TaskStatus.COMPLETED else "false"
        items, following = await list_offset(ctx, "/v2/tasks", query, QUERY_PAGE, params)
        objects = await object_slugs(ctx) if items else {}
        return ResourcePage([to_task(item, objects) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Task:
        response = await ctx.http.get(f"/v2/tasks/{record_id(remote_id)}")
        item = data_of(ctx, response, f"getting task {remote_id}")
        return to_task(item, await object_slugs(ctx))

    async def create(self, ctx: ProviderContext, data: TaskCreate) -> Written[Task]:
        response = await ctx.http.post("/v2/tasks", json={"data": task_body(data, True)})
        item = data_of(ctx, response, "creating a task")
        return Written(to_task(item, await object_slugs(ctx)))

    async def update(self, ctx: ProviderContext, remote_id: str, data: TaskUpdate) -> Written[Task]:
        body = task_body(data, False)
        if not body:
            return Written(await self.get(ctx, remote_id))
        response = await ctx.http.patch(f"/v2/tasks/{record_id(remote_id)}", json={"data": body})
        item = data_of(ctx, response, f"updating task {remote_id}")
        return Written(to_task(item, await object_slugs(ctx)))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(f"/v2/tasks/{record_id(remote_id)}"), f"deleting task {remote_id}")


class AttioUsers(Resource[User]):
    """The workspace's members (one answer, no paging), the owners and assignees of deals and tasks."""

    fields = (*ENVELOPE_FIELDS, "name", "email_address", "is_active", "avatar")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        found = data_of(ctx, await ctx.http.get("/v2/workspace_members"), "listing workspace members") or []
        return ResourcePage([to_user(m) for m in found if isinstance(m, dict)])

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(f"/v2/workspace_members/{record_id(remote_id)}")
        return to_user(data_of(ctx, response, f"getting workspace member {remote_id}"))
