"""Values CRM objects share: email addresses, phone numbers, postal addresses."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import UnifiedModel


class EmailAddress(UnifiedModel):
    """One email address of a contact or company."""

    email: str = Field(min_length=3, description="The address")
    type: str | None = Field(default=None, description="The provider's label for it (work, personal, ...), if any")
    is_primary: bool = Field(default=False, description="True for the provider's primary address")


class PhoneNumber(UnifiedModel):
    """One phone number."""

    number: str = Field(min_length=1, description="The number as the provider stores it")
    type: str | None = Field(default=None, description="The provider's label for it (work, mobile, ...), if any")
    is_primary: bool = Field(default=False, description="True for the provider's primary number")


class Address(UnifiedModel):
    """A postal address; every part may be missing."""

    street: str | None = Field(default=None, description="Street and number, lines joined by newlines")
    city: str | None = Field(default=None, description="City or town")
    state: str | None = Field(default=None, description="State, province or region")
    postal_code: str | None = Field(default=None, description="Postal or ZIP code")
    country: str | None = Field(default=None, description="Country, as the provider stores it")
    type: str | None = Field(default=None, description="The provider's label for it (billing, shipping, ...)")
