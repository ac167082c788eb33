"""The action routes as ``Endpoint`` declarations (secret key, body validation, /openapi.json)."""

from __future__ import annotations

from gateway.actions import routes
from gateway.api.endpoint import Endpoint

TAG = "actions"
CONNECTION = (
    ("Connection-Id", "The connection to run the action for"),
    ("Provider-Config-Key", "The integration (unique key) the connection belongs to"),
)
TRIGGER = (
    "The answer's body is the action's output, as the action's output model describes it. The input is checked "
    "against the action's input model first (400 `invalid_action_input` naming the field); an output the model "
    "refuses is 502 `invalid_action_output`, a script that fails is 502 `action_script_failure`. Provider refusals "
    "keep their meaning, as on the unified endpoints. Optional headers: `X-Max-Retries: 0..5` (default 0) retries "
    "a run failing in a way a retry may fix (provider 5xx, timeouts, unreachable, rate limited) with exponential "
    "backoff; `X-Async: true` answers 202 `{id, statusUrl}` at once and runs the action in the background."
)
RESULT = (
    "The run `POST /action/trigger` with `X-Async: true` started. While it is pending or running: 202 "
    "`{id, status}` with `Retry-After: 1` (ask again). Succeeded: 200 with the action's output as the body. "
    "Failed: the error the synchronous call would have answered, with its status. 404 `unknown_action_run` for "
    "an id no run has, 400 `invalid_uri_params` for an id that is not a UUID."
)

ENDPOINTS = [
    Endpoint(
        "POST",
        "/action/trigger",
        routes.trigger_action,
        "Run an action",
        TAG,
        body=routes.TriggerBody,
        accepted=routes.RunAccepted,
        errors=(400, 404, 422, 424, 429, 501, 502, 504),
        description=TRIGGER,
        headers=CONNECTION,
    ),
    Endpoint(
        "GET",
        "/action/{id}",
        routes.action_result,
        "Get the result of a background action run",
        TAG,
        accepted=routes.RunPending,
        errors=(400, 404, 422, 424, 429, 501, 502, 504),
        description=RESULT,
    ),
]
