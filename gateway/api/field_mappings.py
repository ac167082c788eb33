"""Field mappings through the API: ``/integrations/{key}/field-mappings`` and ``/connections/{id}/field-mappings``.

A mapping names, per unified resource, the provider field each unified ``custom_fields`` name stands for
(``{"crm/contacts": {"favourite_colour": "favourite_colour__c"}}``). The unified routes answer and accept
``custom_fields`` by those names; a connection's mapping overrides its integration's name by name. ``PUT``
replaces the scope's whole mapping (``{}`` removes it).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.connections import require_connection
from gateway.store.field_mappings import Mappings, merged, read_mappings, replace_mappings
from gateway.store.integrations import require_integration

UnifiedName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
ProviderField = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class FieldMappingsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mappings: dict[str, dict[UnifiedName, ProviderField]] = Field(
        description="Resource (e.g. `crm/contacts`) -> unified custom field name -> the provider's field name"
    )


class ConnectionScope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_config_key: str = Field(min_length=1, description="The connection's integration (unique key)")


class FieldMappingsData(BaseModel):
    mappings: Mappings = Field(description="This scope's own mapping")
    effective: Mappings = Field(description="What the unified routes apply: the integration's, then the connection's")


class FieldMappingsAnswer(BaseModel):
    data: FieldMappingsData


def _checked(gateway: Gateway, mappings: Mappings, base: Mappings) -> None:
    """400 naming a resource without custom fields, or two names mapped to one provider field."""
    for resource, names in mappings.items():
        known = gateway.resource_types.get(resource)
        if known is None or "custom_fields" not in known.model.model_fields:
            with_fields = sorted(
                n for n, t in gateway.resource_types.items() if "custom_fields" in t.model.model_fields
            )
            message = f"mappings.{resource}: no such resource with custom_fields; map one of {', '.join(with_fields)}"
            raise GatewayError(400, "invalid_body", message, errors=[{"path": ["mappings", resource]}])
        effective = {**base.get(resource, {}), **names}
        seen: dict[str, str] = {}
        for name, field in effective.items():
            if field in seen:
                message = f"mappings.{resource}: {seen[field]!r} and {name!r} both map to {field!r}; map it once"
                raise GatewayError(400, "invalid_body", message, errors=[{"path": ["mappings", resource, name]}])
            seen[field] = name


def _answer(own: Mappings, effective: Mappings) -> Response:
    return Json({"data": {"mappings": own, "effective": effective}})


async def get_integration_mappings(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        integration = await require_integration(session, call.path["unique_key"])
        own = await read_mappings(session, integration.id or 0)
    return _answer(own, own)


async def put_integration_mappings(call: Call[FieldMappingsBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    mappings = {resource: names for resource, names in call.body.mappings.items() if names}
    _checked(gateway, mappings, {})
    async with gateway.sessions() as session:
        integration = await require_integration(session, call.path["unique_key"], for_update=True)
        await replace_mappings(session, integration.id or 0, "", mappings)
        await session.commit()
    gateway.field_mappings.forget(call.path["unique_key"])
    return _answer(mappings, mappings)


async def get_connection_mappings(call: Call[Any, ConnectionScope]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        row, integration = await require_connection(session, call.query.provider_config_key, call.path["connection_id"])
        base = await read_mappings(session, integration.id or 0)
        own = await read_mappings(session, integration.id or 0, row.connection_id)
    return _answer(own, merged(base, own))


async def put_connection_mappings(call: Call[FieldMappingsBody, ConnectionScope]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    key, connection_id = call.query.provider_config_key, call.path["connection_id"]
    mappings = {resource: names for resource, names in call.body.mappings.items() if names}
    async with gateway.sessions() as session:
        _, integration = await require_connection(session, key, connection_id, for_update=True)
        base = await read_mappings(session, integration.id or 0)
        _checked(gateway, mappings, base)
        await replace_mappings(session, integration.id or 0, connection_id, mappings)
        await session.commit()
    gateway.field_mappings.forget(key)
    return _answer(mappings, merged(base, mappings))


ERRORS = (400, 404)
ENDPOINTS = [
    Endpoint(
        "GET",
        "/integrations/{unique_key}/field-mappings",
        get_integration_mappings,
        "The integration's custom field mapping",
        "integrations",
        response=FieldMappingsAnswer,
        errors=ERRORS,
    ),
    Endpoint(
        "PUT",
        "/integrations/{unique_key}/field-mappings",
        put_integration_mappings,
        "Replace the integration's custom field mapping",
        "integrations",
        body=FieldMappingsBody,
        response=FieldMappingsAnswer,
        errors=ERRORS,
        description="Per resource, the provider field each unified `custom_fields` name stands for; the unified "
        "routes answer and accept `custom_fields` by these names. Applies to every connection of the integration.",
    ),
    Endpoint(
        "GET",
        "/connections/{connection_id}/field-mappings",
        get_connection_mappings,
        "A connection's own custom field mapping, and the one in effect",
        "connections",
        query=ConnectionScope,
        response=FieldMappingsAnswer,
        errors=ERRORS,
    ),
    Endpoint(
        "PUT",
        "/connections/{connection_id}/field-mappings",
        put_connection_mappings,
        "Replace a connection's own custom field mapping (over its integration's)",
        "connections",
        body=FieldMappingsBody,
        query=ConnectionScope,
        response=FieldMappingsAnswer,
        errors=ERRORS,
    ),
]
