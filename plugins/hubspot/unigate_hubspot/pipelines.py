"""Deal pipelines (``/crm/v3/pipelines/deals``, one answer without paging) and the owners (``/crm/v3/owners``)."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource, ResourcePage, paginate
from unified_models import DealStatus, Pipeline, User
from unigate_hubspot.common import ERRORS, MAX_PAGE, check, numeric_id
from unigate_hubspot.mappers import stage_status, to_pipeline, to_user

PIPELINES = "/crm/v3/pipelines/deals"


async def deal_pipelines(ctx: ProviderContext) -> list[dict[str, Any]]:
    """Every deal pipeline of the account, with its stages, in HubSpot's order."""
    response = await ctx.http.get(PIPELINES)
    check(ctx, response, "listing the deal pipelines")
    return [p for p in response.json().get("results") or [] if isinstance(p, dict)]


def stage_statuses(pipelines: list[dict[str, Any]]) -> dict[str, DealStatus]:
    """Each stage id's status (stage ids are unique across an account's deal pipelines)."""
    return {
        str(stage["id"]): stage_status(stage.get("metadata"))
        for pipeline in pipelines
        for stage in pipeline.get("stages") or []
        if isinstance(stage, dict) and stage.get("id")
    }


class HubSpotPipelines(Resource[Pipeline]):
    """The account's deal pipelines and their stages (``metadata.isClosed``, ``metadata.probability``)."""

    fields = (*ENVELOPE_FIELDS, "name", "stages", "is_default")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Pipeline]:
        """HubSpot answers every pipeline at once: pages of ``page_size`` are cut from it (the cursor an offset)."""
        start = int(query.cursor) if query.cursor and query.cursor.isdigit() else 0
        found = await deal_pipelines(ctx)
        end = start + query.page_size
        return ResourcePage([to_pipeline(p) for p in found[start:end]], str(end) if end < len(found) else None)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Pipeline:
        response = await ctx.http.get(f"{PIPELINES}/{remote_id}")
        check(ctx, response, f"getting deal pipeline {remote_id}")
        return to_pipeline(response.json())


class HubSpotUsers(Resource[User]):
    """HubSpot owners: the users records are assigned to (ids are owner ids, as ``hubspot_owner_id`` holds)."""

    fields = (*ENVELOPE_FIELDS, "name", "email_address", "is_active", "teams")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        page = await paginate(
            ctx,
            "/crm/v3/owners",
            query,
            override={"max_page_size": MAX_PAGE},
            operation="listing owners",
            errors=ERRORS,
        )
        return ResourcePage([to_user(o) for o in page.items if isinstance(o, dict)], page.next_cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(f"/crm/v3/owners/{numeric_id(remote_id)}")
        check(ctx, response, f"getting owner {remote_id}")
        return to_user(response.json())
