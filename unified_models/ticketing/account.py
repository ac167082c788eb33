"""Accounts: the customer organisations of a helpdesk (Zendesk organizations)."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class Account(RemoteObject):
    """A customer organisation that contacts belong to."""

    name: str | None = Field(default=None, description="Organisation name")
    domains: list[str] = Field(default_factory=list, description="Email domains of the organisation, e.g. `acme.com`")
