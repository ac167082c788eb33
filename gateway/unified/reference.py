"""``GET /integrations/{unique_key}/reference``: what the unified API can do through one integration."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.runtime import Gateway
from gateway.store.integrations import require_integration

ROUTES: dict[tuple[str, str], tuple[str, str]] = {  # (resource, operation) -> (method, path)
    ("tickets", "list"): ("GET", "/tickets"),
    ("tickets", "get"): ("GET", "/tickets/{id}"),
    ("tickets", "create"): ("POST", "/tickets"),
    ("tickets", "update"): ("PATCH", "/tickets/{id}"),
    ("comments", "list"): ("GET", "/tickets/{id}/comments"),
    ("comments", "create"): ("POST", "/tickets/{id}/comments"),
    **{
        (name, op): ("GET", f"/{name}" + ("/{id}" if op == "get" else ""))
        for name in ("collections", "users", "tags", "teams", "accounts", "contacts", "attachments")
        for op in ("list", "get")
    },
}


class OperationRef(BaseModel):
    operation: str = Field(description="list, get, create or update")
    method: str | None = Field(description="HTTP method of the unified route; null if no route serves it yet")
    path: str | None = Field(description="Path of the unified route; null if no route serves it yet")


class ResourceRef(BaseModel):
    name: str
    operations: list[OperationRef]
    fields: list[str] = Field(description="Unified fields the provider fills; empty when the plugin does not say")


class Reference(BaseModel):
    provider: str
    plugin: str | None = Field(description="Distribution serving the provider; null when no plugin does")
    resources: list[ResourceRef]


class ReferenceAnswer(BaseModel):
    data: Reference


async def reference(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        integration = await require_integration(session, call.path["unique_key"])
    registration = gateway.providers.registrations.get(integration.provider)
    resources = []
    for name, cls in (registration.provider.resources if registration else {}).items():
        operations = []
        for op in cls.operations():
            method, path = ROUTES.get((name, op), (None, None))
            operations.append(OperationRef(operation=op, method=method, path=path))
        resources.append(ResourceRef(name=name, operations=operations, fields=list(cls.fields)))
    data = Reference(
        provider=integration.provider,
        plugin=registration.distribution if registration else None,
        resources=resources,
    )
    return Json({"data": data.model_dump(mode="json")})


ENDPOINTS = [
    Endpoint(
        "GET",
        "/integrations/{unique_key}/reference",
        reference,
        "What the unified API supports through this integration",
        "integrations",
        response=ReferenceAnswer,
        errors=(404,),
        description="The unified resources of the integration's provider, their operations, routes and fields.",
    )
]
