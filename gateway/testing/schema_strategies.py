"""Hypothesis strategies from JSON Schema and OpenAPI 3.0 schema objects, for property tests of provider mappers.

hypothesis-jsonschema 0.23.1 cannot draw objects with the Hypothesis this kit runs on (its object strategy calls
``many(...).more()``, which Hypothesis no longer has), so ``from_json_schema`` assembles objects, and arrays of
objects, itself (``fixed_dictionaries``/``lists``) and hands every schema without objects to
``hypothesis_jsonschema.from_schema``. A schema is first made plain JSON Schema by ``to_json_schema``: local
``$ref``s inlined (a cycle, or a nesting deeper than ``max_depth``, becomes ``cut``), OpenAPI 3.0 ``nullable``
spelled as null, annotations and ``x-`` extensions dropped. ``openapi_registry``/``openapi_validator`` check values
against the published components and ``conforming`` makes a strategy fail on any value its schema refuses.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

Schema = dict[str, Any]
T = TypeVar("T")

DEFAULT_MAX_DEPTH = 12  # `$ref`s followed one inside another before the next one is cut
EMPTY_OBJECT: Schema = {"type": "object", "maxProperties": 0}  # what a cut `$ref` becomes unless told otherwise
DROPPED = frozenset(
    {"description", "example", "examples", "title", "readOnly", "writeOnly", "deprecated", "externalDocs"}
    | {"discriminator", "xml", "$schema", "$comment", "$defs", "definitions"}
)
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_ONES = frozenset({"items", "additionalItems", "additionalProperties", "not", "if", "then", "else", "contains"})
_OBJECT_WORDS = frozenset({"properties", "additionalProperties", "patternProperties", "required", "maxProperties"})
_FORMAT_PREFIX = "unigate-test-"  # formats given to from_json_schema are renamed, so standard ones can be replaced

NUMBERS = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
SCALARS = st.none() | st.booleans() | NUMBERS | st.text(max_size=10)
ANY_JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


class SchemaValidator(Protocol):
    """What ``conforming`` needs of a validator (``jsonschema``'s and ``openapi-schema-validator``'s have it)."""

    def iter_errors(self, instance: Any) -> Iterable[Any]: ...


def to_json_schema(
    schema: Schema, *, root: Schema | None = None, max_depth: int = DEFAULT_MAX_DEPTH, cut: Schema | None = None
) -> Schema:
    """``schema`` as self-contained JSON Schema.

    ``$ref``s are JSON pointers into ``root`` (default: ``schema``); one met again inside itself, or past ``max_depth``
    nested ``$ref``s, becomes ``cut`` (default: an empty object). OpenAPI 3.0 ``nullable`` adds null to a ``type``
    (and to its ``enum``); beside ``allOf``/``anyOf``/``oneOf``/``$ref`` it becomes ``anyOf: [..., null]``.
    """
    base = schema if root is None else root

    def walk(node: Any, trail: tuple[str, ...]) -> Any:
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref, rest = str(node["$ref"]), _kept({k: v for k, v in node.items() if k != "$ref"})
            if rest:  # OpenAPI writes `nullable` (and more) beside a `$ref`
                return walk({"allOf": [{"$ref": ref}], **rest}, trail)
            if ref in trail or len(trail) >= max_depth:
                return copy.deepcopy(EMPTY_OBJECT if cut is None else cut)
            return walk(_pointed(base, ref), (*trail, ref))
        return _with_null(_mapped(_kept(node), lambda sub: walk(sub, trail)))

    plain = walk(schema, ())
    return plain if isinstance(plain, dict) else {} if plain else {"not": {}}


def from_json_schema(
    schema: Schema,
    *,
    root: Schema | None = None,
    formats: Mapping[str, st.SearchStrategy[str]] | None = None,
    required_extra: Iterable[str] = (),
    overrides: Mapping[str, Schema | st.SearchStrategy[Any]] | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    cut: Schema | None = None,
    max_items: int = 3,
) -> st.SearchStrategy[Any]:
    """Values valid against ``schema`` (made plain by ``to_json_schema`` with ``root``, ``max_depth`` and ``cut``).

    ``formats`` maps a string format (standard or custom) to the strings to draw for it. ``overrides`` replaces
    top-level properties by a schema or a strategy (what the provider really sends), ``required_extra`` names
    top-level properties always present (the provider always sends them); every other optional property is
    sometimes omitted. Arrays and free-form objects get at most ``max_items`` entries (more if a minimum asks).
    """
    extra = dict(overrides or {})
    plain = to_json_schema(schema, root=root, max_depth=max_depth, cut=cut)
    pinned = {name: value for name, value in extra.items() if isinstance(value, st.SearchStrategy)}
    if extra or required_extra:
        plain = _merged(plain)
        if not _object_kinds(plain):
            raise ValueError(f"overrides and required_extra need an object schema, not {json.dumps(plain)[:200]}")
        replaced = {name: to_json_schema(value) for name, value in extra.items() if isinstance(value, dict)}
        required = {*plain.get("required", []), *required_extra}
        plain = {**plain, "type": "object", "properties": {**plain.get("properties", {}), **replaced}}
        plain["required"] = sorted(required)
    drawer = _Drawer({_FORMAT_PREFIX + name: strategy for name, strategy in (formats or {}).items()}, max_items)
    renamed = _renamed_formats(plain, set(formats or {}))
    return drawer.object(renamed, pinned) if pinned else drawer.values(renamed)


def conforming(values: st.SearchStrategy[T], validator: SchemaValidator, what: str) -> st.SearchStrategy[T]:
    """``values``, each checked by ``validator``: a value outside the schema fails the test, naming every problem."""

    def checked(value: T) -> T:
        problems = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]
        if problems:
            raise AssertionError(f"the strategy drew a value outside {what}: {problems}")
        return value

    return values.map(checked)


def openapi_registry(document: Schema, uri: str = "urn:openapi") -> Registry[Any]:
    """An OpenAPI 3.0 description as a ``referencing`` registry for ``openapi_validator``, with ``nullable`` made
    explicit where OAS 3.0.3 validators ignore it: beside ``allOf``/``anyOf``/``oneOf``/``$ref`` and in an ``enum``."""
    contents = Resource.from_contents(_explicit_nulls(document), default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource(uri, contents)
    return registry


def openapi_validator(
    registry: Registry[Any], component: str, *, uri: str = "urn:openapi", check_formats: bool = False
) -> SchemaValidator:
    """A validator (OAS 3.0 semantics) of ``#/components/schemas/<component>`` in ``registry``."""
    checker = OAS30Validator.FORMAT_CHECKER if check_formats else None
    validator: SchemaValidator = OAS30Validator(
        {"$ref": f"{uri}#/components/schemas/{component}"}, registry=registry, format_checker=checker
    )
    return validator


