"""People as CRM contacts and companies as CRM companies (Attio's standard ``people`` and ``companies`` objects)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Written
from unified_models.crm import (
    Company,
    CompanyCreate,
    CompanyUpdate,
    CrmContact,
    CrmContactCreate,
    CrmContactUpdate,
)
from unigate_attio.mappers import to_company, to_contact
from unigate_attio.records import AttioRecords, Values, both, one
from unigate_attio.values import custom_written, location, reference

PEOPLE_WRITES = {  # attribute -> the unified field that writes it
    "name": "first_name/last_name",
    "email_addresses": "email_addresses",
    "phone_numbers": "phone_numbers",
    "job_title": "title",
    "primary_location": "addresses",
    "company": "companies",
}
COMPANY_WRITES = {
    "name": "name",
    "domains": "domain",
    "description": "description",
    "categories": "industry",
    "primary_location": "addresses",
}


def person_values(data: CrmContactCreate | CrmContactUpdate, current: CrmContact | None = None) -> Values:
    """The person's attribute values of the fields sent; a name half sent keeps the other half (``current``)."""
    sent, fields = data.model_fields_set, data.model_dump(exclude_unset=True)
    values: Values = {}
    if {"first_name", "last_name"} & sent:
        first_name = fields["first_name"] if "first_name" in sent else (current.first_name if current else None)
        last_name = fields["last_name"] if "last_name" in sent else (current.last_name if current else None)
        full = " ".join(p for p in (first_name, last_name) if p)
        values["name"] = [{"first_name": first_name or "", "last_name": last_name or "", "full_name": full}]
    if "email_addresses" in sent:
        values["email_addresses"] = [{"email_address": e["email"]} for e in fields["email_addresses"]]
    if "phone_numbers" in sent:
        values["phone_numbers"] = [{"original_phone_number": p["number"]} for p in fields["phone_numbers"]]
    if "title" in sent:
        values["job_title"] = [{"value": fields["title"]}] if fields["title"] else []
    if "addresses" in sent:
        values["primary_location"] = location(data.addresses)
    if "companies" in sent:
        values["company"] = reference("companies", one(fields["companies"], "companies", "person"))
    if "custom_fields" in sent:
        values.update(custom_written(fields["custom_fields"], PEOPLE_WRITES))
    return values


class AttioContacts(AttioRecords[CrmContact, CrmContactCreate, CrmContactUpdate]):
    """People (``/v2/objects/people``); ``email`` and ``company_id`` are filters of the records query; upsert
    asserts on ``email_addresses``."""

    obj, what, matching = "people", "person", "email_addresses"
    unsettable_reasons = {"owner": "Attio people have no owner attribute"}
    fields = (
        *ENVELOPE_FIELDS,
        "first_name",
        "last_name",
        "title",
        "email_addresses",
        "phone_numbers",
        "addresses",
        "companies",
        "custom_fields",
        "last_activity_at",
    )
    filters = frozenset({"email", "company_id"})

    def to_model(self, record: dict[str, Any], mapped: Any) -> CrmContact:
        return to_contact(record, mapped)

    async def values_of(self, ctx: ProviderContext, data: BaseModel, creating: bool) -> Values:
        assert isinstance(data, CrmContactCreate | CrmContactUpdate)
        return person_values(data)

    async def record_filter(self, ctx: ProviderContext, query: ListQuery) -> Any:
        email = {"email_addresses": {"email_address": {"$eq": query.email}}} if query.email else None
        company = None
        if query.company_id:
            [target] = one([query.company_id], "company_id", "person")
            company = {"company": {"target_record_id": {"$eq": target}}}
        return both(email, company)

    async def update_values(self, ctx: ProviderContext, remote_id: str, data: CrmContactUpdate) -> Values:
        """Attio writes a whole name: with one half sent, the other is read from the person first."""
        halves = {"first_name", "last_name"} & data.model_fields_set
        return person_values(data, await self.get(ctx, remote_id) if len(halves) == 1 else None)

    async def upsert(self, ctx: ProviderContext, data: CrmContactCreate) -> Written[CrmContact]:
        if not data.email_addresses:
            raise ProviderError(400, "invalid", "email_addresses: an upsert matches on email; send one", field="email")
        return await self.assert_record(ctx, data, data.email_addresses[0].email)


def domain_of(website: str | None) -> str | None:
    """``example.com`` from ``https://www.example.com/about``."""
    if not website or not website.strip():
        return None
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    return host.removeprefix("www.") or None


def company_values(data: CompanyCreate | CompanyUpdate) -> Values:
    """The company's attribute values of the fields sent; ``website`` alone gives the domain."""
    sent, fields = data.model_fields_set, data.model_dump(exclude_unset=True)
    values: Values = {}
    if "name" in sent:
        values["name"] = [{"value": fields["name"]}] if fields["name"] else []
    if "domain" in sent or "website" in sent:
        domain = fields.get("domain") or domain_of(fields.get("website"))
        values["domains"] = [{"domain": domain}] if domain else []
    if "description" in sent:
        values["description"] = [{"value": fields["description"]}] if fields["description"] else []
    if "industry" in sent:
        values["categories"] = [{"option": fields["industry"]}] if fields["industry"] else []
    if "addresses" in sent:
        values["primary_location"] = location(data.addresses)
    if "custom_fields" in sent:
        values.update(custom_written(fields["custom_fields"], COMPANY_WRITES))
    return values


class AttioCompanies(AttioRecords[Company, CompanyCreate, CompanyUpdate]):
    """Companies (``/v2/objects/companies``); ``domain`` filters on ``domains``; upsert asserts on ``domains``.
    ``website`` is ``https://`` + the first domain; the first category is the ``industry``."""

    obj, what, matching = "companies", "company", "domains"
    unsettable_reasons = {
        "phone_numbers": "Attio companies have no phone number attribute",
        "number_of_employees": "Attio keeps a head-count range (employee_range), not a number",
        "owner": "Attio companies have no owner attribute",
    }
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "domain",
        "website",
        "industry",
        "description",
        "addresses",
        "custom_fields",
        "last_activity_at",
    )
    filters = frozenset({"domain"})

    def to_model(self, record: dict[str, Any], mapped: Any) -> Company:
        return to_company(record, mapped)

    async def values_of(self, ctx: ProviderContext, data: BaseModel, creating: bool) -> Values:
        assert isinstance(data, CompanyCreate | CompanyUpdate)
        return company_values(data)

    async def record_filter(self, ctx: ProviderContext, query: ListQuery) -> Any:
        domain = domain_of(query.domain) if query.domain else None
        return {"domains": {"domain": {"$eq": domain}}} if domain else None

    async def upsert(self, ctx: ProviderContext, data: CompanyCreate) -> Written[Company]:
        domain = data.domain or domain_of(data.website)
        if not domain:
            raise ProviderError(400, "invalid", "domain: an upsert matches on domain; send it", field="domain")
        return await self.assert_record(ctx, data.model_copy(update={"domain": domain}), domain)
