"""The unified user: a person with an account at the provider, shared by every category."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class User(RemoteObject):
    """A user of the provider (an agent, member or collaborator; helpdesk requesters are `Contact`s)."""

    name: str | None = Field(default=None, description="Display name")
    username: str | None = Field(
        default=None, description="Login or handle where the provider has one (GitHub `login`, GitLab `username`)"
    )
    email_address: str | None = Field(default=None, description="Primary email address, if the provider exposes it")
    is_active: bool | None = Field(
        default=None, description="False for suspended, deactivated or removed users; null if the provider is silent"
    )
    avatar: str | None = Field(default=None, description="URL of the user's avatar image")
    teams: list[str] = Field(default_factory=list, description="Ids of the `Team`s the user belongs to")