class _Drawer:
    """Strategies for plain schemas: objects assembled here, everything without objects by ``from_schema``."""

    def __init__(self, formats: dict[str, st.SearchStrategy[str]], max_items: int) -> None:
        self.formats, self.max_items = formats, max_items

    def values(self, schema: Any) -> st.SearchStrategy[Any]:
        if schema is True or schema == {}:
            return ANY_JSON
        if schema is False:
            return st.nothing()
        if not _assembles(schema):
            return from_schema(schema, custom_formats=self.formats)
        if "allOf" in schema:
            return self.values(_merged(schema))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                branches = [_merged({"allOf": [rest, part]}) if rest else part for part in schema[key]]
                return st.one_of([self.values(branch) for branch in branches])
        kinds = _kinds(schema)
        if len(kinds) > 1:
            return st.one_of([st.none() if kind == "null" else self.values(_only(schema, kind)) for kind in kinds])
        if kinds == ["array"] or (not kinds and "items" in schema):
            return self.array(schema)
        return self.object(schema, {})

    def array(self, schema: Schema) -> st.SearchStrategy[Any]:
        items = schema.get("items", {})
        if isinstance(items, list):
            return st.tuples(*[self.values(item) for item in items]).map(list)
        low = int(schema.get("minItems", 0))
        high = min(int(schema.get("maxItems", low + self.max_items)), max(low, self.max_items))
        unique = _canonical if schema.get("uniqueItems") else None
        return st.lists(self.values(items), min_size=low, max_size=high, unique_by=unique)

    def object(self, schema: Schema, pinned: Mapping[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        if not properties and not pinned:
            extra = schema.get("additionalProperties", True)
            if extra is False:
                return st.just({})
            low = int(schema.get("minProperties", 0))
            high = min(int(schema.get("maxProperties", low + self.max_items)), max(low, self.max_items))
            keys = st.text(max_size=8)
            return st.dictionaries(keys, self.values(extra), min_size=low, max_size=high)
        drawn = {name: pinned[name] if name in pinned else self.values(sub) for name, sub in properties.items()}
        drawn |= {name: strategy for name, strategy in pinned.items() if name not in drawn}
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {name: strategy for name, strategy in drawn.items() if name in required},
            optional={name: strategy for name, strategy in drawn.items() if name not in required},
        )


def _kept(node: Schema) -> Schema:
    return {k: v for k, v in node.items() if k not in DROPPED and not k.startswith("x-")}


def _mapped(node: Schema, walk: Callable[[Any], Any]) -> Schema:
    """``node`` with ``walk`` applied to each of its direct subschemas (and nothing else: names, enums, defaults)."""
    out: Schema = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: walk(sub) for name, sub in value.items()}
        elif (key in _SCHEMA_LISTS or key in _SCHEMA_ONES) and isinstance(value, list):
            out[key] = [walk(sub) for sub in value]
        elif key in _SCHEMA_ONES:
            out[key] = walk(value)
        else:
            out[key] = value
    return out


