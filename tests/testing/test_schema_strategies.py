"""``gateway.testing.schema_strategies`` on small schemas: what it draws validates, and its options do what they say."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator  # type: ignore[import-untyped]

from gateway.testing.schema_strategies import (
    conforming,
    from_json_schema,
    openapi_registry,
    openapi_validator,
    to_json_schema,
)

EXAMPLES = settings(max_examples=60, deadline=None)
TICKET: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "tags"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "kind": {"enum": ["bug", "task", 3]},
        "schema": {"const": "v1"},
        "title": {"type": "string", "minLength": 2, "maxLength": 5},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2, "uniqueItems": True},
        "owner": {
            "oneOf": [
                {"type": "string", "pattern": "^@[a-z]+$"},
                {"type": "object", "required": ["login"], "properties": {"login": {"type": "string"}}},
            ]
        },
        "watchers": {
            "type": "array",
            "minItems": 2,
            "maxItems": 4,
            "items": {"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": False},
        },
        "extra": {"type": "object", "additionalProperties": {"type": "boolean"}, "maxProperties": 2},
        "parent": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"id": {"type": "integer"}}}]},
        "audit": {
            "allOf": [
                {"type": "object", "required": ["at"], "properties": {"at": {"type": "string", "format": "date"}}},
                {"properties": {"by": {"type": "string"}}, "required": ["by"]},
            ]
        },
    },
    "additionalProperties": False,
}
DOCUMENT: dict[str, Any] = {  # a small OpenAPI 3.0 description
    "components": {
        "schemas": {
            "User": {
                "type": "object",
                "required": ["gid"],
                "properties": {"gid": {"type": "string", "minLength": 1}, "name": {"type": "string"}},
                "x-internal": True,
            },
            "Task": {
                "type": "object",
                "required": ["gid", "assignee", "state", "creator"],
                "properties": {
                    "gid": {"type": "string", "description": "the id", "example": "12"},
                    "assignee": {"allOf": [{"$ref": "#/components/schemas/User"}], "nullable": True},
                    "creator": {"$ref": "#/components/schemas/User"},
                    "state": {"type": "string", "enum": ["open", "done"], "nullable": True},
                    "followers": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
                },
            },
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
            },
        }
    }
}


def nesting(node: Any) -> int:
    """How many ``children`` levels a drawn ``Node`` has."""
    return 1 + max((nesting(child) for child in node.get("children", [])), default=0)


@EXAMPLES
@given(from_json_schema(TICKET))
def test_drawn_values_validate_against_their_schema(ticket: dict[str, Any]) -> None:
    Draft7Validator(TICKET, format_checker=Draft7Validator.FORMAT_CHECKER).validate(ticket)


def test_optional_properties_are_sometimes_there_and_sometimes_not() -> None:
    strategy = from_json_schema(TICKET)
    assert "title" not in find(strategy, lambda ticket: True)
    assert len(find(strategy, lambda ticket: "title" in ticket and "owner" in ticket)["title"]) >= 2
    assert isinstance(find(strategy, lambda ticket: isinstance(ticket.get("owner"), dict))["owner"]["login"], str)
    assert find(strategy, lambda ticket: "parent" in ticket and ticket["parent"] is None)["parent"] is None


@EXAMPLES
@given(
    from_json_schema(
        TICKET,
        required_extra=["title", "audit"],
        overrides={"title": {"type": "string", "format": "date-time"}, "id": st.just(7), "origin": st.just("web")},
        formats={"date-time": st.just("2024-01-02T03:04:05Z"), "date": st.just("2024-01-02")},
    )
)
def test_required_extra_overrides_and_formats_pin_what_the_provider_sends(ticket: dict[str, Any]) -> None:
    assert (ticket["id"], ticket["title"], ticket["audit"]["at"]) == (7, "2024-01-02T03:04:05Z", "2024-01-02")
    assert isinstance(ticket["audit"]["by"], str) and ticket.get("origin", "web") == "web"


def test_openapi_refs_are_inlined_and_nullable_spelled_as_null() -> None:
    task = to_json_schema({"$ref": "#/components/schemas/Task"}, root=DOCUMENT)
    text = json.dumps(task)
    assert "$ref" not in text and "nullable" not in text and "example" not in text and "x-internal" not in text
    assert task["properties"]["state"] == {"type": ["string", "null"], "enum": ["open", "done", None]}
    assert task["properties"]["creator"]["required"] == ["gid"]
    assert {"type": "null"} in task["properties"]["assignee"]["anyOf"]


@EXAMPLES
@given(st.data())
def test_openapi_values_validate_with_nulls_only_where_nullable(data: st.DataObject) -> None:
    validator = openapi_validator(openapi_registry(DOCUMENT), "Task")
    strategy = conforming(from_json_schema({"$ref": "#/components/schemas/Task"}, root=DOCUMENT), validator, "Task")
    task = data.draw(strategy)
    assert isinstance(task["creator"], dict) and task["creator"]["gid"]
    assert task["assignee"] is None or task["assignee"]["gid"]
    assert list(validator.iter_errors({**task, "creator": None}))  # not nullable: the published schema refuses null


def test_nullable_beside_all_of_is_drawn_both_ways() -> None:
    strategy = from_json_schema({"$ref": "#/components/schemas/Task"}, root=DOCUMENT)
    assert find(strategy, lambda task: task["assignee"] is None)["assignee"] is None
    assert find(strategy, lambda task: task["assignee"] is not None)["assignee"]["gid"]
    assert find(strategy, lambda task: task["state"] is None)["state"] is None


def test_a_cycle_terminates_where_the_ref_comes_back() -> None:
    reference = {"$ref": "#/components/schemas/Node"}
    assert "$ref" not in json.dumps(to_json_schema(reference, root=DOCUMENT))
    strategy = from_json_schema(reference, root=DOCUMENT)
    validator = Draft7Validator({**DOCUMENT, **reference})
    assert find(strategy, lambda node: nesting(node) > 1)["children"][0] == {}  # the inner Node is cut to {}

    @EXAMPLES
    @given(strategy)
    def bounded(node: dict[str, Any]) -> None:
        validator.validate(node)
        assert nesting(node) <= 2

    bounded()


@pytest.mark.parametrize("max_depth", [1, 2, 3])
def test_refs_past_max_depth_are_cut(max_depth: int) -> None:
    chain = {f"L{n}": {"type": "object", "properties": {"next": {"$ref": f"#/L{n + 1}"}}} for n in range(4)}
    plain = to_json_schema({"$ref": "#/L0"}, root=chain, max_depth=max_depth)
    levels, node = 0, plain
    while node.get("properties"):
        levels, node = levels + 1, node["properties"]["next"]
    assert (levels, node) == (max_depth, {"type": "object", "maxProperties": 0})


def test_a_cut_can_be_chosen() -> None:
    cut = {"type": "object", "required": ["gid"], "properties": {"gid": {"const": "cut"}}}
    plain = to_json_schema({"$ref": "#/components/schemas/Task"}, root=DOCUMENT, max_depth=1, cut=cut)
    assert plain["properties"]["creator"] == cut
    assert find(from_json_schema(plain), lambda task: True)["creator"] == {"gid": "cut"}


def test_conforming_names_what_the_schema_refuses() -> None:
    validator = Draft7Validator(TICKET)
    with pytest.raises(AssertionError, match=r"outside the ticket schema: .*/id: 0 is less than the minimum of 1"):
        find(conforming(st.just({"id": 0, "kind": "bug", "tags": ["a"]}), validator, "the ticket schema"), bool)


def test_unusable_inputs_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="only local references"):
        to_json_schema({"$ref": "other.json#/User"})
    with pytest.raises(ValueError, match="need an object schema"):
        from_json_schema({"type": "string"}, required_extra=["id"])
