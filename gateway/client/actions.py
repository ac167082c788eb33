"""The calls of actions: ``POST /action/trigger`` (synchronous or ``X-Async``) and ``GET /action/{id}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gateway.client.calls import Call, segment
from gateway.client.models import ActionRun


def trigger(headers: Mapping[str, str], name: str, input: Any, max_retries: int, run_async: bool) -> Call[Any]:
    extra = {"X-Max-Retries": str(max_retries)} if max_retries else {}
    if run_async:
        extra["X-Async"] = "true"
    parse = (lambda r: r.json()["id"]) if run_async else (lambda r: r.json())
    body = {"action_name": name, "input": input}
    return Call("POST", "/action/trigger", parse, json=body, headers={**headers, **extra})


def _run(response: httpx.Response) -> ActionRun:
    body = response.json()
    if response.status_code == 202:
        return ActionRun(id=body["id"], status=body["status"])
    return ActionRun(id=str(response.url).rsplit("/", 1)[-1], status="succeeded", output=body)


def result(headers: Mapping[str, str], run_id: str) -> Call[ActionRun]:
    return Call("GET", f"/action/{segment(run_id)}", _run, headers=headers)
