"""The handlers of the unified resources, built per ``ResourceType``: list, get, create, update, delete.

The ``Connection-Id`` and ``Provider-Config-Key`` headers name the connection; the provider plugin's ``Resource``
does the work. Answers are ``{"data": ..., "next_cursor": ..., "warnings"?: [...]}``; operations the provider does
not implement answer 501 ``not_supported``; provider refusals keep their meaning (404, 422 naming the field).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from gateway.api.endpoint import Call
from gateway.errors import GatewayError, validation_error
from gateway.provider import LIST_FILTERS, ListQuery, NotSupported, Resource
from gateway.resource_types import ResourceType
from gateway.runtime import Gateway
from gateway.unified.cached import list_cached
from gateway.unified.context import connection_headers, unified_context
from gateway.unified.cursors import cursor_key, seal, unseal
from gateway.unified.params import ItemParams, ListParams
from gateway.upstream.failure_answers import PROVIDER_FAILURES, failure_answer, not_supported
from unified_models import FieldWarning, RemoteObject

log = logging.getLogger("unigate")
VERBS = {
    "list": "listing",
    "get": "getting",
    "create": "creating",
    "update": "updating",
    "delete": "deleting",
    "upsert": "upserting",
}


UNMAPPABLE = (KeyError, TypeError, ValueError)  # ValueError covers JSONDecodeError and pydantic's ValidationError


@asynccontextmanager
async def resource_call(call: Call[Any, Any], name: str, operation: str) -> AsyncIterator[tuple[Resource, Any]]:
    """The connection's resource ``name`` and its context; provider failures become API errors."""
    async with unified_context(call.request) as (provider, ctx):
        resource = provider.resource(name) if provider is not None else None
        if resource is None or operation not in type(resource).operations():
            raise not_supported(NotSupported(ctx.provider, f"{VERBS[operation]} {name}"))
        try:
            yield resource, ctx
        except PROVIDER_FAILURES as exc:
            raise failure_answer(exc, ctx.provider) from None
        except UNMAPPABLE as exc:  # the provider answered in a form the plugin cannot map
            doing = f"{VERBS[operation]} {name}"
            log.warning("%s answered %s in an unexpected form", ctx.provider, doing, exc_info=True)
            what = "something that is not JSON" if isinstance(exc, json.JSONDecodeError) else "an unexpected shape"
            raise GatewayError(502, "upstream_error", f"{ctx.provider} answered {what} for {doing}") from None


def _refuse_undeclared(
    resource: Resource, provider: str, filters: dict[str, str], parent: tuple[str, str] | None
) -> None:
    """400 naming the first filter ``resource`` does not declare, and the ones it does (the path's parent id is
    not a filter the caller chose)."""
    own = set(resource.filter_model.model_fields) if resource.filter_model else set()
    declared = resource.filters | own
    for name in sorted(set(filters) - declared - ({parent[0]} if parent else set())):
        supported = ", ".join(sorted(declared)) or "none"
        message = f"{name}: {provider} cannot filter {resource.name} by {name}; filters it supports: {supported}"
        errors = [{"code": "invalid_query_params", "message": message, "path": [name]}]
        raise GatewayError(400, "invalid_query_params", message, errors=errors)


def _item_json(
    item: RemoteObject, provider: str, include_remote_data: bool, mapping: Mapping[str, str] | None = None
) -> bytes:
    """One object as JSON, by its model's own serializer, stamped with the connection's catalog key;
    ``remote_data`` null unless asked for; ``custom_fields`` keyed by the unified names ``mapping`` gives."""
    item.provider = provider
    if not include_remote_data:
        item.remote_data = None  # the object was made for this answer alone
    custom = getattr(item, "custom_fields", None)
    if mapping and isinstance(custom, dict):
        unified = {remote: name for name, remote in mapping.items()}
        item.custom_fields = {unified.get(key, key): value for key, value in custom.items()}  # type: ignore[attr-defined]
    return item.__pydantic_serializer__.to_json(item)


