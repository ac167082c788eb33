"""What the unified API can do through a provider: resources, operations, routes and fields.

``GET /integrations/{unique_key}/reference`` answers it as JSON for an integration (or as a page when the client
asks for ``text/html``); ``GET /reference`` and ``GET /reference/{provider}`` are readable pages for people, one
per provider a plugin serves, with each field's type and description from the unified models.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.api.endpoint import Call, Endpoint, documented_path
from gateway.api.responses import Json
from gateway.errors import not_found
from gateway.provider import Resource
from gateway.resource_types import ResourceType
from gateway.runtime import Gateway
from gateway.store.field_mappings import read_mappings
from gateway.store.integrations import require_integration
from gateway.unified.action_refs import ActionRef, action_refs
from unified_models import RemoteObject

PAGES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"), autoescape=select_autoescape()
)


class OperationRef(BaseModel):
    operation: str = Field(description="list, get, create, update or delete")
    method: str = Field(description="HTTP method of the unified route")
    path: str = Field(description="Path of the unified route")


class ResourceRef(BaseModel):
    name: str
    operations: list[OperationRef]
    fields: list[str] = Field(
        description="Fields the provider fills; every field of the model when the plugin does not say"
    )
    model: str = Field(
        description="The model the resource answers with (its schema: `GET /integrations/{key}/scripts`)"
    )
    implemented_by: str = Field(description="The plugin's resource class, module.qualname")
    synced_by: list[str] = Field(
        default_factory=list,
        description="The syncs that copy it into the records cache (`GET /records`, `?source=cache` lists)",
    )


class Reference(BaseModel):
    provider: str
    plugin: str | None = Field(description="Distribution serving the provider; null when no plugin does")
    version: str | None = Field(default=None, description="The plugin distribution's version")
    replaces: str | None = Field(default=None, description="Distribution whose built-in template the plugin overrides")
    resources: list[ResourceRef]
    actions: list[ActionRef] = Field(default_factory=list, description="Run with POST /action/trigger")
    field_mappings: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="The integration's custom field mapping: resource -> unified name -> provider field "
        "(`/integrations/{key}/field-mappings`); empty on the provider pages",
    )


class ReferenceAnswer(BaseModel):
    data: Reference


def provider_reference(gateway: Gateway, provider: str) -> Reference:
    registration = gateway.providers.registrations.get(provider)
    resources = []
    syncs = registration.provider.syncs if registration else {}
    for name, cls in (registration.provider.resources if registration else {}).items():
        model = resource_model(gateway.resource_types[name], cls)
        resources.append(
            ResourceRef(
                name=name,
                operations=operation_refs(gateway.resource_types[name], cls),
                fields=list(cls.fields or model.model_fields),
                model=model.__name__,
                implemented_by=class_path(cls),
                synced_by=[sync_name for sync_name, sync in syncs.items() if sync.resource == name],
            )
        )
    actions = action_refs(registration.provider.actions if registration else {})
    if registration is None:
        return Reference(provider=provider, plugin=None, resources=resources, actions=actions)
    return Reference(
        provider=provider,
        plugin=registration.distribution,
        version=distribution_version(registration.distribution),
        replaces=registration.replaced if registration.replaces else None,
        resources=resources,
        actions=actions,
    )


def operation_refs(resource: ResourceType, cls: type[Resource[Any, Any, Any]]) -> list[OperationRef]:
    """The operations ``cls`` implements, each with the unified route serving it."""
    paths = resource.paths()
    return [
        OperationRef(operation=op, method=paths[op][0], path=documented_path(paths[op][1]))
        for op in cls.operations()
        if op in paths
    ]


def resource_model(resource: ResourceType, cls: type[Resource[Any, Any, Any]]) -> type[RemoteObject]:
    """The model ``cls`` answers with: its own declaration (a built-in model's subclass, say), else the type's."""
    declared = cls.models()[0]
    return declared if declared is not None and issubclass(declared, RemoteObject) else resource.model


def class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def distribution_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def described_resources(gateway: Gateway, reference: Reference) -> list[dict[str, Any]]:
    """Per resource of ``reference``: ``{"ref": ResourceRef, "fields": [(name, readable type, description)]}``."""
    resources = []
    for resource in reference.resources:
        cls = gateway.providers[reference.provider].resources[resource.name]
        schema = resource_model(gateway.resource_types[resource.name], cls).model_json_schema()
        properties: dict[str, Any] = schema.get("properties", {})
        described = [(name, properties.get(name, {})) for name in resource.fields]
        fields = [(name, _type(field), field.get("description", "")) for name, field in described]
        resources.append({"ref": resource, "fields": fields})
    return resources


def _page(gateway: Gateway, reference: Reference) -> HTMLResponse:
    """The reference as a page: per resource its routes, then each field the provider fills with type and meaning."""
    resources = described_resources(gateway, reference)
    entry = gateway.catalog.get(reference.provider) or {}
    html = PAGES.get_template("reference.html").render(
        reference=reference, resources=resources, display_name=entry.get("display_name") or reference.provider
    )
    return HTMLResponse(html)


def _type(schema: dict[str, Any]) -> str:
    """A short readable type: ``string``, ``string | null``, ``array of string``, ``TicketStatus``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(part) for part in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


async def integration_reference(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        integration = await require_integration(session, call.path["unique_key"])
        mappings = await read_mappings(session, integration.id or 0)
    reference = provider_reference(gateway, integration.provider)
    reference.field_mappings = mappings
    if "text/html" in call.request.headers.get("accept", ""):
        return _page(gateway, reference)
    return Json({"data": reference.model_dump(mode="json")})


async def reference_index(request: Request) -> Response:
    gateway: Gateway = request.app.state.gateway
    providers = sorted(gateway.providers.registrations)
    entries = [(key, (gateway.catalog.get(key) or {}).get("display_name") or key) for key in providers]
    return HTMLResponse(PAGES.get_template("reference_index.html").render(entries=entries))


async def reference_page(request: Request) -> Response:
    gateway: Gateway = request.app.state.gateway
    provider = request.path_params["provider"]
    if provider not in gateway.providers.registrations:
        raise not_found("unknown_provider", f"No plugin serves the unified API for {provider!r}; see /reference")
    return _page(gateway, provider_reference(gateway, provider))


def reference_routes() -> list[BaseRoute]:
    """The public pages (no secret key: they say which plugins are installed, nothing about connections)."""
    return [
        Route("/reference", reference_index, methods=["GET"], include_in_schema=False),
        Route("/reference/{provider}", reference_page, methods=["GET"], include_in_schema=False),
    ]


ENDPOINTS = [
    Endpoint(
        "GET",
        "/integrations/{unique_key}/reference",
        integration_reference,
        "What the unified API supports through this integration",
        "integrations",
        response=ReferenceAnswer,
        errors=(404,),
        description="The unified resources of the integration's provider, their operations, routes and fields. "
        "With `Accept: text/html`, a readable page (also public at `/reference/{provider}`).",
    )
]
