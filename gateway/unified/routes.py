"""The unified endpoints: ``/tickets``, ``/tickets/{id}/comments``, and lists of the other resources.

The ``Connection-Id`` and ``Provider-Config-Key`` headers name the connection; the provider plugin's ``Resource``
does the work. Answers are ``{"data": ..., "next_cursor": ..., "warnings"?: [...]}``; operations the provider does
not implement answer 501 ``not_supported``; provider refusals keep their meaning (404, 422 naming the field).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from gateway.api.endpoint import Call
from gateway.errors import GatewayError
from gateway.provider import ListQuery, NotSupported, Resource
from gateway.runtime import Gateway
from gateway.unified.context import unified_context
from gateway.unified.cursors import cursor_key, seal, unseal
from gateway.unified.params import ItemParams, ListParams, NewComment
from gateway.upstream.failure_answers import PROVIDER_FAILURES, failure_answer, not_supported
from unified_models import CommentCreate, FieldWarning, RemoteObject, TicketCreate, TicketUpdate

log = logging.getLogger("unigate")
VERBS = {"list": "listing", "get": "getting", "create": "creating", "update": "updating"}


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


def _refuse_undeclared(resource: Resource, provider: str, filters: dict[str, str]) -> None:
    """400 naming the first filter ``resource`` does not declare, and the ones it does."""
    for name in sorted(set(filters) - resource.filters):
        supported = ", ".join(sorted(resource.filters)) or "none"
        message = f"{name}: {provider} cannot filter {resource.name} by {name}; filters it supports: {supported}"
        errors = [{"code": "invalid_query_params", "message": message, "path": [name]}]
        raise GatewayError(400, "invalid_query_params", message, errors=errors)


def _item_json(item: RemoteObject, provider: str, include_remote_data: bool) -> bytes:
    """One object as JSON, by its model's own serializer, stamped with the connection's catalog key;
    ``remote_data`` null unless asked for."""
    item.provider = provider
    if not include_remote_data:
        item.remote_data = None  # the object was made for this answer alone
    return item.__pydantic_serializer__.to_json(item)


def _answer(data: bytes, warnings: Sequence[FieldWarning], status: int = 200, **fields: Any) -> Response:
    """``{"data": ..., **fields, "warnings"?: [...]}`` assembled from pre-serialised parts."""
    parts = [b'{"data":', data]
    for name, value in fields.items():
        parts += [b',"', name.encode(), b'":', orjson.dumps(value)]
    if warnings:
        parts += [b',"warnings":', orjson.dumps([w.model_dump(mode="json") for w in warnings])]
    parts.append(b"}")
    return Response(b"".join(parts), status_code=status, media_type="application/json")


FILTERS = ("modified_after", "status", "collection_id", "assignee_id", "ticket_id")


def _sent_filters(params: ListParams, ticket_id: str | None) -> dict[str, str]:
    """The list's filters as the caller sent them (the path's ticket id included), as text."""
    values: dict[str, Any] = {name: getattr(params, name, None) for name in FILTERS}
    values["ticket_id"] = ticket_id or values["ticket_id"]
    if values["modified_after"] is not None:
        values["modified_after"] = values["modified_after"].isoformat()
    return {name: str(value) for name, value in values.items() if value is not None}


def _continued(kept: dict[str, str], sent: dict[str, str]) -> dict[str, str]:
    """The cursor's filters; 400 when the caller sent others (the cursor continues one given list)."""
    if any(kept.get(name) != value for name, value in sent.items()):
        raise GatewayError(
            400,
            "invalid_cursor",
            "cursor: it continues a list with other filters; send the cursor alone (it keeps the list's filters)",
        )
    return kept


async def list_resource(call: Call[Any, ListParams], name: str, ticket_id: str | None = None) -> Response:
    """One page of ``name``, with the caller's cursor unwrapped and the provider's next cursor wrapped."""
    gateway: Gateway = call.request.app.state.gateway
    params = call.query
    key = cursor_key(gateway.secrets.secret_key)
    async with resource_call(call, name, "list") as (resource, ctx):
        scope = (ctx.integration_key, ctx.connection_id, name)
        filters = _sent_filters(params, ticket_id)
        provider_cursor = None
        if params.cursor:
            provider_cursor, kept = unseal(key, *scope, params.cursor)
            filters = _continued(kept, filters)
        _refuse_undeclared(resource, ctx.provider, filters)
        since = filters.get("modified_after")
        query = ListQuery(
            page_size=params.page_size,
            cursor=provider_cursor,
            modified_after=datetime.fromisoformat(since) if since else None,
            include_remote_data=params.include_remote_data,
            status=filters.get("status"),
            collection_id=filters.get("collection_id"),
            assignee_id=filters.get("assignee_id"),
            ticket_id=filters.get("ticket_id"),
        )
        page = await resource.list(ctx, query)
    data = b"[" + b",".join(_item_json(item, ctx.provider, params.include_remote_data) for item in page.items) + b"]"
    next_cursor = seal(key, *scope, page.next_cursor, filters) if page.next_cursor else None
    return _answer(data, page.warnings, next_cursor=next_cursor)


async def get_resource(call: Call[Any, ItemParams], name: str, remote_id: str) -> Response:
    async with resource_call(call, name, "get") as (resource, ctx):
        item = await resource.get(ctx, remote_id)
    return _answer(_item_json(item, ctx.provider, call.query.include_remote_data), [])


async def write_resource(
    call: Call[Any, ItemParams], name: str, data: BaseModel, remote_id: str | None = None
) -> Response:
    async with resource_call(call, name, "create" if remote_id is None else "update") as (resource, ctx):
        if remote_id is None:
            written = await resource.create(ctx, data)
        else:
            written = await resource.update(ctx, remote_id, data)
    body = _item_json(written.item, ctx.provider, call.query.include_remote_data)
    return _answer(body, written.warnings, 201 if remote_id is None else 200)


async def list_tickets(call: Call[Any, Any]) -> Response:
    return await list_resource(call, "tickets")


async def create_ticket(call: Call[TicketCreate, Any]) -> Response:
    return await write_resource(call, "tickets", call.body)


async def get_ticket(call: Call[Any, Any]) -> Response:
    return await get_resource(call, "tickets", call.path["id"])


async def update_ticket(call: Call[TicketUpdate, Any]) -> Response:
    return await write_resource(call, "tickets", call.body, call.path["id"])


async def list_ticket_comments(call: Call[Any, Any]) -> Response:
    return await list_resource(call, "comments", ticket_id=call.path["id"])


async def create_ticket_comment(call: Call[NewComment, Any]) -> Response:
    data = CommentCreate(ticket=call.path["id"], **call.body.model_dump(exclude_unset=True))
    return await write_resource(call, "comments", data)


def lister(name: str) -> Callable[[Call[Any, Any]], Awaitable[Response]]:
    """The handler of ``GET /{name}``."""

    async def list_route(call: Call[Any, Any]) -> Response:
        return await list_resource(call, name)

    list_route.__name__ = f"list_{name}"
    return list_route


def getter(name: str) -> Callable[[Call[Any, Any]], Awaitable[Response]]:
    """The handler of ``GET /{name}/{id}``."""

    async def get_route(call: Call[Any, Any]) -> Response:
        return await get_resource(call, name, call.path["id"])

    get_route.__name__ = f"get_{name}"
    return get_route
