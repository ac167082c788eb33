"""The unified ticket (issue, task) with its status and priority enums, and the create and update inputs."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from pydantic import Field, model_validator

from unified_models.common import RemoteObject, UnifiedModel, UtcDatetime


class TicketStatus(StrEnum):
    """Normalised ticket status; the provider's own value is always kept in `remote_status`."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    CLOSED = "CLOSED"


class TicketPriority(StrEnum):
    """Normalised ticket priority; the provider's own value is always kept in `remote_priority`."""

    URGENT = "URGENT"
    HIGH = "HIGH"
    NORMAL = "NORMAL"
    LOW = "LOW"


class _TicketFields(UnifiedModel):
    """The fields a caller may write; shared by `Ticket`, `TicketCreate` and `TicketUpdate`."""

    name: str | None = Field(
        default=None,
        description="Title: GitHub/GitLab/Linear `title`, Jira `summary`, Zendesk `subject`, Asana `name`",
    )
    description: str | None = Field(
        default=None, description="Body as plain text or Markdown (Jira's ADF converted to text)"
    )
    description_html: str | None = Field(
        default=None, description="Body as HTML, where the provider has an HTML form (Zendesk `html_body`, Asana)"
    )
    status: TicketStatus | None = Field(
        default=None, description="Normalised status; null when the provider's value has no mapping"
    )
    remote_status: str | None = Field(
        default=None,
        description="The provider's own status (Jira status name, Linear state name, GitHub `closed:not_planned`)",
    )
    priority: TicketPriority | None = Field(
        default=None, description="Normalised priority; null when unset or when the provider has no priorities"
    )
    remote_priority: str | None = Field(
        default=None, description="The provider's own priority name or number, as a string (Linear `2`, Jira `High`)"
    )
    ticket_type: str | None = Field(
        default=None, description="Free-form type: Jira issue type name, Zendesk `problem`/`incident`/..."
    )
    assignees: list[str] = Field(default_factory=list, description="Ids of the `User`s assigned")
    assigned_teams: list[str] = Field(default_factory=list, description="Ids of the `Team`s assigned")
    contact: str | None = Field(default=None, description="Id of the `Contact` who requested the ticket (helpdesks)")
    account: str | None = Field(default=None, description="Id of the requester's `Account` (organisation)")
    collections: list[str] = Field(
        default_factory=list, description="Ids of the `Collection`s holding the ticket (project, repository, list)"
    )
    parent_ticket: str | None = Field(default=None, description="Id of the parent `Ticket` of a sub-task")
    tags: list[str] = Field(default_factory=list, description="Label or tag names (not ids)")
    due_date: UtcDatetime | None = Field(default=None, description="When the ticket is due (UTC)")


class Ticket(_TicketFields, RemoteObject):
    """A ticket, issue or task, as every provider answers it."""

    creator: str | None = Field(default=None, description="Id of the `User` who created the ticket")
    attachments: list[str] = Field(default_factory=list, description="Ids of the ticket's `Attachment`s")
    completed_at: UtcDatetime | None = Field(default=None, description="When the ticket was closed or completed (UTC)")
    ticket_url: str | None = Field(
        default=None, description="Web page of the ticket for humans (GitHub `html_url`, Jira browse URL, Linear `url`)"
    )


class _TicketInput(_TicketFields):
    @model_validator(mode="after")
    def _normalised_or_remote(self) -> Self:
        for unified, remote in (("status", "remote_status"), ("priority", "remote_priority")):
            if getattr(self, unified) is not None and getattr(self, remote) is not None:
                raise ValueError(f"send either {unified} or {remote}, not both")
        return self


class TicketCreate(_TicketInput):
    """Body of `POST /tickets`. `remote_status`/`remote_priority` set a provider value the enums cannot express."""

    name: str = Field(min_length=1, description="Title of the new ticket")


class TicketUpdate(_TicketInput):
    """Body of `PATCH /tickets/{id}`: only the fields sent change; null clears a field, `[]` empties a list."""

    @model_validator(mode="after")
    def _name_not_cleared(self) -> Self:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null: a ticket needs a title")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent, with their values (explicit nulls included)."""
        return self.model_dump(include=self.model_fields_set)