def _to_provider_names(data: BaseModel, mapping: Mapping[str, str] | None) -> BaseModel:
    """``data`` with its ``custom_fields`` keyed by the provider's field names (unmapped names pass as they are)."""
    custom = getattr(data, "custom_fields", None)
    if not mapping or not isinstance(custom, dict):
        return data
    return data.model_copy(update={"custom_fields": {mapping.get(key, key): value for key, value in custom.items()}})


def _answer(data: bytes, warnings: Sequence[FieldWarning], status: int = 200, **fields: Any) -> Response:
    """``{"data": ..., **fields, "warnings"?: [...]}`` assembled from pre-serialised parts."""
    parts = [b'{"data":', data]
    for name, value in fields.items():
        parts += [b',"', name.encode(), b'":', orjson.dumps(value)]
    if warnings:
        parts += [b',"warnings":', orjson.dumps([w.model_dump(mode="json") for w in warnings])]
    parts.append(b"}")
    return Response(b"".join(parts), status_code=status, media_type="application/json")


PAGING = frozenset({"page_size", "cursor", "include_remote_data", "source"})


def _sent_filters(params: BaseModel, parent: tuple[str, str] | None) -> dict[str, str]:
    """The list's filters as the caller sent them (the path's parent id included), as text."""
    sent = params.model_dump(mode="json", exclude=set(PAGING), exclude_none=True)
    filters = {name: str(value) for name, value in sent.items()}
    if parent is not None:
        filters[parent[0]] = parent[1]
    return filters


def _continued(kept: dict[str, str], sent: dict[str, str]) -> dict[str, str]:
    """The cursor's filters; 400 when the caller sent others (the cursor continues one given list)."""
    if any(kept.get(name) != value for name, value in sent.items()):
        raise GatewayError(
            400,
            "invalid_cursor",
            "cursor: it continues a list with other filters; send the cursor alone (it keeps the list's filters)",
        )
    return kept


def _list_query(
    params: ListParams, provider_cursor: str | None, filters: dict[str, str], resource: Resource
) -> ListQuery:
    """The ``ListQuery`` of the list's filters (from the request or the cursor), typed by the route's model."""
    own = resource.filter_model.model_fields if resource.filter_model else {}
    model = type(params)
    typed = model.model_validate({k: v for k, v in filters.items() if k in model.model_fields})
    standard: dict[str, Any] = {
        name: getattr(typed, name) if name in model.model_fields else filters[name]
        for name in LIST_FILTERS & filters.keys()
    }
    return ListQuery(
        page_size=params.page_size,
        cursor=provider_cursor,
        include_remote_data=params.include_remote_data,
        parent_id=filters.get("parent_id"),
        extra={name: getattr(typed, name) for name in own if name in filters},
        **standard,
    )


async def list_resource(call: Call[Any, ListParams], name: str, parent: tuple[str, str] | None = None) -> Response:
    """One page of ``name``, with the caller's cursor unwrapped and the provider's next cursor wrapped; ``parent``
    is ``(ListQuery field, id)`` of a nested list."""
    gateway: Gateway = call.request.app.state.gateway
    params = call.query
    if params.source == "cache":
        mappings = await gateway.field_mappings.effective(*connection_headers(call.request))
        model = gateway.resource_types[name].model.__name__
        return await list_cached(call, name, model, _sent_filters(params, parent), mappings.get(name))
    key = cursor_key(gateway.secrets.secret_key)
    async with resource_call(call, name, "list") as (resource, ctx):
        scope = (ctx.integration_key, ctx.connection_id, name)
        filters = _sent_filters(params, parent)
        provider_cursor = None
        if params.cursor:
            provider_cursor, kept = unseal(key, *scope, params.cursor)
            filters = _continued(kept, filters)
        _refuse_undeclared(resource, ctx.provider, filters, parent)
        page = await resource.list(ctx, _list_query(params, provider_cursor, filters, resource))
    mapping = ctx.field_mappings.get(name)
    items = (_item_json(item, ctx.provider, params.include_remote_data, mapping) for item in page.items)
    data = b"[" + b",".join(items) + b"]"
    next_cursor = seal(key, *scope, page.next_cursor, filters) if page.next_cursor else None
    return _answer(data, page.warnings, next_cursor=next_cursor)


