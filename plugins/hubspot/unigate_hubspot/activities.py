"""HubSpot notes and tasks (engagement objects ``/crm/v3/objects/{notes,tasks}``) as ``crm/notes``, ``crm/tasks``."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource
from unified_models import Note, NoteCreate, Task, TaskCreate, TaskStatus, TaskUpdate
from unigate_hubspot.mappers import NOTE_PROPERTIES, TASK_PROPERTIES, to_note, to_task
from unigate_hubspot.objects import HubSpotObjects, Links
from unigate_hubspot.records import Filter, Kind
from unigate_hubspot.writes import Write, note_write, task_write

LINKED = ("contacts", "companies", "deals")
NOTES = Kind("notes", "note", NOTE_PROPERTIES, LINKED)
TASKS = Kind("tasks", "task", TASK_PROPERTIES, LINKED)
LINK_FILTERS = {"contact_id": "contacts", "company_id": "companies", "deal_id": "deals"}
LINK_FIELDS = ("contacts", "companies", "deals", "owner")


class HubSpotNotes(HubSpotObjects[Note, NoteCreate, Any], Resource[Note, NoteCreate]):
    """Notes (``hs_note_body``, HTML) on contacts, companies and deals; created with the current time. Not updated:
    the unified notes have no update model (HubSpot could: ``PATCH /crm/v3/objects/notes/{id}``)."""

    update = Resource.update  # no route without an update model

    kind = NOTES
    link_filters = LINK_FILTERS
    filters = frozenset({"modified_after", "owner_id", *LINK_FILTERS})
    fields = (*ENVELOPE_FIELDS, "content", *LINK_FIELDS, "custom_fields")

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> Note:
        return to_note(raw, custom, links)

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        return note_write(fields, creating)


class HubSpotTasks(HubSpotObjects[Task, TaskCreate, TaskUpdate], Resource[Task, TaskCreate, TaskUpdate]):
    """Tasks: ``hs_task_status`` COMPLETED is COMPLETED, any other (NOT_STARTED, IN_PROGRESS, WAITING, DEFERRED)
    OPEN; ``due_at`` is ``hs_timestamp`` (HubSpot requires one: the current time when none is sent)."""

    kind = TASKS
    link_filters = LINK_FILTERS
    filters = frozenset({"modified_after", "owner_id", "status", *LINK_FILTERS})
    fields = (
        *ENVELOPE_FIELDS,
        "subject",
        "content",
        "status",
        "remote_status",
        "due_at",
        "completed_at",
        *LINK_FIELDS,
        "custom_fields",
    )

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> Task:
        return to_task(raw, custom, links)

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        return task_write(fields, creating)

    async def own_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        if not query.status:
            return []
        operator = "EQ" if query.status == TaskStatus.COMPLETED else "NEQ"
        return [{"propertyName": "hs_task_status", "operator": operator, "value": "COMPLETED"}]
