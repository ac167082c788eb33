"""Contacts: the people outside the team who raise tickets (helpdesk requesters, end users)."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class Contact(RemoteObject):
    """A requester: someone who raises tickets without being a `User` of the provider."""

    name: str | None = Field(default=None, description="Full name")
    email_address: str | None = Field(default=None, description="Primary email address")
    phone_number: str | None = Field(default=None, description="Primary phone number, as the provider gives it")
    details: str | None = Field(default=None, description="Free-text notes about the contact")
    account: str | None = Field(default=None, description="Id of the contact's `Account` (organisation)")
