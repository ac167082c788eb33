"""HubSpot contacts, companies and deals as ``crm/contacts``, ``crm/companies`` and ``crm/deals``."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, Written
from unified_models import (
    Company,
    CompanyCreate,
    CompanyUpdate,
    CrmContact,
    CrmContactCreate,
    CrmContactUpdate,
    Deal,
    DealCreate,
    DealStatus,
    DealUpdate,
)
from unigate_hubspot.links import check_targets, relink
from unigate_hubspot.mappers import (
    COMPANY_PROPERTIES,
    CONTACT_PROPERTIES,
    DEAL_PROPERTIES,
    to_company,
    to_contact,
    to_deal,
)
from unigate_hubspot.objects import HubSpotObjects, Links
from unigate_hubspot.pipelines import deal_pipelines, stage_statuses
from unigate_hubspot.records import Filter, Kind, find_id, get_record, upsert_by
from unigate_hubspot.writes import Write, company_write, contact_write, deal_write

CONTACTS = Kind("contacts", "contact", CONTACT_PROPERTIES, ("companies",), modified="lastmodifieddate")
COMPANIES = Kind("companies", "company", COMPANY_PROPERTIES)
DEALS = Kind("deals", "deal", DEAL_PROPERTIES, ("companies", "contacts"))
CONTACT_FIELDS = ("first_name", "last_name", "title", "email_addresses", "phone_numbers", "addresses", "owner")


class HubSpotContacts(
    HubSpotObjects[CrmContact, CrmContactCreate, CrmContactUpdate],
    Resource[CrmContact, CrmContactCreate, CrmContactUpdate],
):
    """Contacts; upsert by the primary email address through HubSpot's ``batch/upsert`` (``idProperty=email``)."""

    kind = CONTACTS
    link_filters = {"deal_id": "deals", "company_id": "companies"}
    filters = frozenset({"modified_after", "email", "owner_id", "company_id", "deal_id"})
    fields = (*ENVELOPE_FIELDS, *CONTACT_FIELDS, "companies", "last_activity_at", "custom_fields")

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> CrmContact:
        return to_contact(raw, custom, links)

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        return contact_write(fields)

    async def own_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        return [{"propertyName": "email", "operator": "EQ", "value": query.email}] if query.email else []

    async def upsert(self, ctx: ProviderContext, data: CrmContactCreate) -> Written[CrmContact]:
        fields = data.model_dump(exclude_unset=True)
        properties, links, warnings = contact_write(fields)
        email = str(properties.pop("email", "") or "")
        if not email:
            raise ProviderError(
                400,
                "invalid_request",
                "email_addresses: an upsert matches on the email; send one",
                field="email_addresses",
            )
        await check_targets(ctx, links)
        remote_id = await upsert_by(ctx, CONTACTS, "email", email, properties)
        for target, ids in links.items():
            await relink(ctx, CONTACTS.name, remote_id, target, ids)
        item = await self.get(ctx, remote_id)
        return Written(item, [w.model_copy(update={"object_id": item.id}) for w in warnings])


class HubSpotCompanies(
    HubSpotObjects[Company, CompanyCreate, CompanyUpdate], Resource[Company, CompanyCreate, CompanyUpdate]
):
    """Companies; upsert by ``domain`` searches for the oldest company with it, then updates it or creates one
    (HubSpot's ``domain`` is not a unique property, so ``batch/upsert`` cannot match on it)."""

    kind = COMPANIES
    link_filters = {"contact_id": "contacts", "deal_id": "deals"}
    filters = frozenset({"modified_after", "domain", "owner_id", "contact_id", "deal_id"})
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
        "last_activity_at",
        "custom_fields",
    )

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> Company:
        return to_company(raw, custom, links)

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        return company_write(fields)

    async def own_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        return [{"propertyName": "domain", "operator": "EQ", "value": query.domain}] if query.domain else []

    async def upsert(self, ctx: ProviderContext, data: CompanyCreate) -> Written[Company]:
        if not data.domain:
            raise ProviderError(
                400, "invalid_request", "domain: an upsert matches on the domain; send it", field="domain"
            )
        found = await find_id(ctx, COMPANIES, "domain", data.domain)
        return await self.write(ctx, found, data.model_dump(exclude_unset=True))


class HubSpotDeals(HubSpotObjects[Deal, DealCreate, DealUpdate], Resource[Deal, DealCreate, DealUpdate]):
    """Deals; ``status`` comes from the stage's metadata (closed with probability 1.0: WON, closed: LOST), the stage
    id is ``remote_status``. Writing a ``status`` without a ``stage`` picks the pipeline's first stage with it."""

    kind = DEALS
    link_filters = {"company_id": "companies", "contact_id": "contacts"}
    filters = frozenset({"modified_after", "status", "owner_id", "company_id", "contact_id"})
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "amount",
        "currency",
        "pipeline",
        "stage",
        "status",
        "remote_status",
        "close_date",
        "probability",
        "companies",
        "contacts",
        "owner",
        "description",
        "last_activity_at",
        "custom_fields",
    )

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> Deal:
        return to_deal(raw, custom, links, extra)

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        return deal_write(fields)

    async def extra(self, ctx: ProviderContext) -> dict[str, DealStatus]:
        return stage_statuses(await deal_pipelines(ctx))

    async def own_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        if not query.status:
            return []
        stages = sorted(s for s, status in (await self.extra(ctx)).items() if status == query.status)
        return [{"propertyName": "dealstage", "operator": "IN", "values": stages}] if stages else None

    async def prepare(
        self, ctx: ProviderContext, properties: dict[str, Any], fields: dict[str, Any], remote_id: str | None
    ) -> dict[str, Any]:
        """Check ``status`` against the stage, or choose the stage for it (the first OPEN one on create)."""
        status = fields.get("status")
        if status is None and (remote_id is not None or properties.get("dealstage")):
            return properties
        pipelines = await deal_pipelines(ctx)
        statuses = stage_statuses(pipelines)
        wanted = DealStatus(status) if status else DealStatus.OPEN
        stage = properties.get("dealstage")
        if stage:
            if statuses.get(stage, wanted) != wanted:
                message = f"status: stage {stage!r} is {statuses[stage]}, not {wanted}; send one or the other"
                raise ProviderError(422, "invalid_request", message, field="status")
            return properties
        pipeline = properties.get("pipeline")
        if not pipeline and remote_id is not None:
            current = await get_record(ctx, DEALS, remote_id, ["pipeline"])
            pipeline = (current.get("properties") or {}).get("pipeline")
        if pipeline:
            chosen = next((p for p in pipelines if p.get("id") == pipeline), None)
            if chosen is None:
                known = ", ".join(str(p.get("id")) for p in pipelines)
                message = f"pipeline: HubSpot has no deal pipeline {pipeline!r}; send one of {known}"
                raise ProviderError(422, "invalid_request", message, field="pipeline")
        else:
            chosen = next((p for p in pipelines if p.get("id") == "default"), pipelines[0] if pipelines else None)
        stages = [s for s in (chosen or {}).get("stages") or [] if statuses.get(str(s.get("id"))) == wanted]
        if chosen is None or not stages:
            where = f"pipeline {pipeline!r}" if pipeline else "the default pipeline"
            raise ProviderError(422, "invalid_request", f"status: {where} has no {wanted} stage", field="status")
        first = min(stages, key=lambda s: s.get("displayOrder") or 0)
        return {**properties, "pipeline": str(chosen["id"]), "dealstage": str(first["id"])}
