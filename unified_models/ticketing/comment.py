"""Comments on tickets (Zendesk comments, GitHub issue comments, Jira comments, Asana stories) and their input."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from unified_models.common import RemoteObject, UnifiedModel


class Comment(RemoteObject):
    """A comment on a ticket; `remote_created_at` is when it was posted."""

    ticket: str = Field(min_length=1, description="Id of the `Ticket` the comment belongs to")
    body: str | None = Field(default=None, description="Text as plain text or Markdown")
    html_body: str | None = Field(default=None, description="Text as HTML, where the provider has an HTML form")
    is_private: bool | None = Field(
        default=None, description="True for internal notes hidden from requesters; null if the provider has none"
    )
    user: str | None = Field(default=None, description="Id of the `User` who wrote it, if a user did")
    contact: str | None = Field(default=None, description="Id of the `Contact` who wrote it, if a requester did")
    attachments: list[str] = Field(default_factory=list, description="Ids of the `Attachment`s added with it")


class NewComment(UnifiedModel):
    """Body of `POST /tickets/{id}/comments`: a comment written as the connection's user (the ticket is the path's)."""

    body: str | None = Field(default=None, description="Text as plain text or Markdown")
    html_body: str | None = Field(default=None, description="Text as HTML, for providers that accept HTML")
    is_private: bool | None = Field(
        default=None, description="True for an internal note; null for the provider's default (public)"
    )

    @model_validator(mode="after")
    def _has_text(self) -> Self:
        if not self.body and not self.html_body:
            raise ValueError("send body or html_body (a comment needs text)")
        return self


class CommentCreate(NewComment):
    """What a comments resource's `create` gets: the comment and the `Ticket` it goes on."""

    ticket: str = Field(min_length=1, description="Id of the `Ticket` to comment on")
