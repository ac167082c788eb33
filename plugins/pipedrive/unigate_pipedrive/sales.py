"""Deals (v2, status open/won/lost as DealStatus), pipelines with their stages (v1) and users (v1)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage, Written
from unified_models import User
from unified_models.crm import Deal, DealCreate, DealStage, DealStatus, DealUpdate, Pipeline
from unigate_pipedrive.common import as_int, custom_written, data_of, list_v2, numeric_id
from unigate_pipedrive.mappers import envelope, to_deal, to_user

STATUS_SENT = {DealStatus.OPEN: "open", DealStatus.WON: "won", DealStatus.LOST: "lost"}


def _one(ids: list[str], field: str) -> int | None:
    if len(ids) > 1:
        raise ProviderError(400, "invalid", f"{field}: a Pipedrive deal has one; send one id")
    return as_int(ids[0], field) if ids else None


def deal_body(data: DealCreate | DealUpdate) -> dict[str, Any]:
    """The v2 deal body of the fields sent."""
    sent = data.model_fields_set | ({"name"} if isinstance(data, DealCreate) else set())
    body: dict[str, Any] = {}
    simple = {"name": "title", "amount": "value", "currency": "currency", "probability": "probability"}
    for unified, remote in simple.items():
        if unified in sent:
            body[remote] = getattr(data, unified)
    if "pipeline" in sent:
        body["pipeline_id"] = as_int(data.pipeline, "pipeline")
    if "stage" in sent:
        body["stage_id"] = as_int(data.stage, "stage")
    if "status" in sent and data.status is not None:
        body["status"] = STATUS_SENT[data.status]
    if "close_date" in sent:
        body["expected_close_date"] = data.close_date.isoformat() if data.close_date else None
    if "companies" in sent:
        body["org_id"] = _one(data.companies, "companies")
    if "contacts" in sent:
        body["person_id"] = _one(data.contacts, "contacts")
    if "owner" in sent:
        body["owner_id"] = as_int(data.owner, "owner")
    if "custom_fields" in sent:
        body["custom_fields"] = custom_written(data.custom_fields)
    return body


class PipedriveDeals(Resource[Deal, DealCreate, DealUpdate]):
    """Deals (``/v2/deals``); ``status`` open/won/lost is the DealStatus and ``remote_status``."""

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
        "custom_fields",
        "last_activity_at",
    )
    filters = frozenset({"modified_after", "company_id", "contact_id", "owner_id", "status"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Deal]:
        params = {"org_id": query.company_id, "person_id": query.contact_id, "owner_id": query.owner_id}
        for name, value in (
            ("company_id", query.company_id),
            ("contact_id", query.contact_id),
            ("owner_id", query.owner_id),
        ):
            if value is not None:
                numeric_id(value, name)
        if query.status is not None:
            params["status"] = STATUS_SENT[DealStatus(query.status)]
        items, following = await list_v2(ctx, "/deals", query, "deals", params)
        return ResourcePage([to_deal(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Deal:
        response = await ctx.http.get(f"/v2/deals/{numeric_id(remote_id)}")
        return to_deal(data_of(ctx, response, f"getting deal {remote_id}"))

    async def create(self, ctx: ProviderContext, data: DealCreate) -> Written[Deal]:
        response = await ctx.http.post("/v2/deals", json=deal_body(data))
        return Written(to_deal(data_of(ctx, response, "creating a deal")))

    async def update(self, ctx: ProviderContext, remote_id: str, data: DealUpdate) -> Written[Deal]:
        response = await ctx.http.patch(f"/v2/deals/{numeric_id(remote_id)}", json=deal_body(data))
        return Written(to_deal(data_of(ctx, response, f"updating deal {remote_id}")))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(f"/v2/deals/{numeric_id(remote_id)}"), f"deleting deal {remote_id}")


def to_stage(item: dict[str, Any]) -> DealStage:
    probability = item.get("deal_probability")
    return DealStage(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        display_order=item.get("order_nr") if isinstance(item.get("order_nr"), int) else None,
        probability=float(probability) if isinstance(probability, int | float) and 0 <= probability <= 100 else None,
    )


def to_pipeline(item: dict[str, Any], stages: list[dict[str, Any]]) -> Pipeline:
    ordered = sorted(stages, key=lambda s: s.get("order_nr") or 0)
    return Pipeline(
        **envelope(item),
        name=item.get("name"),
        stages=[to_stage(s) for s in ordered],
        is_default=bool(item.get("selected")) if "selected" in item else None,
    )


class PipedrivePipelines(Resource[Pipeline]):
    """Pipelines (``/v1/pipelines``) with their stages (``/v1/stages``); Pipedrive closes deals by status, so every
    stage is OPEN. One page: companies have a handful of pipelines."""

    fields = (*ENVELOPE_FIELDS, "name", "stages", "is_default")

    async def _stages(self, ctx: ProviderContext, pipeline_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
        params = {"pipeline_id": pipeline_id} if pipeline_id else {}
        data = data_of(ctx, await ctx.http.get("/v1/stages", params=params), "listing stages") or []
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for stage in data:
            if isinstance(stage, dict):
                grouped[str(stage.get("pipeline_id"))].append(stage)
        return grouped

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Pipeline]:
        data = data_of(ctx, await ctx.http.get("/v1/pipelines"), "listing pipelines") or []
        stages = await self._stages(ctx)
        return ResourcePage([to_pipeline(p, stages[str(p["id"])]) for p in data if isinstance(p, dict)])

    async def get(self, ctx: ProviderContext, remote_id: str) -> Pipeline:
        response = await ctx.http.get(f"/v1/pipelines/{numeric_id(remote_id)}")
        item = data_of(ctx, response, f"getting pipeline {remote_id}")
        return to_pipeline(item, (await self._stages(ctx, remote_id))[remote_id])


class PipedriveUsers(Resource[User]):
    """The company's users (``/v1/users``, one answer, no paging), the owners of CRM objects."""

    fields = (*ENVELOPE_FIELDS, "name", "email_address", "is_active", "avatar")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        data = data_of(ctx, await ctx.http.get("/v1/users"), "listing users") or []
        return ResourcePage([to_user(u) for u in data if isinstance(u, dict)])

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(f"/v1/users/{numeric_id(remote_id)}")
        return to_user(data_of(ctx, response, f"getting user {remote_id}"))
