"""Deals (Attio's ``deals`` object, its ``stage`` status attribute as the stage) and their one pipeline.

Attio has no pipelines: the statuses of the deals' ``stage`` attribute
(``GET /v2/objects/deals/attributes/stage/statuses``, archived ones left out) are the stages of one pipeline,
``deals``. A stage that celebrates (Attio's "Won 🎉") or is titled "Won…" is WON, one titled "Lost…" LOST.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models.crm import Deal, DealCreate, DealStage, DealStatus, DealUpdate, Pipeline
from unigate_attio.common import data_of, record_id
from unigate_attio.mappers import stage_status, to_deal
from unigate_attio.records import NOTHING, AttioRecords, Values, both, one
from unigate_attio.values import actor, custom_written, reference

PIPELINE = "deals"
DEAL_WRITES = {
    "name": "name",
    "stage": "stage/status",
    "value": "amount",
    "owner": "owner",
    "associated_people": "contacts",
    "associated_company": "companies",
}


async def statuses(ctx: ProviderContext) -> list[dict[str, Any]]:
    """The deal stage's statuses, in Attio's order (archived ones left out, as Attio answers by default)."""
    response = await ctx.http.get("/v2/objects/deals/attributes/stage/statuses")
    found = data_of(ctx, response, "listing the deal stages") or []
    return [s for s in found if isinstance(s, dict) and not s.get("is_archived")]


def status_id(status: dict[str, Any]) -> str:
    return str((status.get("id") or {}).get("status_id"))


def _stage_for(stages: list[dict[str, Any]], wanted: DealStatus) -> str:
    """The first stage whose status is ``wanted``; 400 when the workspace has none."""
    found = next((status_id(s) for s in stages if stage_status(s) == wanted), None)
    if found is None:
        message = f"status: no Attio deal stage is {wanted.value}; send a stage id (GET /crm/pipelines)"
        raise ProviderError(400, "invalid", message, field="status")
    return found


async def _stage_value(ctx: ProviderContext, fields: dict[str, Any], creating: bool) -> list[dict[str, str]] | None:
    """The ``stage`` value of a deal write: the stage sent, else the first stage of the status sent, else (a new
    deal) the first open stage; None to leave it."""
    stage, status = fields.get("stage"), fields.get("status")
    if stage and status:
        by_id = {status_id(s): s for s in await statuses(ctx)}
        if stage in by_id and stage_status(by_id[stage]) != DealStatus(status):
            message = f"status: stage {stage} is {stage_status(by_id[stage]).value}, not {status}; send one of them"
            raise ProviderError(400, "invalid", message, field="status")
    if stage:
        return [{"status": stage}]
    if status or creating:
        return [{"status": _stage_for(await statuses(ctx), DealStatus(status or DealStatus.OPEN))}]
    return None


async def deal_values(ctx: ProviderContext, data: BaseModel, creating: bool) -> Values:
    sent, fields = data.model_fields_set, data.model_dump(exclude_unset=True)
    values: Values = {}
    if "name" in sent:
        values["name"] = [{"value": fields["name"]}] if fields["name"] else []
    if fields.get("pipeline") not in (None, PIPELINE):
        message = f"pipeline: Attio deals have one pipeline, {PIPELINE!r}; not {fields['pipeline']!r}"
        raise ProviderError(400, "invalid", message, field="pipeline")
    stage = await _stage_value(ctx, fields, creating)
    if stage is not None:
        values["stage"] = stage
    if "amount" in sent:
        values["value"] = [{"currency_value": fields["amount"]}] if fields["amount"] is not None else []
    if "owner" in sent:
        values["owner"] = actor(record_id(fields["owner"], "owner") if fields["owner"] else None)
    if "companies" in sent:
        values["associated_company"] = reference("companies", one(fields["companies"], "companies", "deal"))
    if "contacts" in sent:
        values["associated_people"] = reference("people", [record_id(i, "contacts") for i in fields["contacts"]])
    if "custom_fields" in sent:
        values.update(custom_written(fields["custom_fields"], DEAL_WRITES))
    return values


class AttioDeals(AttioRecords[Deal, DealCreate, DealUpdate]):
    """Deals (``/v2/objects/deals``): ``value`` the amount, ``owner`` a workspace member, ``associated_company``
    and ``associated_people`` the links; ``status`` filters on the stages of that status."""

    obj, what = "deals", "deal"
    unsettable_reasons = {
        "currency": "Attio sets a deal value's currency on the attribute, not per deal",
        "close_date": "Attio deals have no close date attribute",
        "probability": "Attio deals have no probability attribute",
        "description": "Attio deals have no description attribute",
    }
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "amount",
        "currency",
        "pipeline",
        "stage",
        "status",
        "remote_status",
        "companies",
        "contacts",
        "owner",
        "custom_fields",
    )
    filters = frozenset({"company_id", "contact_id", "owner_id", "status"})

    def to_model(self, record: dict[str, Any], mapped: Any) -> Deal:
        return to_deal(record, mapped)

    async def values_of(self, ctx: ProviderContext, data: BaseModel, creating: bool) -> Values:
        return await deal_values(ctx, data, creating)

    async def record_filter(self, ctx: ProviderContext, query: ListQuery) -> Any:
        parts: list[Any] = []
        if query.company_id:
            parts.append(
                {"associated_company": {"target_record_id": {"$eq": record_id(query.company_id, "company_id")}}}
            )
        if query.contact_id:
            parts.append(
                {"associated_people": {"target_record_id": {"$eq": record_id(query.contact_id, "contact_id")}}}
            )
        if query.owner_id:
            member = record_id(query.owner_id, "owner_id")
            parts.append({"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": member}})
        if query.status:
            wanted = [status_id(s) for s in await statuses(ctx) if stage_status(s) == DealStatus(query.status)]
            if not wanted:
                return NOTHING
            parts.append({"$or": [{"stage": sid} for sid in wanted]} if len(wanted) > 1 else {"stage": wanted[0]})
        return both(*parts)


def to_stage(status: dict[str, Any], order: int) -> DealStage:
    return DealStage(
        id=status_id(status), name=str(status.get("title") or ""), display_order=order, status=stage_status(status)
    )


def to_pipeline(found: list[dict[str, Any]]) -> Pipeline:
    return Pipeline(
        id=PIPELINE,
        provider="attio",
        remote_id=PIPELINE,
        remote_data={"statuses": found},
        name="Deals",
        stages=[to_stage(s, i) for i, s in enumerate(found)],
        is_default=True,
    )


class AttioPipelines(Resource[Pipeline]):
    """The one pipeline ``deals``: the ``stage`` attribute's statuses, in order."""

    fields = (*ENVELOPE_FIELDS, "name", "stages", "is_default")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Pipeline]:
        return ResourcePage([to_pipeline(await statuses(ctx))])

    async def get(self, ctx: ProviderContext, remote_id: str) -> Pipeline:
        if remote_id != PIPELINE:
            raise ProviderError(404, "not_found", f"getting pipeline {remote_id}: Attio has one pipeline, {PIPELINE!r}")
        return to_pipeline(await statuses(ctx))
