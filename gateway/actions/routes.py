"""``POST /action/trigger``: run a provider action for the connection the headers name, and answer its output;
``GET /action/{id}``: how a background run went.

The answer's body is the action's output (Nango's shape). With ``X-Async: true`` the run is stored and worked on
in the background; the answer is 202 ``{id, statusUrl}`` and ``GET /action/{id}`` answers 202 until it is done.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.responses import Response

from gateway.action_runs.execute import find_action, parse_input, perform
from gateway.action_runs.runs import SUCCEEDED, parse_run_id
from gateway.actions.headers import is_async, max_retries
from gateway.api.endpoint import Call
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.unified.context import unified_context


class TriggerBody(BaseModel):
    """Body of ``POST /action/trigger``."""

    action_name: str = Field(min_length=1, description="The action's name, as `GET /integrations/{key}/scripts` lists")
    input: Any = Field(default=None, description="The action's input (a JSON object); null or absent means `{}`")


class RunAccepted(BaseModel):
    """Answer of ``POST /action/trigger`` with ``X-Async: true``."""

    id: str = Field(description="The run's id (a UUID)")
    statusUrl: str = Field(description="Where to ask how the run went: `/action/{id}`")  # noqa: N815  (Nango's name)


class RunPending(BaseModel):
    """Answer of ``GET /action/{id}`` while the run is not finished (202, with ``Retry-After: 1``)."""

    id: str
    status: str = Field(description="`pending` or `running`")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)


async def trigger_action(call: Call[TriggerBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    retries = max_retries(call.request)
    background = is_async(call.request)
    async with unified_context(call.request) as (provider, ctx):
        action = find_action(provider, ctx.provider, call.body.action_name)
        data = parse_input(action, call.body.input)
        if background:
            run_id = await gateway.action_runs.create(
                ctx.integration_key, ctx.connection_id, action.name, data.model_dump(mode="json"), retries
            )
            gateway.action_queue.submit(run_id)
            return json_response(RunAccepted(id=run_id, statusUrl=f"/action/{run_id}").model_dump(), 202)
        outcome = await perform(action, ctx, data, retries)
    if outcome.error is not None:
        raise outcome.error
    return json_response(outcome.output)


async def action_result(call: Call[Any, Any]) -> Response:
    """How run ``id`` went: its output (200), its error (its status), or 202 while it goes on."""
    gateway: Gateway = call.request.app.state.gateway
    run_id = parse_run_id(call.path["id"])
    if run_id is None:
        message = "id: not a run id; send the `id` POST /action/trigger answered with X-Async: true (a UUID)"
        errors = [{"code": "invalid_uri_params", "message": message, "path": ["id"]}]
        raise GatewayError(400, "invalid_uri_params", message, errors=errors)
    run = await gateway.action_runs.get(run_id)
    if run is None:
        raise GatewayError(
            404, "unknown_action_run", f"No action run {run_id!r}; send an id POST /action/trigger answered"
        )
    if run.status == SUCCEEDED:
        assert run.result is not None
        return json_response(run.result["output"])
    error = run.error()
    if error is not None:
        return error.response()
    pending = RunPending(id=run.run_id, status=run.status).model_dump()
    return json_response(pending, 202, headers={"Retry-After": "1"})
