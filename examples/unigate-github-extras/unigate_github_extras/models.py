"""The models the plugin adds: reactions on tickets, and milestones with what creating and editing one takes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from unified_models import RemoteObject, Ticket, UtcDatetime


class Reactions(BaseModel):
    """How people reacted to an issue, by GitHub's reaction kinds."""

    total: int = Field(description="All reactions together")
    plus_one: int = Field(description="👍")
    minus_one: int = Field(description="👎")
    laugh: int
    hooray: int
    confused: int
    heart: int
    rocket: int
    eyes: int


class ReactingTicket(Ticket):
    """A ticket with its issue's reactions."""

    reactions: Reactions | None = Field(default=None, description="Reactions to the issue, by kind")


class Milestone(RemoteObject):
    """A milestone of a repository; its id is ``owner/repo/<number>``."""

    title: str = Field(description="The milestone's title")
    description: str | None = Field(default=None, description="What the milestone is for")
    state: Literal["open", "closed"] = Field(description="open or closed")
    due_on: UtcDatetime | None = Field(default=None, description="When it is due, if set")
    open_issues: int = Field(description="Issues still open in it")
    closed_issues: int = Field(description="Issues closed in it")
    collection: str = Field(description="Id of the `Collection` (repository) it belongs to")


class MilestoneCreate(BaseModel):
    """Body of ``POST /milestones``."""

    model_config = ConfigDict(extra="forbid")
    collection: str = Field(description="Repository to create it in, owner/repo")
    title: str = Field(min_length=1, description="The milestone's title (unique in the repository)")
    description: str | None = Field(default=None, description="What the milestone is for")
    due_on: UtcDatetime | None = Field(default=None, description="When it is due")


class MilestoneUpdate(BaseModel):
    """Body of ``PATCH /milestones/{id}``: only the fields sent change."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, description="A new title")
    description: str | None = Field(default=None, description="A new description")
    state: Literal["open", "closed"] | None = Field(default=None, description="open or closed")
    due_on: UtcDatetime | None = Field(default=None, description="A new due date")


class MilestoneFilters(BaseModel):
    """The milestone list's own filter."""

    state: Literal["open", "closed", "all"] | None = Field(
        default=None, description="Only open (the default) or closed milestones, or all"
    )


class CloseMilestoneInput(BaseModel):
    """Input of the ``close-milestone`` action."""

    model_config = ConfigDict(extra="forbid")
    milestone_id: str = Field(min_length=1, description="Id of the milestone to close, owner/repo/<number>")
