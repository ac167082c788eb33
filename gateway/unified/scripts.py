"""``GET /integrations/{unique_key}/scripts``: the scripts behind an integration, and who provides each.

A provider's scripts are its unified resources (for each: the operations and routes, the model it answers with
and the models it accepts, as JSON Schema), its actions (input and output JSON Schemas) and its syncs (what each
copies into the records cache, incremental or full, how often).
With them: the plugin distribution and version serving the provider, and, when a plugin overrides a built-in
template (``replaces``), the distribution it took the provider over from.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.provider import Resource
from gateway.resource_types import ResourceType
from gateway.runtime import Gateway
from gateway.store.integrations import require_integration
from gateway.unified.action_refs import ActionScriptRef, action_scripts
from gateway.unified.reference import OperationRef, class_path, distribution_version, operation_refs, resource_model
from gateway.unified.sync_refs import SyncScriptRef, sync_scripts


class ScriptRef(BaseModel):
    type: str = Field(description="resource")
    name: str
    routes: list[OperationRef]
    output_schema: dict[str, Any] | None = Field(description="JSON Schema of the objects it answers with")
    input_schemas: dict[str, dict[str, Any]] = Field(description="JSON Schema of the body each write operation takes")
    resource_class: str = Field(description="The plugin's class implementing it, module.qualname")


class Scripts(BaseModel):
    integration: str
    provider: str
    plugin: str | None = Field(description="Distribution serving the provider; null when no plugin does")
    version: str | None
    replaces: str | None = Field(description="Distribution whose built-in template this plugin overrides")
    scripts: list[ScriptRef | ActionScriptRef | SyncScriptRef]


class ScriptsAnswer(BaseModel):
    data: Scripts


def _schema(model: type[BaseModel] | None) -> dict[str, Any] | None:
    return model.model_json_schema() if model is not None else None


def script_ref(resource: ResourceType, cls: type[Resource[Any, Any, Any]]) -> ScriptRef:
    """``cls``'s entry: its routes, the model it answers with, and the body each of its writes takes (the route's
    body for a nested create, else the class's own model or the type's)."""
    _, create, update = cls.models()
    bodies = {"create": resource.nested_create or create or resource.create, "update": update or resource.update}
    inputs = {op: schema for op, model in bodies.items() if op in cls.operations() and (schema := _schema(model))}
    return ScriptRef(
        type="resource",
        name=resource.name,
        routes=operation_refs(resource, cls),
        output_schema=_schema(resource_model(resource, cls)),
        input_schemas=inputs,
        resource_class=class_path(cls),
    )


async def integration_scripts(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        integration = await require_integration(session, call.path["unique_key"])
    registration = gateway.providers.registrations.get(integration.provider)
    resources = registration.provider.resources if registration else {}
    scripts = Scripts(
        integration=integration.unique_key,
        provider=integration.provider,
        plugin=registration.distribution if registration else None,
        version=distribution_version(registration.distribution) if registration else None,
        replaces=registration.replaced if registration and registration.replaces else None,
        scripts=[
            *(script_ref(gateway.resource_types[name], cls) for name, cls in resources.items()),
            *action_scripts(registration.provider.actions if registration else {}),
            *sync_scripts(registration.provider.syncs if registration else {}, gateway.resource_types),
        ],
    )
    return Json({"data": scripts.model_dump(mode="json")})


ENDPOINTS = [
    Endpoint(
        "GET",
        "/integrations/{unique_key}/scripts",
        integration_scripts,
        "The scripts behind this integration and the plugins providing them",
        "integrations",
        response=ScriptsAnswer,
        errors=(404,),
        description="Each unified resource of the integration's provider: operations and routes, the JSON Schema of "
        "what it answers and accepts, the class implementing it, the plugin and version serving the provider, and "
        "the distribution whose built-in template it overrides, if any.",
    )
]
