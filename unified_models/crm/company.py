"""CRM companies (HubSpot companies, Salesforce accounts, Pipedrive organizations, Attio companies)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from unified_models.common import RemoteObject, UnifiedModel, UtcDatetime
from unified_models.crm.contact import CUSTOM_FIELDS
from unified_models.crm.values import Address, PhoneNumber


class _CompanyFields(UnifiedModel):
    domain: str | None = Field(default=None, description="Web domain (`example.com`); upserts match on it")
    website: str | None = Field(default=None, description="Website URL")
    industry: str | None = Field(default=None, description="Industry, as the provider names it")
    description: str | None = Field(default=None, description="What the company does")
    number_of_employees: int | None = Field(default=None, ge=0, description="Head count")
    phone_numbers: list[PhoneNumber] = Field(default_factory=list, description="Phone numbers, primary first")
    addresses: list[Address] = Field(default_factory=list, description="Postal addresses")
    owner: str | None = Field(default=None, description="Id of the `User` who owns it")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=CUSTOM_FIELDS)


class Company(_CompanyFields, RemoteObject):
    """An organization in the CRM."""

    name: str | None = Field(default=None, description="The company's name")
    last_activity_at: UtcDatetime | None = Field(default=None, description="Last activity with it, if known")


class CompanyCreate(_CompanyFields):
    """Body of `POST /crm/companies` (and of `/crm/companies/upsert`, matched by `domain`)."""

    name: str = Field(min_length=1, description="The company's name")


class CompanyUpdate(_CompanyFields):
    """Body of `PATCH /crm/companies/{id}`: only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, description="The company's name")
