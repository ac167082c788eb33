"""The resource behaviour Attio's record objects share (people, companies, deals): list by records query, get,
create, update, delete and upsert ("assert" by a unique attribute).

A list is ``POST /v2/objects/{object}/records/query`` oldest first, the filters as Attio's filter object, paged by
``limit``/``offset`` (the offset is the provider cursor the gateway signs). An update is ``PUT
/v2/objects/{object}/records/{id}``: Attio's ``PATCH`` prepends to multiselect attributes, ``PUT`` replaces the
values sent, as a unified update does (``[]`` empties a list); attributes not sent are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from gateway.provider import (
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    UpstreamFailure,
    Written,
    unsettable,
)
from unified_models import FieldWarning, RemoteObject
from unigate_attio.common import data_of, query_records, record_id

ModelT = TypeVar("ModelT", bound=RemoteObject)
CreateT = TypeVar("CreateT", bound=BaseModel)
UpdateT = TypeVar("UpdateT", bound=BaseModel)
Values = dict[str, Any]
NOTHING: Mapping[str, Any] = {"$nothing": True}  # a filter no record can pass (the list is empty)


class AttioRecords(Resource[ModelT, CreateT, UpdateT]):
    """Base of the record resources; a subclass sets ``obj``, ``what``, ``unsettable_reasons`` and implements
    ``to_model``, ``values_of`` and ``record_filter``."""

    obj: ClassVar[str]  # the object's slug: people, companies, deals
    what: ClassVar[str]  # what a message calls one record: person, company, deal
    matching: ClassVar[str] = ""  # the unique attribute an upsert asserts on
    unsettable_reasons: ClassVar[Mapping[str, str]] = {}  # unified fields Attio has no attribute for -> why

    def to_model(self, record: dict[str, Any], mapped: Iterable[str]) -> ModelT:
        """The unified object of an Attio record (each object's resource defines it)."""
        raise NotImplementedError

    async def values_of(self, ctx: ProviderContext, data: BaseModel, creating: bool) -> Values:
        """The attribute values of the unified fields sent (each object's resource defines it)."""
        raise NotImplementedError

    async def record_filter(self, ctx: ProviderContext, query: ListQuery) -> Mapping[str, Any] | None:
        """Attio's filter for the query's filters; None for none, ``NOTHING`` when no record can match."""
        return None

    def mapped(self, ctx: ProviderContext) -> list[str]:
        """The attribute slugs the connection's field mapping names for this resource."""
        return list((ctx.field_mappings.get(self.name) or {}).values())

    def model(self, ctx: ProviderContext, record: Any) -> ModelT:
        if not isinstance(record, dict):
            raise UpstreamFailure(ctx.provider, f"Attio answered a {self.what} that is not an object")
        return self.to_model(record, self.mapped(ctx))

    def warnings(self, data: BaseModel, item: ModelT) -> list[FieldWarning]:
        return unsettable(data.model_dump(exclude_unset=True), self.unsettable_reasons, item.id)

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[ModelT]:
        record_filter = await self.record_filter(ctx, query)
        if record_filter is NOTHING:
            return ResourcePage([])
        records, following = await query_records(ctx, self.obj, query, record_filter)
        return ResourcePage([self.model(ctx, r) for r in records], following)

    def path(self, remote_id: str | None = None) -> str:
        base = f"/v2/objects/{self.obj}/records"
        return f"{base}/{record_id(remote_id)}" if remote_id is not None else base

    async def get(self, ctx: ProviderContext, remote_id: str) -> ModelT:
        response = await ctx.http.get(self.path(remote_id))
        return self.model(ctx, data_of(ctx, response, f"getting {self.what} {remote_id}"))

    async def create(self, ctx: ProviderContext, data: CreateT) -> Written[ModelT]:
        values = await self.values_of(ctx, data, True)
        response = await ctx.http.post(self.path(), json={"data": {"values": values}})
        item = self.model(ctx, data_of(ctx, response, f"creating a {self.what}"))
        return Written(item, self.warnings(data, item))

    async def update_values(self, ctx: ProviderContext, remote_id: str, data: UpdateT) -> Values:
        """The values an update writes; by default ``values_of`` the fields sent."""
        return await self.values_of(ctx, data, False)

    async def update(self, ctx: ProviderContext, remote_id: str, data: UpdateT) -> Written[ModelT]:
        values = await self.update_values(ctx, remote_id, data)
        if not values:
            item = await self.get(ctx, remote_id)
        else:
            response = await ctx.http.put(self.path(remote_id), json={"data": {"values": values}})
            item = self.model(ctx, data_of(ctx, response, f"updating {self.what} {remote_id}"))
        return Written(item, self.warnings(data, item))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        data_of(ctx, await ctx.http.delete(self.path(remote_id)), f"deleting {self.what} {remote_id}")

    async def assert_record(self, ctx: ProviderContext, data: CreateT, key: str) -> Written[ModelT]:
        """``PUT …/records?matching_attribute=`` (Attio's assert): update the record with the same ``key``
        value, or create one."""
        values = await self.values_of(ctx, data, True)
        response = await ctx.http.put(
            self.path(), params={"matching_attribute": self.matching}, json={"data": {"values": values}}
        )
        item = self.model(ctx, data_of(ctx, response, f"upserting the {self.what} with {self.matching} {key}"))
        return Written(item, self.warnings(data, item))


def one(ids: list[str], field: str, what: str) -> list[str]:
    """At most one id (an Attio single-reference attribute), each a UUID."""
    if len(ids) > 1:
        raise ProviderError(400, "invalid", f"{field}: an Attio {what} links one; send one id", field=field)
    return [record_id(i, field) for i in ids]


def both(*filters: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The filters given joined by ``$and`` (None when there is none)."""
    given = [dict(f) for f in filters if f]
    if not given:
        return None
    return given[0] if len(given) == 1 else {"$and": given}
