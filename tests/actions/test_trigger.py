"""``POST /action/trigger`` run synchronously: the body is the action's output; each failure is an error the caller
can act on; ``X-Max-Retries`` retries what a retry may fix and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.testing.loopback import run_app
from tests.actions.doer import API_KEY, HEADERS, DoerApi, doer_gateway


@dataclass
class Setup:
    client: httpx.AsyncClient
    api: DoerApi


@pytest.fixture
async def doer(tmp_path: Path) -> AsyncIterator[Setup]:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url) as (_, client):
            yield Setup(client, api)


async def trigger(client: httpx.AsyncClient, name: Any, input: Any = None, **headers: str) -> httpx.Response:
    return await client.post(
        "/action/trigger", json={"action_name": name, "input": input}, headers={**HEADERS, **headers}
    )


def error_of(answer: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = answer.json()["error"]
    return error


async def test_the_answer_is_the_actions_output(doer: Setup) -> None:
    answer = await trigger(doer.client, "add-labels", {"issue": 7, "labels": ["bug"]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"issue": 7, "labels": ["bug", "existing"]}
    assert doer.api.seen == [("POST", "/issues/7/labels", f"Bearer {API_KEY}")]


async def test_an_action_without_models_gets_and_answers_any_object(doer: Setup) -> None:
    answer = await trigger(doer.client, "echo", {"anything": [1, 2]})
    assert answer.status_code == 200 and answer.json() == {"anything": [1, 2]}
    empty = await trigger(doer.client, "echo")
    assert empty.status_code == 200 and empty.json() == {}


async def test_a_missing_or_ill_typed_action_name_is_invalid_body(doer: Setup) -> None:
    bodies: list[dict[str, Any]] = [{"input": {}}, {"action_name": 3}, {"action_name": ""}]
    for body in bodies:
        answer = await doer.client.post("/action/trigger", json=body, headers=HEADERS)
        assert answer.status_code == 400, answer.text
        assert error_of(answer)["code"] == "invalid_body"
        assert error_of(answer)["errors"][0]["path"] == ["action_name"]


async def test_an_unknown_action_is_404_listing_the_actions(doer: Setup) -> None:
    answer = await trigger(doer.client, "close-issue")
    assert answer.status_code == 404
    error = error_of(answer)
    assert error["code"] == "unknown_action"
    assert "'close-issue'" in error["message"] and "add-labels, bad-output, call, crash, echo, huge" in error["message"]


async def test_the_connection_must_exist_and_be_named(doer: Setup) -> None:
    unnamed = await doer.client.post("/action/trigger", json={"action_name": "echo"})
    assert unnamed.status_code == 400 and error_of(unnamed)["code"] == "invalid_headers"
    unknown = await trigger(doer.client, "echo", **{"Connection-Id": "nobody"})
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "unknown_connection"


async def test_the_secret_key_is_required(doer: Setup) -> None:
    answer = await doer.client.post(
        "/action/trigger", json={"action_name": "echo"}, headers={**HEADERS, "Authorization": "Bearer wrong"}
    )
    assert answer.status_code == 401


async def test_invalid_input_names_the_field(doer: Setup) -> None:
    answer = await trigger(doer.client, "add-labels", {"issue": "seven", "labels": ["bug"]})
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalid_action_input"
    assert [e["path"] for e in error["errors"]] == [["input", "issue"]]
    assert error["message"].startswith("Invalid action input: input.issue:")
    missing = await trigger(doer.client, "add-labels", {"issue": 7})
    assert [e["path"] for e in error_of(missing)["errors"]] == [["input", "labels"]]
    not_an_object = await trigger(doer.client, "add-labels", [1])
    assert not_an_object.status_code == 400 and error_of(not_an_object)["code"] == "invalid_action_input"
    assert doer.api.seen == []


async def test_an_output_the_model_refuses_is_502_without_the_values(doer: Setup) -> None:
    answer = await trigger(doer.client, "bad-output")
    assert answer.status_code == 502
    error = error_of(answer)
    assert error["code"] == "invalid_action_output"
    assert [e["path"] for e in error["errors"]] == [["output", "issue"]]
    assert "not a number" not in answer.text and API_KEY not in answer.text


async def test_an_output_that_is_not_json_is_502(doer: Setup) -> None:
    answer = await trigger(doer.client, "huge")
    assert answer.status_code == 502 and error_of(answer)["code"] == "invalid_action_output"
    assert "which is not JSON" in error_of(answer)["message"]


async def test_a_failing_script_is_502_with_its_type_only(doer: Setup, caplog: pytest.LogCaptureFixture) -> None:
    answer = await trigger(doer.client, "crash")
    assert answer.status_code == 502
    error = error_of(answer)
    assert error["code"] == "action_script_failure"
    assert "RuntimeError" in error["message"] and "error id" in error["message"]
    assert API_KEY not in answer.text and API_KEY not in caplog.text
    error_id = error["message"].rsplit(" ", 1)[1]
    assert error_id in caplog.text


async def test_provider_refusals_keep_their_meaning(doer: Setup) -> None:
    unsupported = await trigger(doer.client, "unsupported")
    assert unsupported.status_code == 501 and error_of(unsupported)["code"] == "not_supported"
    refused = await trigger(doer.client, "call", {"path": "/refuse"})
    assert refused.status_code == 422 and error_of(refused)["code"] == "invalid_request"
    assert "issue is locked" in error_of(refused)["message"]
    down = await trigger(doer.client, "call", {"path": "/down"})
    assert down.status_code == 502 and error_of(down)["code"] == "upstream_error"


async def test_max_retries_retries_a_failing_provider(doer: Setup) -> None:
    answer = await trigger(doer.client, "call", {"path": "/flaky"}, **{"X-Max-Retries": "2"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"ok": True}
    assert doer.api.paths() == ["/flaky"] * 3


async def test_without_retries_the_first_failure_is_the_answer(doer: Setup) -> None:
    answer = await trigger(doer.client, "call", {"path": "/flaky"})
    assert answer.status_code == 502 and error_of(answer)["code"] == "upstream_error"
    assert doer.api.paths() == ["/flaky"]


async def test_refusals_are_not_retried(doer: Setup) -> None:
    answer = await trigger(doer.client, "call", {"path": "/refuse"}, **{"X-Max-Retries": "5"})
    assert answer.status_code == 422
    assert doer.api.paths() == ["/refuse"]
    crash = await trigger(doer.client, "crash", **{"X-Max-Retries": "5"})
    assert crash.status_code == 502 and error_of(crash)["code"] == "action_script_failure"


@pytest.mark.parametrize("value", ["6", "-1", "two", "1.5"])
async def test_max_retries_outside_0_to_5_is_refused(doer: Setup, value: str) -> None:
    answer = await trigger(doer.client, "echo", **{"X-Max-Retries": value})
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "invalid_headers" and error["errors"][0]["path"] == ["X-Max-Retries"]
    assert "0 to 5" in error["message"]


async def test_the_route_is_in_openapi(doer: Setup) -> None:
    spec = (await doer.client.get("/openapi.json")).json()
    operation = spec["paths"]["/action/trigger"]["post"]
    assert operation["security"] == [{"secretKey": []}]
    assert {p["name"] for p in operation["parameters"]} >= {"Connection-Id", "Provider-Config-Key"}


async def test_the_202_answers_are_in_openapi(doer: Setup) -> None:
    spec = (await doer.client.get("/openapi.json")).json()
    accepted = spec["paths"]["/action/trigger"]["post"]["responses"]["202"]
    pending = spec["paths"]["/action/{id}"]["get"]["responses"]["202"]
    assert accepted["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RunAccepted"}
    assert pending["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RunPending"}
    assert set(spec["components"]["schemas"]["RunAccepted"]["properties"]) == {"id", "statusUrl"}
