"""Persons as CRM contacts and organizations as CRM companies (v2 lists with ``updated_since``, v2 writes)."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage, Written
from unified_models.crm import (
    Company,
    CompanyCreate,
    CompanyUpdate,
    CrmContact,
    CrmContactCreate,
    CrmContactUpdate,
)
from unigate_pipedrive.common import as_int, custom_written, data_of, list_v2, numeric_id
from unigate_pipedrive.mappers import domain_of, to_company, to_contact


def _address(addresses: list[Any]) -> dict[str, Any] | None:
    if not addresses:
        return None
    first = addresses[0]
    parts = (first.street, first.city, first.state, first.postal_code, first.country)
    return {
        "value": ", ".join(p for p in parts if p),
        "route": first.street,
        "locality": first.city,
        "admin_area_level_1": first.state,
        "postal_code": first.postal_code,
        "country": first.country,
    }


def person_body(data: CrmContactCreate | CrmContactUpdate) -> dict[str, Any]:
    """The v2 person body of the fields sent; ``name`` from the first and last names."""
    sent = data.model_fields_set
    body: dict[str, Any] = {}
    if {"first_name", "last_name"} & sent:
        body["first_name"], body["last_name"] = data.first_name, data.last_name
        body["name"] = " ".join(p for p in (data.first_name, data.last_name) if p) or None
    if "title" in sent:
        body["job_title"] = data.title
    if "email_addresses" in sent:
        body["emails"] = [
            {"value": e.email, "label": e.type or "work", "primary": i == 0} for i, e in enumerate(data.email_addresses)
        ]
    if "phone_numbers" in sent:
        body["phones"] = [
            {"value": p.number, "label": p.type or "work", "primary": i == 0} for i, p in enumerate(data.phone_numbers)
        ]
    if "addresses" in sent:
        body["postal_address"] = _address(data.addresses)
    if "companies" in sent:
        if len(data.companies) > 1:
            raise ProviderError(400, "invalid", "companies: a Pipedrive person has one organization; send one id")
        body["org_id"] = as_int(data.companies[0], "companies") if data.companies else None
    if "owner" in sent:
        body["owner_id"] = as_int(data.owner, "owner")
    if "custom_fields" in sent:
        body["custom_fields"] = custom_written(data.custom_fields)
    return body


def org_body(data: CompanyCreate | CompanyUpdate) -> dict[str, Any]:
    """The v2 organization body of the fields sent; ``domain`` alone becomes ``website``."""
    sent = data.model_fields_set
    body: dict[str, Any] = {}
    if "name" in sent:
        body["name"] = data.name
    if "website" in sent or "domain" in sent:
        body["website"] = data.website or (f"https://{data.domain}" if data.domain else None)
    if "industry" in sent:
        body["industry"] = data.industry
    if "number_of_employees" in sent:
        body["employee_count"] = data.number_of_employees
    if "addresses" in sent:
        body["address"] = _address(data.addresses)
    if "owner" in sent:
        body["owner_id"] = as_int(data.owner, "owner")
    if "custom_fields" in sent:
        body["custom_fields"] = custom_written(data.custom_fields)
    return body


async def _search(ctx: ProviderContext, kind: str, term: str, field: str | None) -> list[str]:
    """Ids of the ``kind`` found by ``/v2/{kind}/search`` for ``term``: exact in ``field``, or anywhere."""
    params = {"term": term, "limit": "100"}
    if field:
        params |= {"fields": field, "exact_match": "true"}
    data = data_of(ctx, await ctx.http.get(f"/v2/{kind}/search", params=params), f"searching {kind}")
    items = (data or {}).get("items") or []
    return [str(i["item"]["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("item"), dict)]


class PipedriveContacts(Resource[CrmContact, CrmContactCreate, CrmContactUpdate]):
    """Persons (``/v2/persons``); ``email`` goes through ``/v2/persons/search`` (exact match on email).

    Upsert: search by the first email, then update the first match or create.
    """

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
    filters = frozenset({"modified_after", "email", "company_id", "owner_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[CrmContact]:
        if query.email is not None:
            found = [await self.get(ctx, i) for i in await _search(ctx, "persons", query.email, "email")]
            return ResourcePage([c for c in found if self._matches(c, query)])
        params = {"org_id": query.company_id, "owner_id": query.owner_id}
        for name, value in (("company_id", query.company_id), ("owner_id", query.owner_id)):
            if value is not None:
                numeric_id(value, name)
        items, following = await list_v2(ctx, "/persons", query, "persons", params)
        return ResourcePage([to_contact(item) for item in items], following)

    @staticmethod
    def _matches(contact: CrmContact, query: ListQuery) -> bool:
        checks = (
            query.company_id is None or query.company_id in contact.companies,
            query.owner_id is None or query.owner_id == contact.owner,
            query.modified_after is None or (contact.remote_updated_at or query.modified_after) > query.modified_after,
        )
        return all(checks)

    async def get(self, ctx: ProviderContext, remote_id: str) -> CrmContact:
        response = await ctx.http.get(f"/v2/persons/{numeric_id(remote_id)}")
        return to_contact(data_of(ctx, response, f"getting person {remote_id}"))

    async def create(self, ctx: ProviderContext, data: CrmContactCreate) -> Written[CrmContact]:
        body = person_body(data)
        if not body.get("name"):
            body["name"] = data.email_addresses[0].email if data.email_addresses else None
        if not body.get("name"):
            raise ProviderError(400, "invalid", "first_name: Pipedrive needs a name; send first_name or last_name")
        response = await ctx.http.post("/v2/persons", json=body)
        return Written(to_contact(data_of(ctx, response, "creating a person")))

    async def update(self, ctx: ProviderContext, remote_id: str, data: CrmContactUpdate) -> Written[CrmContact]:
        response = await ctx.http.patch(f"/v2/persons/{numeric_id(remote_id)}", json=person_body(data))
        return Written(to_contact(data_of(ctx, response, f"updating person {remote_id}")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(f"/v2/persons/{numeric_id(remote_id)}"), f"deleting person {remote_id}")

    async def upsert(self, ctx: ProviderContext, data: CrmContactCreate) -> Written[CrmContact]:
        if not data.email_addresses:
            raise ProviderError(400, "invalid", "email_addresses: an upsert matches on the first email; send one")
        found = await _search(ctx, "persons", data.email_addresses[0].email, "email")
        if found:
            return await self.update(ctx, found[0], CrmContactUpdate(**data.model_dump(exclude_unset=True)))
        return await self.create(ctx, data)


class PipedriveCompanies(Resource[Company, CompanyCreate, CompanyUpdate]):
    """Organizations (``/v2/organizations``); ``domain`` searches ``/v2/organizations/search`` then keeps the
    organizations whose ``website`` has that domain. Upsert: that search, then update the first match or create."""

    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "domain",
        "website",
        "industry",
        "number_of_employees",
        "addresses",
        "owner",
        "custom_fields",
        "last_activity_at",
    )
    filters = frozenset({"modified_after", "domain", "owner_id"})

    async def _by_domain(self, ctx: ProviderContext, domain: str) -> list[Company]:
        found = [await self.get(ctx, i) for i in await _search(ctx, "organizations", domain, None)]
        return [c for c in found if c.domain == domain_of(domain)]

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Company]:
        if query.domain is not None:
            found = await self._by_domain(ctx, query.domain)
            return ResourcePage(
                [
                    c
                    for c in found
                    if (query.owner_id is None or c.owner == query.owner_id)
                    and (
                        query.modified_after is None
                        or (c.remote_updated_at or query.modified_after) > query.modified_after
                    )
                ]
            )
        if query.owner_id is not None:
            numeric_id(query.owner_id, "owner_id")
        items, following = await list_v2(ctx, "/organizations", query, "organizations", {"owner_id": query.owner_id})
        return ResourcePage([to_company(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Company:
        response = await ctx.http.get(f"/v2/organizations/{numeric_id(remote_id)}")
        return to_company(data_of(ctx, response, f"getting organization {remote_id}"))

    async def create(self, ctx: ProviderContext, data: CompanyCreate) -> Written[Company]:
        response = await ctx.http.post("/v2/organizations", json=org_body(data))
        return Written(to_company(data_of(ctx, response, "creating an organization")))

    async def update(self, ctx: ProviderContext, remote_id: str, data: CompanyUpdate) -> Written[Company]:
        response = await ctx.http.patch(f"/v2/organizations/{numeric_id(remote_id)}", json=org_body(data))
        return Written(to_company(data_of(ctx, response, f"updating organization {remote_id}")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        response = await ctx.http.delete(f"/v2/organizations/{numeric_id(remote_id)}")
        data_of(ctx, response, f"deleting organization {remote_id}")

    async def upsert(self, ctx: ProviderContext, data: CompanyCreate) -> Written[Company]:
        if not data.domain:
            raise ProviderError(400, "invalid", "domain: an upsert matches on domain; send it")
        found = await self._by_domain(ctx, data.domain)
        if found:
            return await self.update(ctx, found[0].id, CompanyUpdate(**data.model_dump(exclude_unset=True)))
        return await self.create(ctx, data)
