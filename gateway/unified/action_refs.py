"""A provider's actions as the Scripts listing and the reference describe them: name, description (the class's
``summary()``), JSON Schema of input and output (null where the action declares no model), implementing class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from gateway.provider import Action

ROUTE = "POST /action/trigger"


class ActionInfo(BaseModel):
    name: str = Field(description="The `action_name` of `POST /action/trigger`")
    description: str
    input_schema: dict[str, Any] | None = Field(description="JSON Schema of `input`; null: any JSON object")
    output_schema: dict[str, Any] | None = Field(description="JSON Schema of the output; null: undeclared")


class ActionScriptRef(ActionInfo):
    """An action in ``GET /integrations/{key}/scripts``."""

    type: Literal["action"] = "action"
    route: str = ROUTE
    action_class: str = Field(description="The plugin's class implementing it, module.qualname")


class ActionRef(ActionInfo):
    """An action in the reference."""

    implemented_by: str = Field(description="The plugin's action class, module.qualname")


def _schema(model: type[BaseModel]) -> dict[str, Any] | None:
    return None if model is BaseModel else model.model_json_schema()


def _info(name: str, cls: type[Action[Any, Any]]) -> dict[str, Any]:
    input_model, output_model = cls.models()
    return {
        "name": name,
        "description": cls.summary(),
        "input_schema": _schema(input_model),
        "output_schema": _schema(output_model),
    }


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def action_scripts(actions: Mapping[str, type[Action[Any, Any]]]) -> list[ActionScriptRef]:
    """The Scripts listing's entries (``type: "action"``) of a provider's ``actions``."""
    return [ActionScriptRef(**_info(name, cls), action_class=_class_path(cls)) for name, cls in actions.items()]


def action_refs(actions: Mapping[str, type[Action[Any, Any]]]) -> list[ActionRef]:
    """The reference's entries of a provider's ``actions``."""
    return [ActionRef(**_info(name, cls), implemented_by=_class_path(cls)) for name, cls in actions.items()]
