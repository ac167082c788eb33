"""The OpenAPI 3.1 description, built from the endpoints' own pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gateway import __version__
from gateway.api.endpoint import Endpoint

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["unknown_connection"]},
                "message": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "path": {"type": "array", "items": {"type": ["string", "integer"]}},
                        },
                    },
                },
            },
        }
    },
}

ERROR_REF = "#/components/schemas/Error"
HTML_CONTENT: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}

ERROR_TEXT = {
    400: "Invalid input; the message names the field and the fix",
    401: "Missing or invalid secret key",
    404: "Not found",
    409: "Conflict with an existing resource",
    413: "Request body too large",
    403: "Not allowed for this caller",
    422: "Well-formed but not acceptable",
    424: "The connection's credentials could not be refreshed",
    429: "Rate limited; retry after the Retry-After header's seconds",
    501: "Not supported by this provider",
    502: "The provider failed or refused the call; the message names it",
}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _operation(endpoint: Endpoint, refs: dict[type[BaseModel], str]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": endpoint.summary,
        "operationId": f"{endpoint.tag}_{endpoint.handler.__name__}_{endpoint.method.lower()}",
        "tags": [endpoint.tag],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in PATH_PARAM.findall(endpoint.path)
        ],
    }
    operation["parameters"] += [
        {"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
        for name, text in endpoint.headers
    ]
    if endpoint.description:
        operation["description"] = endpoint.description
    if endpoint.query is not None:
        operation["parameters"] += _query_parameters(endpoint.query)
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": refs[endpoint.body]}}},
        }
    ok: dict[str, Any] = {"description": "Success"}
    if endpoint.html:
        ok["content"] = HTML_CONTENT
    elif endpoint.response is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": refs[endpoint.response]}}}
    responses: dict[str, Any] = {str(endpoint.status): ok}
    if endpoint.accepted is not None:
        schema = {"$ref": refs[endpoint.accepted]}
        responses["202"] = {
            "description": "Accepted: not finished yet",
            "content": {"application/json": {"schema": schema}},
        }
    codes = set(endpoint.errors) | ({400} if endpoint.body or endpoint.query else set())
    if endpoint.body is not None:
        codes.add(413)
    if not endpoint.public:
        codes.add(401)
        operation["security"] = [{"secretKey": []}]
    else:
        operation["security"] = []
    error_content = HTML_CONTENT if endpoint.html else {"application/json": {"schema": {"$ref": ERROR_REF}}}
    for code in sorted(codes):
        responses[str(code)] = {"description": ERROR_TEXT.get(code, "Error"), "content": error_content}
    operation["responses"] = responses
    return operation


def build_openapi(endpoints: Sequence[Endpoint], server_url: str) -> dict[str, Any]:
    models = {m for e in endpoints for m in (e.body, e.response, e.accepted) if m is not None}
    ordered = sorted(models, key=lambda m: m.__name__)
    keyed, definitions = models_json_schema([(m, "validation") for m in ordered], ref_template=REF)
    refs = {model: keyed[(model, "validation")]["$ref"] for model in ordered}
    schemas = dict(definitions.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.documented_path, {})[endpoint.method.lower()] = _operation(endpoint, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Unigate API",
            "version": __version__,
            "description": "Nango-compatible connection, integration and proxy API, plus Unigate's unified endpoints.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "secretKey": {"type": "http", "scheme": "bearer", "description": "The instance's secret key"}
            },
        },
    }
