"""Contacts (``Contact``) as ``crm/contacts`` and accounts (``Account``) as ``crm/companies``."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ResourcePage
from unified_models.crm import Company, CompanyCreate, CompanyUpdate, CrmContact, CrmContactCreate, CrmContactUpdate
from unigate_salesforce.common import containing, literal
from unigate_salesforce.mappers import domain_of, to_company, to_contact
from unigate_salesforce.records import SObjects, equals
from unigate_salesforce.writes import COMPANY_FIELDS, CONTACT_FIELDS, Body, company_body, contact_body

STAMPS = ("CreatedDate", "LastModifiedDate", "SystemModstamp", "LastActivityDate")


def _address(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{part}" for part in ("Street", "City", "State", "PostalCode", "Country"))


class SalesforceContacts(SObjects[CrmContact, CrmContactCreate, CrmContactUpdate]):
    """Contacts: ``Email``, four phone fields, the mailing (and other) address, the account ``AccountId``."""

    sobject = "Contact"
    what = "contact"
    columns = (
        "FirstName", "LastName", "Title", "Email", "Phone", "MobilePhone", "HomePhone", "OtherPhone",
        *_address("Mailing"), *_address("Other"), "AccountId", "OwnerId", *STAMPS,
    )  # fmt: skip
    names = CONTACT_FIELDS
    filters = frozenset({"modified_after", "email", "company_id", "owner_id"})
    fields = (
        *ENVELOPE_FIELDS,
        "first_name",
        "last_name",
        "title",
        "email_addresses",
        "phone_numbers",
        "addresses",
        "companies",
        "owner",
        "custom_fields",
        "last_activity_at",
    )

    def to_model(self, record: dict[str, Any]) -> CrmContact:
        return to_contact(record)

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        return contact_body(fields)

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        where = []
        if query.email is not None:
            where.append(f"Email = {literal(query.email)}")  # SOQL compares text case-insensitively
        if query.company_id is not None:
            where.append(equals("AccountId", query.company_id, "company_id"))
        return where


class SalesforceCompanies(SObjects[Company, CompanyCreate, CompanyUpdate]):
    """Accounts: ``Website`` (``domain`` is derived from it), the billing (and shipping) address."""

    sobject = "Account"
    what = "account"
    columns = (
        "Name", "Website", "Industry", "Description", "NumberOfEmployees", "Phone", *_address("Billing"),
        *_address("Shipping"), "OwnerId", *STAMPS,
    )  # fmt: skip
    names = COMPANY_FIELDS
    filters = frozenset({"modified_after", "domain", "owner_id"})
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "domain",
        "website",
        "industry",
        "description",
        "number_of_employees",
        "phone_numbers",
        "addresses",
        "owner",
        "custom_fields",
        "last_activity_at",
    )

    def to_model(self, record: dict[str, Any]) -> Company:
        return to_company(record)

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        return company_body(fields)

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        if query.domain is None:
            return []
        domain = domain_of(query.domain) or query.domain
        return [f"Website LIKE {containing(domain)}"]

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Company]:
        """``domain`` narrows by ``Website LIKE '%domain%'``, then keeps the accounts whose domain is exactly it."""
        page = await super().list(ctx, query)
        if query.domain is not None:
            wanted = domain_of(query.domain) or query.domain.lower()
            page.items = [c for c in page.items if (c.domain or "").lower() == wanted.lower()]
        return page
