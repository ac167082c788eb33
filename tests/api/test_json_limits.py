"""JSON the gateway could parse but not store or send back is a 400 naming the field, and nothing is stored.

Each of these inputs used to be stored (or half-stored) and then broke ``GET /connections`` for every caller.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from gateway.api.json_body import MAX_DEPTH
from tests.conftest import error_of

KEY = {"provider_config_key": "linear"}
JSON = {"content-type": "application/json"}
TOO_DEEP_PATH = ["metadata", "x", *[0] * (MAX_DEPTH - 2)]  # the body is level 1, metadata 2, x 3, ...

UNSTORABLE = [
    pytest.param(b"18446744073709551616", "int_out_of_range", id="int-beyond-64-bits"),
    pytest.param(b"9223372036854775808", "int_out_of_range", id="int64-max-plus-one"),
    pytest.param(b"-9223372036854775809", "int_out_of_range", id="int64-min-minus-one"),
    pytest.param(b"1" * 5000, "int_out_of_range", id="5000-digit-int"),
    pytest.param(b"1e999", "float_out_of_range", id="1e999"),
    pytest.param(b"-1e999", "float_out_of_range", id="minus-1e999"),
    pytest.param(b"NaN", "non_standard_number", id="NaN"),
    pytest.param(b'"\\ud800"', "lone_surrogate", id="lone-high-surrogate"),
    pytest.param(b'["ok", "a\\udfffb"]', "lone_surrogate", id="lone-low-surrogate-in-array"),
    pytest.param(b'{"\\ud800": 1}', "lone_surrogate", id="lone-surrogate-in-key"),
    pytest.param(b'"\\u0000"', "nul_character", id="nul"),
    pytest.param(b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5), "too_deep", id="deeper-than-limit"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "too_deep", id="deeper-than-the-stack"),
]


def body_with(value: bytes, connection_id: str = "c1") -> bytes:
    """An import body whose ``metadata.x`` is the raw JSON ``value``."""
    return (
        b'{"provider_config_key": "linear", "connection_id": "%s", "metadata": {"x": %s},'
        b' "credentials": {"type": "API_KEY", "apiKey": "k"}}' % (connection_id.encode(), value)
    )


def assert_names_field(response: httpx.Response, code: str) -> None:
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_json"
    assert error["message"].startswith("Invalid request body: metadata.x"), error["message"]
    assert "; send" in error["message"] or "; remove" in error["message"], error["message"]
    [detail] = error["errors"]
    assert detail["code"] == code
    assert detail["path"][:2] == ["metadata", "x"]
    if code == "too_deep":
        assert detail["path"] == TOO_DEEP_PATH and str(MAX_DEPTH) in error["message"]


@pytest.fixture
async def linear(client: httpx.AsyncClient) -> None:
    assert (await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "linear"})).is_success


async def listed(client: httpx.AsyncClient) -> Any:
    response = await client.get("/connections")
    assert response.status_code == 200, response.text
    return response.json()["connections"]


@pytest.mark.usefixtures("linear")
@pytest.mark.parametrize(("value", "code"), UNSTORABLE)
async def test_unstorable_json_is_400_naming_the_field_and_changes_nothing(
    client: httpx.AsyncClient, value: bytes, code: str
) -> None:
    assert_names_field(await client.post("/connections", content=body_with(value), headers=JSON), code)
    assert await listed(client) == []
    assert (await client.get("/connections/c1", params=KEY)).status_code == 404

    assert (await client.post("/connections", content=body_with(b'"kept"'), headers=JSON)).status_code == 201
    before = await listed(client)
    for method in ("POST", "PATCH"):
        raw = b'{"provider_config_key": "linear", "connection_id": "c1", "metadata": {"x": %s}}' % value
        assert_names_field(await client.request(method, "/connections/metadata", content=raw, headers=JSON), code)
        assert await listed(client) == before
    assert before[0]["metadata"] == {"x": "kept"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"display_name": "\\ud800"}',
        b'{"custom": {"region": "eu\\udc00"}}',
        b'{"custom": {"a": NaN}}',
        b'{"display_name": "x", "custom": ' + b'{"a": ' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH + b"}",
    ],
)
async def test_integration_patch_with_unstorable_json_changes_nothing(client: httpx.AsyncClient, raw: bytes) -> None:
    assert (await client.post("/integrations", json={"provider": "github", "unique_key": "gh"})).is_success
    before = (await client.get("/integrations/gh")).json()
    response = await client.patch("/integrations/gh", content=raw, headers=JSON)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_json"
    field = error["errors"][0]["path"][0]
    assert field in ("display_name", "custom") and error["message"].startswith(f"Invalid request body: {field}")
    assert (await client.get("/integrations/gh")).json() == before
    assert (await client.get("/integrations")).status_code == 200


@pytest.mark.usefixtures("linear")
async def test_values_at_the_limits_are_stored_and_read_back(client: httpx.AsyncClient) -> None:
    deepest: Any = 1
    for _ in range(MAX_DEPTH - 3):  # body, metadata and "deep" are three levels already
        deepest = [deepest]
    metadata = {
        "max": 2**63 - 1,
        "min": -(2**63),
        "big_float": 1.5e308,
        "emoji": "\U0001f600",  # sent as the surrogate pair \ud83d\ude00, which is valid
        "deep": deepest,
    }
    body = {**KEY, "connection_id": "c1", "metadata": metadata, "credentials": {"type": "API_KEY", "apiKey": "k"}}
    raw = json.dumps(body).encode()  # ASCII, with the emoji escaped as a surrogate pair
    assert b"\\ud83d\\ude00" in raw
    response = await client.post("/connections", content=raw, headers=JSON)
    assert response.status_code == 201, response.text
    assert (await listed(client))[0]["metadata"] == metadata
    assert (await client.get("/connections/c1", params=KEY)).json()["metadata"] == metadata


@pytest.mark.usefixtures("linear")
@pytest.mark.parametrize(
    "raw",
    [
        body_with(b'"\xed\xa0\x80"'),  # a surrogate encoded as UTF-8 bytes: not UTF-8
        body_with(b'"ok"').decode().encode("utf-16"),
    ],
    ids=["utf8-encoded-surrogate", "utf-16"],
)
async def test_bodies_that_are_not_utf8_are_400(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post("/connections", content=raw, headers=JSON)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_json" and "UTF-8" in error["message"]
    assert await listed(client) == []