async def get_resource(call: Call[Any, ItemParams], name: str, remote_id: str) -> Response:
    async with resource_call(call, name, "get") as (resource, ctx):
        item = await resource.get(ctx, remote_id)
    return _answer(_item_json(item, ctx.provider, call.query.include_remote_data, ctx.field_mappings.get(name)), [])


def _as_declared(resource: Resource, operation: str, data: BaseModel) -> BaseModel:
    """``data`` as the resource's own write model (the route's may carry fields other plugins add); 400 naming a
    field this provider does not take."""
    own = type(resource).models()[2 if operation == "update" else 1]
    if own is None or type(data) is own:
        return data
    try:
        return own.model_validate(data.model_dump(exclude_unset=True))
    except ValidationError as exc:
        raise validation_error(exc, "body") from None


async def write_resource(
    call: Call[Any, ItemParams], name: str, data: BaseModel, remote_id: str | None = None, upsert: bool = False
) -> Response:
    operation = "upsert" if upsert else "create" if remote_id is None else "update"
    async with resource_call(call, name, operation) as (resource, ctx):
        data = _as_declared(resource, operation, _to_provider_names(data, ctx.field_mappings.get(name)))
        if upsert:
            written = await resource.upsert(ctx, data)
        elif remote_id is None:
            written = await resource.create(ctx, data)
        else:
            written = await resource.update(ctx, remote_id, data)
    body = _item_json(written.item, ctx.provider, call.query.include_remote_data, ctx.field_mappings.get(name))
    return _answer(body, written.warnings, 201 if operation == "create" else 200)


async def delete_resource(call: Call[Any, Any], name: str, remote_id: str) -> Response:
    async with resource_call(call, name, "delete") as (resource, ctx):
        await resource.delete(ctx, remote_id)
    return Response(status_code=204)


Handler = Callable[[Call[Any, Any]], Awaitable[Response]]


def handlers(resource: ResourceType) -> dict[str, Handler]:
    """The route handlers of ``resource``, by operation; a nested type's list and create take the parent's id."""
    name = resource.name
    parent_key = resource.parent_filter

    async def list_route(call: Call[Any, Any]) -> Response:
        parent = (parent_key, call.path["id"]) if resource.parent else None
        return await list_resource(call, name, parent)

    async def get_route(call: Call[Any, Any]) -> Response:
        return await get_resource(call, name, call.path["id"])

    async def create_route(call: Call[Any, Any]) -> Response:
        data = call.body
        if resource.parent and resource.nested_create is not None and resource.create is not None:
            fields = {str(resource.parent_field): call.path["id"], **data.model_dump(exclude_unset=True)}
            try:
                data = resource.create.model_validate(fields)
            except ValidationError as exc:
                raise validation_error(exc, "body") from None
        return await write_resource(call, name, data)

    async def update_route(call: Call[Any, Any]) -> Response:
        return await write_resource(call, name, call.body, call.path["id"])

    async def delete_route(call: Call[Any, Any]) -> Response:
        return await delete_resource(call, name, call.path["id"])

    async def upsert_route(call: Call[Any, Any]) -> Response:
        return await write_resource(call, name, call.body, upsert=True)

    routes: dict[str, Handler] = {
        "list": list_route,
        "get": get_route,
        "create": create_route,
        "update": update_route,
        "delete": delete_route,
        "upsert": upsert_route,
    }
    plain = name.replace("/", "_")
    where = f"{resource.parent}_{plain}" if resource.parent else plain
    for operation, handler in routes.items():
        nested = operation in ("list", "create") and resource.parent
        handler.__name__ = f"{operation}_{where if nested else plain}"
    return routes
