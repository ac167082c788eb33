"""Opportunities as ``crm/deals``; the org's opportunity stages (``OpportunityStage``) as the one ``crm/pipelines``.

A deal's ``stage`` is its ``StageName`` (the stage's API name, as the pipeline's stage ids are); its status is
``IsClosed``/``IsWon``. Writing a ``status`` without a ``stage`` picks the first active stage with that status.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models.crm import Deal, DealCreate, DealStatus, DealUpdate, Pipeline
from unigate_salesforce.mappers import PIPELINE, stage_id, stage_status, to_deal, to_pipeline
from unigate_salesforce.records import SObjects, equals
from unigate_salesforce.soql import Soql, query_all
from unigate_salesforce.writes import DEAL_FIELDS, Body, deal_body

STAGE_COLUMNS = ("MasterLabel", "ApiName", "IsActive", "IsClosed", "IsWon", "DefaultProbability", "SortOrder")
STATUS_WHERE = {
    DealStatus.OPEN: "IsClosed = false",
    DealStatus.WON: "IsWon = true",
    DealStatus.LOST: "IsClosed = true AND IsWon = false",
}


async def active_stages(ctx: ProviderContext) -> list[dict[str, Any]]:
    """The org's active opportunity stages, in their order."""
    soql = Soql("OpportunityStage", (*STAGE_COLUMNS, "LastModifiedDate"), ("IsActive = true",), "SortOrder ASC")
    return await query_all(ctx, soql, "listing opportunity stages")


class SalesforceDeals(SObjects[Deal, DealCreate, DealUpdate]):
    """Opportunities: ``Amount``, ``StageName``, ``CloseDate`` (required), ``Probability``, the ``AccountId``."""

    sobject = "Opportunity"
    what = "opportunity"
    columns = (
        "Name", "Amount", "StageName", "IsClosed", "IsWon", "CloseDate", "Probability", "AccountId", "OwnerId",
        "Description", "CreatedDate", "LastModifiedDate", "SystemModstamp", "LastActivityDate",
    )  # fmt: skip
    names = DEAL_FIELDS
    filters = frozenset({"modified_after", "status", "company_id", "owner_id"})
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
        "owner",
        "description",
        "custom_fields",
        "last_activity_at",
    )

    def to_model(self, record: dict[str, Any]) -> Deal:
        return to_deal(record)

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        return deal_body(fields)

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        where = []
        if query.status is not None:
            where.append(STATUS_WHERE[DealStatus(query.status)])
        if query.company_id is not None:
            where.append(equals("AccountId", query.company_id, "company_id"))
        return where

    async def prepare(
        self, ctx: ProviderContext, body: dict[str, Any], fields: dict[str, Any], remote_id: str | None
    ) -> dict[str, Any]:
        """Check ``status`` against the stage sent, or choose the stage for it (the first OPEN one on create)."""
        status = fields.get("status")
        if status is None and (remote_id is not None or body.get("StageName")):
            return body
        wanted = DealStatus(status) if status else DealStatus.OPEN
        stages = await active_stages(ctx)
        if body.get("StageName"):
            stage = next((s for s in stages if stage_id(s) == body["StageName"]), None)
            if stage is not None and stage_status(stage) != wanted:
                message = f"status: stage {body['StageName']!r} is {stage_status(stage)}, not {wanted}; send one"
                raise ProviderError(422, "invalid_request", message, field="status")
            return body
        chosen = next((s for s in stages if stage_status(s) == wanted), None)
        if chosen is None:
            raise ProviderError(422, "invalid_request", f"status: the org has no active {wanted} stage", field="status")
        return {**body, "StageName": stage_id(chosen)}


class SalesforcePipelines(Resource[Pipeline]):
    """The org's active opportunity stages as one pipeline, ``default`` (record types' sales processes, which
    narrow the stages per record type, are not told apart)."""

    fields = (*ENVELOPE_FIELDS, "name", "stages", "is_default")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Pipeline]:
        return ResourcePage([to_pipeline(await active_stages(ctx))])

    async def get(self, ctx: ProviderContext, remote_id: str) -> Pipeline:
        if remote_id != PIPELINE:
            message = f"getting pipeline {remote_id}: Salesforce has one pipeline here, {PIPELINE!r}"
            raise ProviderError(404, "not_found", message)
        return to_pipeline(await active_stages(ctx))