def _with_null(node: Schema) -> Schema:
    if not node.pop("nullable", False):
        return node
    if "type" not in node:
        return {"anyOf": [node, {"type": "null"}]}
    kinds = _kinds(node)
    node["type"] = kinds if "null" in kinds else [*kinds, "null"]
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
    return node


def _pointed(document: Schema, ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"cannot follow $ref {ref!r}: only local references (#/...) are resolved")
    node: Any = document
    for part in [p for p in unquote(ref[1:]).split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _explicit_nulls(node: Any) -> Any:
    if isinstance(node, list):
        return [_explicit_nulls(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _explicit_nulls(value) for key, value in node.items()}
    if out.get("nullable") is True and "type" not in out:
        return {"anyOf": [{k: v for k, v in out.items() if k != "nullable"}, {"enum": [None]}]}
    if out.get("nullable") is True and None not in out.get("enum", [None]):
        out["enum"] = [*out["enum"], None]
    return out


def _renamed_formats(schema: Any, names: set[str]) -> Any:
    if not isinstance(schema, dict) or not names:
        return schema
    out = _mapped(schema, lambda sub: _renamed_formats(sub, names))
    if out.get("format") in names:
        out["format"] = _FORMAT_PREFIX + out["format"]
    return out


def _kinds(schema: Schema) -> list[str]:
    kinds = schema.get("type", [])
    return [kinds] if isinstance(kinds, str) else list(kinds)


def _object_kinds(schema: Schema) -> bool:
    kinds = _kinds(schema)
    return "object" in kinds or (not kinds and bool(_OBJECT_WORDS & schema.keys()))


def _assembles(schema: Any) -> bool:
    """Whether ``schema`` or a part of it draws objects (which ``from_schema`` cannot do here)."""
    if not isinstance(schema, dict):
        return False
    if _object_kinds(schema):
        return True
    parts = [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]
    if not _kinds(schema) or "array" in _kinds(schema):
        items = schema.get("items")
        parts += items if isinstance(items, list) else [items]
    return any(_assembles(part) for part in parts)


def _only(schema: Schema, kind: str) -> Schema:
    """``schema`` for values of one ``type``: object keywords dropped from the others, so they are leaves."""
    kept = schema if kind == "object" else {k: v for k, v in schema.items() if k not in _OBJECT_WORDS}
    return {**kept, "type": kind}


def _merged(schema: Schema) -> Schema:
    """``schema`` with its ``allOf`` folded in: properties and ``required`` united, a property in several parts kept
    as their ``allOf``; an ``anyOf``/``oneOf`` part distributes the rest over its branches; other words: last wins."""
    if "allOf" not in schema:
        return schema
    merged: Schema = {k: v for k, v in schema.items() if k != "allOf"}
    parts = list(schema["allOf"])
    for index, part in enumerate(parts):
        part = _merged(part) if isinstance(part, dict) else {}
        for key in ("anyOf", "oneOf"):
            if key in part:
                rest = [merged, {k: v for k, v in part.items() if k != key}, *parts[index + 1 :]]
                return {"anyOf": [_merged({"allOf": [*rest, branch]}) for branch in part[key]]}
        for key, value in part.items():
            if key == "properties":
                known = dict(merged.get("properties", {}))
                known |= {name: {"allOf": [known[name], sub]} if name in known else sub for name, sub in value.items()}
                merged["properties"] = known
            elif key == "required":
                merged["required"] = sorted({*merged.get("required", []), *value})
            elif key == "type" and "type" in merged:
                common = [kind for kind in _kinds(merged) if kind in _kinds(part)]
                merged["type"] = common[0] if len(common) == 1 else common
            else:
                merged[key] = value
    return merged


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
