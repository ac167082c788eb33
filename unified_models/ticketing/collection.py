"""Collections: what groups tickets (projects, lists, repositories, teams that own issues)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from unified_models.common import RemoteObject


class CollectionType(StrEnum):
    """What kind of container a `Collection` is."""

    PROJECT = "PROJECT"
    LIST = "LIST"
    REPOSITORY = "REPOSITORY"
    TEAM = "TEAM"


class Collection(RemoteObject):
    """A container of tickets: Jira project, GitHub/GitLab repository, Asana project, ClickUp list, Linear team."""

    name: str | None = Field(default=None, description="Display name (GitHub `full_name`, Jira project name)")
    description: str | None = Field(default=None, description="Description as plain text")
    collection_type: CollectionType | None = Field(default=None, description="Kind of container; null if unknown")
    parent_collection: str | None = Field(default=None, description="Id of the enclosing `Collection`, if any")
    collection_url: str | None = Field(default=None, description="Web page of the collection for humans")
