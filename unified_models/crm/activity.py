"""Notes and tasks attached to CRM records."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from unified_models.common import RemoteObject, UnifiedModel, UtcDatetime
from unified_models.crm.contact import CUSTOM_FIELDS


class _Links(UnifiedModel):
    contacts: list[str] = Field(default_factory=list, description="Ids of the `CrmContact` objects it is about")
    companies: list[str] = Field(default_factory=list, description="Ids of the `Company` objects it is about")
    deals: list[str] = Field(default_factory=list, description="Ids of the `Deal` objects it is about")
    owner: str | None = Field(default=None, description="Id of the `User` who owns it")


class Note(_Links, RemoteObject):
    """A note on contacts, companies or deals."""

    content: str | None = Field(default=None, description="The note's text (HTML where the provider stores HTML)")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=CUSTOM_FIELDS)


class NoteCreate(_Links):
    """Body of `POST /crm/notes`."""

    content: str = Field(min_length=1, description="The note's text")


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


class _TaskFields(_Links):
    content: str | None = Field(default=None, description="Details")
    due_at: UtcDatetime | None = Field(default=None, description="When it is due")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=CUSTOM_FIELDS)


class Task(_TaskFields, RemoteObject):
    """A to-do on contacts, companies or deals."""

    subject: str | None = Field(default=None, description="What to do")
    status: TaskStatus | None = Field(default=None, description="OPEN or COMPLETED")
    remote_status: str | None = Field(default=None, description="The provider's own status value")
    completed_at: UtcDatetime | None = Field(default=None, description="When it was completed, if it was")


class TaskCreate(_TaskFields):
    """Body of `POST /crm/tasks`."""

    subject: str = Field(min_length=1, description="What to do")
    status: TaskStatus | None = Field(default=None, description="OPEN (the default) or COMPLETED")


class TaskUpdate(_TaskFields):
    """Body of `PATCH /crm/tasks/{id}`: only the fields sent change."""

    subject: str | None = Field(default=None, min_length=1, description="What to do")
    status: TaskStatus | None = Field(default=None, description="OPEN or COMPLETED")
