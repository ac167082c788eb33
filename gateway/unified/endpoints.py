"""The unified endpoints as ``Endpoint`` declarations, one set per resource type (built-in or declared by a plugin).

Each type gets the routes of the operations it has: ``GET/POST /{name}``, ``GET/PATCH/DELETE /{name}/{id}``; a
nested type (``comments``) is listed and created under its parent (``/tickets/{id}/comments``). Routes are typed
by the type's models, so ``/openapi.json`` and ``/docs`` describe them; handlers come from ``routes.handlers``.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from gateway.api.endpoint import Endpoint
from gateway.resource_types import BUILT_IN, ResourceType, ResourceTypes
from gateway.unified import reference, routes, scripts
from gateway.unified.params import ItemEnvelope, ItemParams, ListEnvelope, list_params

TAG = "unified"
HEADERS = (
    "The connection is named by the `Connection-Id` and `Provider-Config-Key` headers. Ids may contain `/` and "
    "`#` (GitHub `owner/repo#42`): percent-encode `#` as `%23` in the path."
)
ERRORS = (400, 404, 422, 424, 429, 501, 502)
CONNECTION = (
    ("Connection-Id", "The connection to call through"),
    ("Provider-Config-Key", "The integration (unique key) the connection belongs to"),
)


@functools.cache  # pydantic keeps parametrized models weakly: hold them, or each gateway built rebuilds them
def envelope_of(envelope: Any, model: type[BaseModel]) -> Any:
    return envelope[model]


def _endpoint(resource: ResourceType, operation: str, method: str, path: str) -> Endpoint:
    singular = resource.model.__name__
    envelope: Any = ListEnvelope if operation == "list" else ItemEnvelope
    summary = {
        "list": f"List {resource.holds}",
        "get": f"Get a {singular}",
        "create": f"Create a {singular}",
        "update": f"Update a {singular} (only the fields sent)",
        "delete": f"Delete a {singular}",
        "upsert": f"Create a {singular}, or update the one with the same natural key",
    }[operation]
    writes = {"create": resource.nested_create or resource.create, "update": resource.update, "upsert": resource.create}
    body = writes.get(operation)
    return Endpoint(
        method,
        path,
        routes.handlers(resource)[operation],
        summary,
        TAG,
        body=body,
        query=list_params(resource) if operation == "list" else None if operation == "delete" else ItemParams,
        response=None if operation == "delete" else envelope_of(envelope, resource.model),
        status={"create": 201, "delete": 204}.get(operation, 200),
        errors=ERRORS,
        description=HEADERS,
        headers=CONNECTION,
    )


def resource_endpoints(types: ResourceTypes) -> list[Endpoint]:
    """Every type's routes, nested ones first: an id may contain ``/``, so ``/tickets/{id:path}`` would match
    ``/tickets/{id}/comments`` too."""
    collections: list[Endpoint] = []
    items: list[Endpoint] = []
    for resource in types.values():
        for operation, (method, path) in resource.paths().items():
            target = items if path.endswith("{id:path}") else collections
            target.append(_endpoint(resource, operation, method, path))
    nested = [e for e in collections if "{id:path}" in e.path]
    return nested + [e for e in collections if e not in nested] + items


def unified_endpoints(types: ResourceTypes | None = None) -> list[Endpoint]:
    """The resource routes (of the built-in types when ``types`` is None), the reference and the scripts."""
    types = types if types is not None else ResourceTypes({t.name: t for t in BUILT_IN})
    return [*resource_endpoints(types), *reference.ENDPOINTS, *scripts.ENDPOINTS]
