"""Running the REST API's own handlers from a dashboard page, so validation, storage and side effects are the
API's: the handler gets the page's request with the path parameters it expects and the validated models."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from gateway.api.endpoint import Call, Handler, NoInput
from gateway.errors import GatewayError, validation_error


def model(cls: type[BaseModel], data: dict[str, Any], where: str = "body") -> Any:
    """``data`` validated as the API validates it: a ``GatewayError`` with the API's message when it is wrong."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, where) from None


async def call_api(
    request: Request,
    handler: Handler,
    *,
    body: BaseModel | None = None,
    query: BaseModel | None = None,
    path: dict[str, str] | None = None,
) -> Any:
    """The handler's JSON answer; its errors are raised as ``GatewayError`` like the API's."""
    scope = {**request.scope, "path_params": path or {}}
    response = await handler(Call(Request(scope, request.receive), body or NoInput(), query or NoInput()))
    if response.status_code >= 400:
        raise GatewayError(response.status_code, "api_error", bytes(response.body).decode(errors="replace"))
    return orjson.loads(bytes(response.body)) if response.body else None
