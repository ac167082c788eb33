"""HubSpot's ``merge-contacts`` and ``merge-companies`` actions (``POST /crm/v3/objects/{type}/merge``).

HubSpot answers the merged record, which has a new id: both old ids keep leading to it (reads by either answer it),
its current values are the primary's, the other record's fill the gaps, and it has both records' associations.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import Action, ProviderContext, ProviderError
from unified_models import Company, CrmContact
from unigate_hubspot.common import CRM, check, numeric_id
from unigate_hubspot.crm import COMPANIES, CONTACTS, HubSpotCompanies, HubSpotContacts
from unigate_hubspot.records import Kind


class MergeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    primary_id: str = Field(min_length=1, description="The record whose values win (HubSpot's primaryObjectId)")
    duplicate_id: str = Field(min_length=1, description="The record merged into it (HubSpot's objectIdToMerge)")


async def merge(ctx: ProviderContext, kind: Kind, input: MergeInput) -> str:
    """Merge ``duplicate_id`` into ``primary_id``; the merged record's id. HubSpot's refusals name ``duplicate_id``."""
    primary = numeric_id(input.primary_id, "primary_id")
    duplicate = numeric_id(input.duplicate_id, "duplicate_id")
    if primary == duplicate:
        message = f"duplicate_id: a {kind.what} cannot be merged into itself; send two different ids"
        raise ProviderError(400, "invalid_field", message, field="duplicate_id")
    body = {"primaryObjectId": primary, "objectIdToMerge": duplicate}
    response = await ctx.http.post(f"{CRM}/{kind.name}/merge", json=body)
    try:
        check(ctx, response, f"merging {kind.what} {duplicate} into {primary}")
    except ProviderError as refused:
        if refused.status != 422 or refused.field is not None:
            raise
        raise ProviderError(422, refused.code, f"duplicate_id: {refused.message}", field="duplicate_id") from None
    return str(response.json()["id"])


class MergeContacts(Action[MergeInput, CrmContact]):
    """Merge a duplicate contact into a primary one; answers the merged contact, which HubSpot gives a new id (both
    old ids lead to it). The primary's values win, the duplicate's fill the gaps and its emails become additional
    ones; both contacts' associations are kept."""

    async def run(self, ctx: ProviderContext, input: MergeInput) -> CrmContact:
        merged = await merge(ctx, CONTACTS, input)
        return await HubSpotContacts(self.provider, "crm/contacts").get(ctx, merged)


class MergeCompanies(Action[MergeInput, Company]):
    """Merge a duplicate company into a primary one; answers the merged company, which HubSpot gives a new id (both
    old ids lead to it). The primary's values win, the duplicate's fill the gaps; both companies' associations are
    kept."""

    async def run(self, ctx: ProviderContext, input: MergeInput) -> Company:
        merged = await merge(ctx, COMPANIES, input)
        return await HubSpotCompanies(self.provider, "crm/companies").get(ctx, merged)
