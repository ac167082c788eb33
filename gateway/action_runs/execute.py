"""One action call: find the action, check its input, run it with retries, check its output.

Failures become ``GatewayError``s the caller can act on: 404 ``unknown_action``, 400 ``invalid_action_input``
naming the field, 502 ``invalid_action_output``, the provider failure mapping shared with unified resources,
Unigate's own errors from ``ctx.http`` as they are (424 when the connection's refresh is exhausted), and 502
``action_script_failure`` (logged with an error id) for anything else a script raises. Only failures another
attempt may get past (provider 5xx, timeouts, unreachable, rate limits) are retried, with exponential backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticSerializationError, to_jsonable_python

from gateway.errors import GatewayError
from gateway.provider import Action, Provider, ProviderContext, RateLimited
from gateway.server_errors import log_unhandled
from gateway.upstream.failure_answers import PROVIDER_FAILURES, failure_answer, retryable

log = logging.getLogger("unigate")
MAX_RETRIES = 5
BACKOFF_BASE = 0.2  # seconds before the first retry, doubled for each next one
BACKOFF_CAP = 5.0
MAX_RATE_LIMIT_WAIT = 10  # a provider asking to wait longer is not retried: the caller gets its 429

Sleep = Callable[[float], Awaitable[None]]
OnAttempt = Callable[[int], Awaitable[None]]


class FreeInput(BaseModel):
    """The input of an action that declares no input model: any JSON object, passed on as is."""

    model_config = ConfigDict(extra="allow")


def find_action(provider: Provider | None, provider_key: str, name: str) -> Action[Any, Any]:
    """The action ``name`` of the connection's provider; 404 ``unknown_action`` listing the ones it has."""
    action = provider.action(name) if provider is not None else None
    if action is None:
        names = ", ".join(sorted(provider.actions)) if provider is not None else ""
        offered = f"its actions: {names}" if names else "it has no actions"
        raise GatewayError(404, "unknown_action", f"action_name: {provider_key} has no action {name!r}; {offered}")
    return action


def input_model(action: Action[Any, Any]) -> type[BaseModel]:
    model = action.models()[0]
    return FreeInput if model is BaseModel else model


def parse_input(action: Action[Any, Any], raw: Any) -> BaseModel:
    """``raw`` (null: ``{}``) validated against the action's input model; 400 ``invalid_action_input``."""
    try:
        return input_model(action).model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise _invalid(exc, action, "invalid_action_input", 400) from None


def _invalid(exc: ValidationError, action: Action[Any, Any], code: str, status: int) -> GatewayError:
    """An error naming each field at fault (paths start at ``input`` or ``output``), never the values."""
    root = "input" if code == "invalid_action_input" else "output"
    errors: list[dict[str, Any]] = []
    sentences = []
    for item in exc.errors(include_url=False, include_input=False):
        path = [root, *item["loc"]]
        errors.append({"code": item["type"], "message": item["msg"], "path": path})
        sentences.append(f"{'.'.join(str(p) for p in path)}: {item['msg']}")
    what = "Invalid action input" if root == "input" else f"The action {action.name!r} answered an invalid output"
    return GatewayError(status, code, f"{what}: " + "; ".join(sentences), errors=errors)


def output_json(action: Action[Any, Any], result: Any) -> Any:
    """The script's answer as JSON, checked against the output model; 502 ``invalid_action_output``."""
    model = action.models()[1]
    try:
        data = to_jsonable_python(result, by_alias=True)
        orjson.dumps(data)  # what the answer is written with: integers beyond 64 bits, say, are refused
    except (PydanticSerializationError, orjson.JSONEncodeError):
        log.warning("action %s answered %s, which is not JSON", action.name, type(result).__name__)
        message = f"The action {action.name!r} answered a {type(result).__name__}, which is not JSON"
        raise GatewayError(502, "invalid_action_output", message) from None
    if model is BaseModel:
        return data
    try:
        return model.model_validate(data).model_dump(mode="json", by_alias=True)
    except ValidationError as exc:
        error = _invalid(exc, action, "invalid_action_output", 502)
        log.warning("action %s answered an output its model refuses: %s", action.name, error.message)
        raise error from None


@dataclass
class Outcome:
    """How a call ended: the output JSON, or the error; and how many attempts it took."""

    attempts: int
    output: Any = None
    error: GatewayError | None = None


class _Failed(Exception):
    def __init__(self, error: GatewayError, wait: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.wait = wait  # seconds before another attempt may succeed; None when it cannot


async def _attempt(action: Action[Any, Any], ctx: ProviderContext, data: BaseModel) -> Any:
    try:
        result = await action.run(ctx, data)
    except PROVIDER_FAILURES as exc:
        wait = None
        if retryable(exc):
            wait = float(exc.retry_after) if isinstance(exc, RateLimited) else 0.0
        raise _Failed(failure_answer(exc, ctx.provider), wait) from None
    except GatewayError as exc:  # Unigate's own answer from ctx.http: a refresh failed or is under way elsewhere
        raise _Failed(exc, 0.0 if exc.status_code == 503 else None) from None
    except Exception as exc:
        error_id = log_unhandled(exc, f"action {action.name} of {ctx.provider}")
        message = (
            f"The action {action.name!r} failed with {type(exc).__name__}; the error was logged with error id "
            f"{error_id}"
        )
        raise _Failed(GatewayError(502, "action_script_failure", message), None) from None
    try:
        return output_json(action, result)
    except GatewayError as error:
        raise _Failed(error, None) from None


def backoff(retry: int) -> float:
    """Seconds before retry number ``retry`` (0 for the first)."""
    return float(min(BACKOFF_BASE * 2**retry, BACKOFF_CAP))


async def perform(
    action: Action[Any, Any],
    ctx: ProviderContext,
    data: BaseModel,
    max_retries: int = 0,
    *,
    sleep: Sleep = asyncio.sleep,
    on_attempt: OnAttempt | None = None,
) -> Outcome:
    """Run ``action`` once, and again up to ``max_retries`` times while it fails in a way a retry may fix."""
    attempt = 0
    while True:
        attempt += 1
        if on_attempt is not None:
            await on_attempt(attempt)
        try:
            return Outcome(attempt, output=await _attempt(action, ctx, data))
        except _Failed as failed:
            if failed.wait is None or attempt > max_retries or failed.wait > MAX_RATE_LIMIT_WAIT:
                return Outcome(attempt, error=failed.error)
            await sleep(max(backoff(attempt - 1), failed.wait))
