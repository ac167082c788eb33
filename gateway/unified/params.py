"""Query strings, bodies and answer envelopes of the unified endpoints (also what /openapi.json documents)."""

from __future__ import annotations

from typing import Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from unified_models import Comment, FieldWarning, Ticket, TicketStatus, UtcDatetime

T = TypeVar("T", bound=BaseModel)


class ItemParams(BaseModel):
    """Query of the single-object routes."""

    model_config = ConfigDict(extra="forbid")
    include_remote_data: bool = Field(default=False, description="Include the provider's payload as `remote_data`")


class ListParams(ItemParams):
    """Query common to every list route."""

    page_size: int = Field(default=50, ge=1, le=200, description="Items per page (a provider may return fewer)")
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page, exactly as received")
    modified_after: UtcDatetime | None = Field(
        default=None, description="Only objects changed at or after this time (ISO-8601 with a time zone)"
    )


class CollectionScopedParams(ListParams):
    """Lists that can be limited to one collection (users, tags)."""

    collection_id: str | None = Field(default=None, description="Unigate id of a `Collection` (GitHub `owner/repo`)")


class TicketListParams(CollectionScopedParams):
    """Query of ``GET /tickets``."""

    status: TicketStatus | None = Field(default=None, description="Only tickets with this normalised status")
    assignee_id: str | None = Field(default=None, description="Only tickets assigned to this `User` id")


class AttachmentListParams(ListParams):
    """Query of ``GET /attachments``."""

    ticket_id: str | None = Field(default=None, description="Only the attachments of this `Ticket` id")


class NewComment(BaseModel):
    """Body of ``POST /tickets/{id}/comments``: the ticket comes from the path."""

    model_config = ConfigDict(extra="forbid")
    body: str | None = Field(default=None, description="Text as plain text or Markdown")
    html_body: str | None = Field(default=None, description="Text as HTML, for providers that accept HTML")
    is_private: bool | None = Field(default=None, description="True for an internal note; null for the default")

    @model_validator(mode="after")
    def _has_text(self) -> Self:
        if not self.body and not self.html_body:
            raise ValueError("send body or html_body (a comment needs text)")
        return self


class ListEnvelope(BaseModel, Generic[T]):
    """One page: the items, the opaque cursor of the next page (null on the last), and warnings if any."""

    data: list[T]
    next_cursor: str | None
    warnings: list[FieldWarning] | None = Field(
        default=None, description="Present only when the provider could not read some fields"
    )


class ItemEnvelope(BaseModel, Generic[T]):
    """One object, and warnings about the fields the provider could not write, if any."""

    data: T
    warnings: list[FieldWarning] | None = Field(
        default=None, description="Present only when some fields sent could not be written (the rest succeeded)"
    )


TicketPage = ListEnvelope[Ticket]
CommentPage = ListEnvelope[Comment]
TicketItem = ItemEnvelope[Ticket]
CommentItem = ItemEnvelope[Comment]
