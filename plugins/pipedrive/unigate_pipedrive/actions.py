"""Pipedrive's ``merge-persons`` and ``merge-organizations`` actions (``PUT /v1/{persons|organizations}/{id}/merge``
with ``merge_with_id``).

Pipedrive keeps the object of ``merge_with_id`` (our ``primary_id``), with its values; the fields it has empty take
the duplicate's, all related data (deals, activities, notes, files; an organization's persons) moves to it, and
the duplicate (the path's id) is removed. The answer is the primary read back through v2, as the resources map it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import Action, ProviderContext, ProviderError
from unified_models.crm import Company, CrmContact
from unigate_pipedrive.common import data_of, numeric_id
from unigate_pipedrive.people import PipedriveCompanies, PipedriveContacts


class MergeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    primary_id: str = Field(min_length=1, description="The object kept, whose values win (Pipedrive's merge_with_id)")
    duplicate_id: str = Field(min_length=1, description="The object merged into it and removed")


async def merge(ctx: ProviderContext, kind: str, input: MergeInput) -> str:
    """Merge ``duplicate_id`` into ``primary_id``; the kept object's id. Pipedrive's refusals name ``duplicate_id``."""
    what = kind[:-1]
    primary = numeric_id(input.primary_id, "primary_id")
    duplicate = numeric_id(input.duplicate_id, "duplicate_id")
    if int(primary) == int(duplicate):
        message = f"duplicate_id: a {what} cannot be merged into itself; send two different ids"
        raise ProviderError(400, "invalid_field", message, field="duplicate_id")
    response = await ctx.http.put(f"/v1/{kind}/{duplicate}/merge", json={"merge_with_id": int(primary)})
    try:
        data_of(ctx, response, f"merging {what} {duplicate} into {primary}")
    except ProviderError as refused:
        if refused.status != 422 or refused.field is not None:
            raise
        raise ProviderError(422, refused.code, f"duplicate_id: {refused.message}", field="duplicate_id") from None
    return primary


class MergePersons(Action[MergeInput, CrmContact]):
    """Merge a duplicate person into a primary one and answer the primary as it now is: its values win, the fields
    it had empty take the duplicate's, the duplicate's deals, activities and notes move to it; the duplicate is
    removed."""

    async def run(self, ctx: ProviderContext, input: MergeInput) -> CrmContact:
        kept = await merge(ctx, "persons", input)
        return await PipedriveContacts(self.provider, "crm/contacts").get(ctx, kept)


class MergeOrganizations(Action[MergeInput, Company]):
    """Merge a duplicate organization into a primary one and answer the primary as it now is: its values win, the
    fields it had empty take the duplicate's, the duplicate's persons, deals, activities and notes move to it; the
    duplicate is removed."""

    async def run(self, ctx: ProviderContext, input: MergeInput) -> Company:
        kept = await merge(ctx, "organizations", input)
        return await PipedriveCompanies(self.provider, "crm/companies").get(ctx, kept)
