"""Tasks (``Task``) as ``crm/tasks``, classic notes (``Note``) as ``crm/notes`` and users (``User``) as ``crm/users``.

A task points at one contact (``WhoId``) and one account or opportunity (``WhatId``); ``AccountId`` is the account
Salesforce derives from them. A note is on one record (``ParentId``).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource
from unified_models import User
from unified_models.crm import Note, NoteCreate, Task, TaskCreate, TaskStatus, TaskUpdate
from unigate_salesforce.common import literal, record_id
from unigate_salesforce.mappers import to_note, to_task, to_user
from unigate_salesforce.records import SObjects, equals
from unigate_salesforce.writes import NOTE_FIELDS, TASK_FIELDS, Body, note_body, task_body

STAMPS = ("CreatedDate", "LastModifiedDate", "SystemModstamp")
LINK_FIELDS = ("contacts", "companies", "deals", "owner")


class SalesforceTasks(SObjects[Task, TaskCreate, TaskUpdate]):
    """Tasks: ``IsClosed`` is the status, ``Status`` (a picklist) the ``remote_status``; ``ActivityDate`` (a date)
    the due day. Writing COMPLETED sets ``Status`` Completed, OPEN Not Started."""

    sobject = "Task"
    what = "task"
    columns = (
        "Subject", "Description", "ActivityDate", "Status", "IsClosed", "CompletedDateTime", "WhoId", "WhatId",
        "AccountId", "OwnerId", *STAMPS,
    )  # fmt: skip
    names = TASK_FIELDS
    filters = frozenset({"modified_after", "status", "contact_id", "company_id", "deal_id", "owner_id"})
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

    def to_model(self, record: dict[str, Any]) -> Task:
        return to_task(record)

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        return task_body(fields, creating)

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        where = []
        if query.status is not None:
            where.append(f"IsClosed = {'true' if query.status == TaskStatus.COMPLETED else 'false'}")
        if query.contact_id is not None:
            where.append(equals("WhoId", query.contact_id, "contact_id"))
        if query.company_id is not None:
            account = literal(record_id(query.company_id, "company_id"))
            where.append(f"(WhatId = {account} OR AccountId = {account})")
        if query.deal_id is not None:
            where.append(equals("WhatId", query.deal_id, "deal_id"))
        return where


class SalesforceNotes(SObjects[Note, NoteCreate, Any]):
    """Classic notes: ``Body`` is the content, ``Title`` (required) its first line; not updated (the unified notes
    have no update model)."""

    update = Resource.update  # no route without an update model

    sobject = "Note"
    what = "note"
    columns = ("Title", "Body", "ParentId", "OwnerId", *STAMPS)
    names = NOTE_FIELDS
    filters = frozenset({"modified_after", "contact_id", "company_id", "deal_id", "owner_id"})
    fields = (*ENVELOPE_FIELDS, "content", *LINK_FIELDS, "custom_fields")

    def to_model(self, record: dict[str, Any]) -> Note:
        return to_note(record)

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        return note_body(fields)

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        parents = {"contact_id": query.contact_id, "company_id": query.company_id, "deal_id": query.deal_id}
        return [equals("ParentId", value, name) for name, value in parents.items() if value is not None]


class SalesforceUsers(SObjects[User, Any, Any]):
    """The org's users (``User``), the owners of records; listed, not written."""

    create = Resource.create
    update = Resource.update
    delete = Resource.delete

    sobject = "User"
    what = "user"
    columns = ("Name", "Username", "Email", "IsActive", "SmallPhotoUrl", *STAMPS)
    fields = (*ENVELOPE_FIELDS, "name", "username", "email_address", "is_active", "avatar")

    def to_model(self, record: dict[str, Any]) -> User:
        return to_user(record)
