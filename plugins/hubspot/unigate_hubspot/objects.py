"""The resource behaviour every HubSpot CRM object type shares: list (plain, searched or through an association),
get, create, update and delete, with custom properties and associations.

A list without filters walks ``GET /crm/v3/objects/{type}``; filters on the object's own properties
(``modified_after``, ``owner_id``, ``email``, ...) go to ``POST …/search``; an association filter (``company_id``)
walks the associated object's v4 association list and batch-reads that page, the other filters then checked on
the page. Writes set the properties, then make the associations sent the object's associations, then read the
object back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from gateway.provider import (
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
    Written,
    format_time,
    unsupported_filter,
)
from unified_models import RemoteObject
from unigate_hubspot.common import MAX_PAGE
from unigate_hubspot.links import check_targets, linked, linked_batch, linked_page, relink
from unigate_hubspot.records import (
    Filter,
    Kind,
    custom_names,
    delete_record,
    get_record,
    list_records,
    read_records,
    wanted,
    write_record,
)
from unigate_hubspot.writes import Write

ModelT = TypeVar("ModelT", bound=RemoteObject)
CreateT = TypeVar("CreateT", bound=BaseModel)
UpdateT = TypeVar("UpdateT", bound=BaseModel)
Links = dict[str, list[str]]


def matches(item: Any, query: ListQuery, link_filters: Mapping[str, str]) -> bool:
    """Whether a mapped object passes the query's filters (for pages read through an association)."""
    if query.modified_after and not (item.remote_updated_at and item.remote_updated_at >= query.modified_after):
        return False
    if query.owner_id and item.owner != query.owner_id:
        return False
    if query.email and not any(e.email.lower() == query.email.lower() for e in item.email_addresses):
        return False
    if query.domain and (item.domain or "").lower() != query.domain.lower():
        return False
    if query.status and item.status != query.status:
        return False
    return all(getattr(query, name) in getattr(item, target) for name, target in link_filters.items())


class HubSpotObjects(Resource[ModelT, CreateT, UpdateT]):
    """Base of the CRM object resources; a subclass sets ``kind`` and implements ``to_model`` and ``to_write``."""

    kind: ClassVar[Kind]
    link_filters: ClassVar[Mapping[str, str]] = {}  # ListQuery filter -> associated type (company_id: companies)

    def to_model(self, raw: dict[str, Any], custom: frozenset[str], links: Links, extra: Any) -> ModelT:
        raise NotImplementedError

    def to_write(self, fields: dict[str, Any], creating: bool) -> Write:
        raise NotImplementedError

    async def extra(self, ctx: ProviderContext) -> Any:
        """What ``to_model`` needs besides the object (a deal's stages); None by default."""
        return None

    async def own_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        """Search filters of the type's own list filters; None when no object can match."""
        return []

    async def prepare(
        self, ctx: ProviderContext, properties: dict[str, Any], fields: dict[str, Any], remote_id: str | None
    ) -> dict[str, Any]:
        """The properties to write, completed from what the provider has (a deal's stage); as given by default."""
        return properties

    async def search_filters(self, ctx: ProviderContext, query: ListQuery) -> list[Filter] | None:
        own = await self.own_filters(ctx, query)
        if own is None:
            return None
        filters = list(own)
        if query.modified_after is not None:
            moment = format_time(query.modified_after, "epoch_ms")
            filters.append({"propertyName": self.kind.modified, "operator": "GTE", "value": moment})
        if query.owner_id:
            filters.append({"propertyName": "hubspot_owner_id", "operator": "EQ", "value": query.owner_id})
        return filters

    async def assemble(self, ctx: ProviderContext, raws: list[dict[str, Any]], custom: frozenset[str]) -> list[ModelT]:
        ids = [str(raw["id"]) for raw in raws]
        links = {target: await linked_batch(ctx, self.kind.name, ids, target) for target in self.kind.links}
        extra = await self.extra(ctx)
        return [self.to_model(raw, custom, {t: links[t].get(str(raw["id"]), []) for t in links}, extra) for raw in raws]

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[ModelT]:
        custom = await custom_names(ctx, self.kind)
        properties = wanted(self.kind, custom)
        via = next(((name, target) for name, target in self.link_filters.items() if getattr(query, name)), None)
        if via is not None:
            name, target = via
            checked = {n: t for n, t in self.link_filters.items() if getattr(query, n) and n != name}
            for other, kind in checked.items():
                if kind not in self.kind.links:
                    raise unsupported_filter(
                        other, f"HubSpot lists {self.kind.name} by one association; drop {name} or {other}"
                    )
            limit, after = min(query.page_size, MAX_PAGE), query.cursor  # batch reads take 100 ids at most
            ids, cursor = await linked_page(ctx, target, str(getattr(query, name)), self.kind.name, limit, after)
            items = await self.assemble(ctx, await read_records(ctx, self.kind, ids, properties), custom)
            return ResourcePage([i for i in items if matches(i, query, checked)], cursor)
        filters = await self.search_filters(ctx, query)
        if filters is None:
            return ResourcePage([])
        raws, cursor = await list_records(ctx, self.kind, query, properties, filters)
        return ResourcePage(await self.assemble(ctx, raws, custom), cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> ModelT:
        custom = await custom_names(ctx, self.kind)
        raw = await get_record(ctx, self.kind, remote_id, wanted(self.kind, custom))
        links = {target: await linked(ctx, self.kind.name, remote_id, target) for target in self.kind.links}
        return self.to_model(raw, custom, links, await self.extra(ctx))

    async def write(self, ctx: ProviderContext, remote_id: str | None, fields: dict[str, Any]) -> Written[ModelT]:
        properties, links, warnings = self.to_write(fields, remote_id is None)
        properties = await self.prepare(ctx, properties, fields, remote_id)
        await check_targets(ctx, links)
        if properties or remote_id is None:
            remote_id = await write_record(ctx, self.kind, remote_id, properties)
        for target, ids in links.items():
            await relink(ctx, self.kind.name, remote_id, target, ids)
        item = await self.get(ctx, remote_id)
        return Written(item, [w.model_copy(update={"object_id": item.id}) for w in warnings])

    async def create(self, ctx: ProviderContext, data: CreateT) -> Written[ModelT]:
        return await self.write(ctx, None, data.model_dump(exclude_unset=True))

    async def update(self, ctx: ProviderContext, remote_id: str, data: UpdateT) -> Written[ModelT]:
        return await self.write(ctx, remote_id, data.model_dump(exclude_unset=True))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        await delete_record(ctx, self.kind, remote_id)
