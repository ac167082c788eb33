"""Notes (v1 ``/notes``, offset paging) and activities as tasks (v2 ``/activities``, cursor, ``updated_since``)."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage, Written
from unified_models.crm import Note, NoteCreate, Task, TaskCreate, TaskStatus, TaskUpdate
from unigate_pipedrive.common import as_int, data_of, list_v1, list_v2, numeric_id
from unigate_pipedrive.mappers import to_note, to_task

LINK_FIELDS = ("contacts", "companies", "deals", "owner")


def _filters(query: ListQuery, owner: str) -> dict[str, str | None]:
    named = {
        "person_id": ("contact_id", query.contact_id),
        "org_id": ("company_id", query.company_id),
        "deal_id": ("deal_id", query.deal_id),
        owner: ("owner_id", query.owner_id),
    }
    return {remote: numeric_id(value, name) if value is not None else None for remote, (name, value) in named.items()}


def _links(data: Any, owner: str) -> dict[str, Any]:
    """``person_id``, ``org_id``, ``deal_id`` and the owner of the link fields sent (one id each)."""
    body: dict[str, Any] = {}
    for unified, remote in (("contacts", "person_id"), ("companies", "org_id"), ("deals", "deal_id")):
        if unified in data.model_fields_set:
            ids = getattr(data, unified)
            if len(ids) > 1:
                raise ProviderError(400, "invalid", f"{unified}: Pipedrive links one; send one id")
            body[remote] = as_int(ids[0], unified) if ids else None
    if "owner" in data.model_fields_set:
        body[owner] = as_int(data.owner, "owner")
    return body


class PipedriveNotes(Resource[Note, NoteCreate]):
    """Notes (``/v1/notes``); Pipedrive needs a person, organization or deal for a new note."""

    fields = (*ENVELOPE_FIELDS, "content", "contacts", "companies", "deals", "owner")
    filters = frozenset({"contact_id", "company_id", "deal_id", "owner_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Note]:
        items, following = await list_v1(ctx, "/notes", query, "notes", _filters(query, "user_id"))
        return ResourcePage([to_note(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Note:
        response = await ctx.http.get(f"/v1/notes/{numeric_id(remote_id)}")
        return to_note(data_of(ctx, response, f"getting note {remote_id}"))

    async def create(self, ctx: ProviderContext, data: NoteCreate) -> Written[Note]:
        body = {"content": data.content, **_links(data, "user_id")}
        if not any(body.get(k) for k in ("person_id", "org_id", "deal_id")):
            raise ProviderError(400, "invalid", "contacts: a Pipedrive note needs a contact, company or deal id")
        response = await ctx.http.post("/v1/notes", json=body)
        return Written(to_note(data_of(ctx, response, "creating a note")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(f"/v1/notes/{numeric_id(remote_id)}"), f"deleting note {remote_id}")


def task_body(data: TaskCreate | TaskUpdate) -> dict[str, Any]:
    """The v2 activity body of the fields sent; ``due_at`` as UTC ``due_date`` + ``due_time``."""
    sent = data.model_fields_set
    body: dict[str, Any] = _links(data, "owner_id")
    if "subject" in sent or isinstance(data, TaskCreate):
        body["subject"] = data.subject
    if "content" in sent:
        body["note"] = data.content
    if "status" in sent and data.status is not None:
        body["done"] = data.status == TaskStatus.COMPLETED
    if "due_at" in sent:
        due = data.due_at
        body["due_date"] = due.date().isoformat() if due else None
        body["due_time"] = due.strftime("%H:%M") if due else None
    if "custom_fields" in sent and data.custom_fields:
        raise ProviderError(400, "invalid", "custom_fields: Pipedrive activities have no custom fields to write")
    return body


class PipedriveTasks(Resource[Task, TaskCreate, TaskUpdate]):
    """Activities (``/v2/activities``): ``done`` is the status, the activity type the ``remote_status``."""

    fields = (
        *ENVELOPE_FIELDS,
        "subject",
        "content",
        "due_at",
        "status",
        "remote_status",
        "completed_at",
        "contacts",
        "companies",
        "deals",
        "owner",
    )
    filters = frozenset({"modified_after", "contact_id", "company_id", "deal_id", "owner_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Task]:
        params = _filters(query, "owner_id")
        items, following = await list_v2(ctx, "/activities", query, "activities", params)
        return ResourcePage([to_task(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Task:
        response = await ctx.http.get(f"/v2/activities/{numeric_id(remote_id)}")
        return to_task(data_of(ctx, response, f"getting activity {remote_id}"))

    async def create(self, ctx: ProviderContext, data: TaskCreate) -> Written[Task]:
        response = await ctx.http.post("/v2/activities", json=task_body(data))
        return Written(to_task(data_of(ctx, response, "creating an activity")))

    async def update(self, ctx: ProviderContext, remote_id: str, data: TaskUpdate) -> Written[Task]:
        response = await ctx.http.patch(f"/v2/activities/{numeric_id(remote_id)}", json=task_body(data))
        return Written(to_task(data_of(ctx, response, f"updating activity {remote_id}")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        response = await ctx.http.delete(f"/v2/activities/{numeric_id(remote_id)}")
        data_of(ctx, response, f"deleting activity {remote_id}")
