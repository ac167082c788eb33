"""``POST /action/trigger``: run a provider action for the connection the headers name, and answer its output.

The answer's body is the action's output (Nango's shape). With ``X-Async: true`` the run is stored and worked on
in the background; the answer is 202 ``{id, statusUrl}`` and ``GET /action/{id}`` tells how it went.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.responses import Response

from gateway.action_runs.execute import find_action, parse_input, perform
from gateway.actions.headers import is_async, max_retries
from gateway.api.endpoint import Call
from gateway.errors import GatewayError
from gateway.unified.context import unified_context


class TriggerBody(BaseModel):
    """Body of ``POST /action/trigger``."""

    action_name: str = Field(min_length=1, description="The action's name, as `GET /integrations/{key}/scripts` lists")
    input: Any = Field(default=None, description="The action's input (a JSON object); null or absent means `{}`")


class RunAccepted(BaseModel):
    """Answer of ``POST /action/trigger`` with ``X-Async: true``."""

    id: str = Field(description="The run's id (a UUID)")
    statusUrl: str = Field(description="Where to ask how the run went: `/action/{id}`")  # noqa: N815  (Nango's name)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)


async def trigger_action(call: Call[TriggerBody, Any]) -> Response:
    retries = max_retries(call.request)
    background = is_async(call.request)
    async with unified_context(call.request) as (provider, ctx):
        action = find_action(provider, ctx.provider, call.body.action_name)
        data = parse_input(action, call.body.input)
        if background:
            raise GatewayError(501, "not_supported", "X-Async: background runs are not available yet; omit the header")
        outcome = await perform(action, ctx, data, retries)
    if outcome.error is not None:
        raise outcome.error
    return json_response(outcome.output)
