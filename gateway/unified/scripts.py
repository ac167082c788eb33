"""``GET /integrations/{unique_key}/scripts``: the scripts behind an integration, and who provides each.

Today a provider's scripts are its unified resources (actions and syncs will be listed here too once plugins can
declare them): for each, the operations and routes, the model it answers with and the models it accepts, as JSON
Schema; the plugin distribution and version serving the provider; and, when a plugin overrides a built-in
template (``replaces``), the distribution it took the provider over from.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.provider import Resource
from gateway.runtime import Gateway
from gateway.store.integrations import require_integration
from gateway.unified.action_refs import ActionScriptRef, action_scripts
from gateway.unified.reference import MODELS, OperationRef, class_path, distribution_version, operation_refs
from unified_models import CommentCreate, TicketCreate, TicketUpdate

INPUTS: dict[tuple[str, str], type[BaseModel]] = {  # the built-in routes' request bodies
    ("tickets", "create"): TicketCreate,
    ("tickets", "update"): TicketUpdate,
    ("comments", "create"): CommentCreate,
}


class ScriptRef(BaseModel):
    type: str = Field(description="resource (actions and syncs to come)")
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
    scripts: list[ScriptRef | ActionScriptRef]


class ScriptsAnswer(BaseModel):
    data: Scripts


def declared_models(cls: type[Resource[Any, Any, Any]]) -> tuple[Any, ...]:
    """The ``(model, create, update)`` a resource class declares as ``Resource[...]``; TypeVars where it does not."""
    for klass in cls.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            if typing.get_origin(base) is Resource:
                return typing.get_args(base)
    return ()


def _schema(model: Any) -> dict[str, Any] | None:
    usable = isinstance(model, type) and issubclass(model, BaseModel) and model is not BaseModel
    return model.model_json_schema() if usable else None


def script_ref(name: str, cls: type[Resource[Any, Any, Any]]) -> ScriptRef:
    declared = (*declared_models(cls), None, None, None)
    model, writes = declared[0], {"create": declared[1], "update": declared[2]}
    operations = cls.operations()
    inputs = {}
    for op in ("create", "update"):
        schema = _schema(writes[op]) or _schema(INPUTS.get((name, op)))
        if op in operations and schema is not None:
            inputs[op] = schema
    return ScriptRef(
        type="resource",
        name=name,
        routes=operation_refs(name, cls),
        output_schema=_schema(model) or _schema(MODELS.get(name)),
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
            *(script_ref(name, cls) for name, cls in resources.items()),
            *action_scripts(registration.provider.actions if registration else {}),
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
