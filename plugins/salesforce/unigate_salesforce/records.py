"""The resource behaviour every sObject shares: SOQL lists, and get, create, update and delete through
``/sobjects/{Type}[/{Id}]``.

A list selects the type's standard fields plus the custom fields the integration's field mapping names (SOQL
reads only the fields it names); a get answers every field of the record, custom ones included. ``modified_after``
is ``SystemModstamp > t`` (Salesforce's indexed change stamp: never earlier than ``LastModifiedDate`` and also moved
by system changes), ``owner_id`` is ``OwnerId = '…'``. ``POST`` answers ``{id, success, errors}`` (201), ``PATCH``
and ``DELETE`` 204; writes then read the record back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage, Written
from unified_models import RemoteObject
from unigate_salesforce.common import API, custom_names, literal, record_id, stamp
from unigate_salesforce.errors import check
from unigate_salesforce.soql import Soql, query_page
from unigate_salesforce.writes import Body

ModelT = TypeVar("ModelT", bound=RemoteObject)
CreateT = TypeVar("CreateT", bound=BaseModel)
UpdateT = TypeVar("UpdateT", bound=BaseModel)


def equals(field: str, value: str, name: str) -> str:
    """``Field = 'id'`` for an id filter (checked to be a Salesforce id)."""
    return f"{field} = {literal(record_id(value, name))}"


class SObjects(Resource[ModelT, CreateT, UpdateT]):
    """Base of the sObject resources; a subclass names its type and fields and implements the mapping."""

    sobject: ClassVar[str]  # Contact, Account, ...
    what: ClassVar[str]  # what a message calls one: "contact"
    columns: ClassVar[tuple[str, ...]]  # the standard fields a list selects
    names: ClassVar[Mapping[str, str]] = {}  # Salesforce field -> unified field, for refusals
    changed: ClassVar[str] = "SystemModstamp"  # the field ``modified_after`` compares

    def to_model(self, record: dict[str, Any]) -> ModelT:
        raise NotImplementedError

    def to_body(self, fields: dict[str, Any], creating: bool) -> Body:
        raise NotImplementedError

    def conditions(self, ctx: ProviderContext, query: ListQuery) -> list[str]:
        """The type's own SOQL conditions for the query's filters (the base adds modified_after and owner_id)."""
        return []

    async def prepare(
        self, ctx: ProviderContext, body: dict[str, Any], fields: dict[str, Any], remote_id: str | None
    ) -> dict[str, Any]:
        """The fields to write, completed from what the org has (an opportunity's stage); as given by default."""
        return body

    def soql(self, ctx: ProviderContext, query: ListQuery) -> Soql:
        where = self.conditions(ctx, query)
        if query.modified_after is not None:
            where.append(f"{self.changed} > {stamp(query.modified_after)}")
        if query.owner_id is not None:
            where.append(equals("OwnerId", query.owner_id, "owner_id"))
        return Soql(self.sobject, (*self.columns, *custom_names(ctx, self.name)), tuple(where))

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[ModelT]:
        records, cursor = await query_page(ctx, self.soql(ctx, query), query, f"listing {self.what} records")
        return ResourcePage([self.to_model(r) for r in records], cursor)

    def path(self, remote_id: str | None = None) -> str:
        base = f"{API}/sobjects/{self.sobject}"
        return base if remote_id is None else f"{base}/{record_id(remote_id)}"

    async def get(self, ctx: ProviderContext, remote_id: str) -> ModelT:
        response = await ctx.http.get(self.path(remote_id))
        check(ctx, response, f"getting {self.what} {remote_id}")
        return self.to_model(response.json())

    async def write(self, ctx: ProviderContext, remote_id: str | None, fields: dict[str, Any]) -> Written[ModelT]:
        body, warnings = self.to_body(fields, remote_id is None)
        body = await self.prepare(ctx, body, fields, remote_id)
        if remote_id is None:
            response = await ctx.http.post(self.path(), json=body)
            check(ctx, response, f"creating a {self.what}", self.names)
            remote_id = str(response.json()["id"])
        elif body:
            response = await ctx.http.patch(self.path(remote_id), json=body)
            check(ctx, response, f"updating {self.what} {remote_id}", self.names)
        item = await self.get(ctx, remote_id)
        return Written(item, [w.model_copy(update={"object_id": item.id}) for w in warnings])

    async def create(self, ctx: ProviderContext, data: CreateT) -> Written[ModelT]:
        return await self.write(ctx, None, data.model_dump(exclude_unset=True))

    async def update(self, ctx: ProviderContext, remote_id: str, data: UpdateT) -> Written[ModelT]:
        return await self.write(ctx, remote_id, data.model_dump(exclude_unset=True))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        response = await ctx.http.delete(self.path(remote_id))
        check(ctx, response, f"deleting {self.what} {remote_id}")
