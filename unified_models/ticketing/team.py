"""Teams: groups of users that tickets can be assigned to (Zendesk groups, GitHub teams, Jira teams)."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class Team(RemoteObject):
    """A group of users; `Ticket.assigned_teams` and `User.teams` hold team ids."""

    name: str | None = Field(default=None, description="Display name")
    description: str | None = Field(default=None, description="Description as plain text")
