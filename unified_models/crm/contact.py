"""CRM contacts: the people a company sells to (HubSpot contacts, Salesforce contacts, Pipedrive persons, Attio
people); not to be confused with ticketing's `Contact`, a helpdesk requester."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from unified_models.common import RemoteObject, UnifiedModel, UtcDatetime
from unified_models.crm.values import Address, EmailAddress, PhoneNumber

CUSTOM_FIELDS = "Provider fields outside the unified model, by unified name (see the integration's field mapping)"


class _ContactFields(UnifiedModel):
    first_name: str | None = Field(default=None, description="Given name")
    last_name: str | None = Field(default=None, description="Family name")
    title: str | None = Field(default=None, description="Job title")
    email_addresses: list[EmailAddress] = Field(default_factory=list, description="Email addresses, primary first")
    phone_numbers: list[PhoneNumber] = Field(default_factory=list, description="Phone numbers, primary first")
    addresses: list[Address] = Field(default_factory=list, description="Postal addresses")
    companies: list[str] = Field(default_factory=list, description="Ids of the `Company` objects it is associated with")
    owner: str | None = Field(default=None, description="Id of the `User` who owns it")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=CUSTOM_FIELDS)


class CrmContact(_ContactFields, RemoteObject):
    """A person in the CRM."""

    last_activity_at: UtcDatetime | None = Field(default=None, description="Last activity with them, if known")


class CrmContactCreate(_ContactFields):
    """Body of `POST /crm/contacts` (and of `/crm/contacts/upsert`, matched by the first email address)."""


class CrmContactUpdate(_ContactFields):
    """Body of `PATCH /crm/contacts/{id}`: only the fields sent change; `[]` empties a list."""
