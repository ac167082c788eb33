"""Declaring an API route once: its method, path, auth, input and output models.

``Endpoint`` turns a handler into a Starlette route that checks the secret key, reads and validates the query
string and the JSON body against pydantic models (bad input becomes a 400 naming the field), and keeps the
models so ``gateway.api.openapi`` can describe the route.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.api.json_body import parse_json
from gateway.errors import GatewayError, validation_error

BodyT = TypeVar("BodyT", bound=BaseModel)
QueryT = TypeVar("QueryT", bound=BaseModel)
CONVERTER = re.compile(r"{([^}:]+):[^}]+}")


def documented_path(path: str) -> str:
    """A path as OpenAPI writes it, without Starlette converters: ``/tickets/{id:path}`` -> ``/tickets/{id}``."""
    return CONVERTER.sub(r"{\1}", path)


class NoInput(BaseModel):
    """An endpoint that takes no body or no query parameters."""


@dataclass
class Call(Generic[BodyT, QueryT]):
    """What a handler receives: the raw request plus its validated body and query."""

    request: Request
    body: BodyT
    query: QueryT

    @property
    def path(self) -> dict[str, Any]:
        return self.request.path_params


Handler = Callable[[Call[Any, Any]], Awaitable[Response]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    public: bool = False
    errors: Sequence[int] = field(default_factory=tuple)
    description: str = ""
    headers: Sequence[tuple[str, str]] = ()  # request headers the route requires: (name, description)
    html: bool = False  # answers (errors included) are HTML pages for a browser, not JSON
    accepted: type[BaseModel] | None = None  # the body of a 202 the route may answer instead (work goes on)

    @property
    def documented_path(self) -> str:
        return documented_path(self.path)

    def route(self) -> Route:
        return Route(self.path, self._serve, methods=[self.method], name=self.handler.__name__)

    async def _serve(self, request: Request) -> Response:
        if not self.public:
            await request.app.state.gateway.api_keys.authenticate(request)
        if _has_nul(dict(request.path_params)) or _has_nul(request.query_params.multi_items()):
            raise GatewayError(400, "invalid_uri_params", "The URL contains a NUL character (%00); remove it")
        query = _validate_query(self.query, request) if self.query else NoInput()
        body = await read_json(request, self.body) if self.body else NoInput()
        return await self.handler(Call(request, body, query))


def _validate_query(model: type[QueryT], request: Request) -> QueryT:
    params: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise validation_error(exc, "query_params") from None


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 once it passes ``UNIGATE_MAX_BODY_BYTES``."""
    limit: int = request.app.state.gateway.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> GatewayError:
    return GatewayError(
        413,
        "payload_too_large",
        f"Request body is larger than {limit} bytes; send less or raise UNIGATE_MAX_BODY_BYTES",
    )


def _has_nul(value: Any) -> bool:
    """Whether any string or key holds U+0000, which PostgreSQL cannot store in text."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


async def read_json(request: Request, model: type[BodyT]) -> BodyT:
    """The body validated against ``model``; JSON that cannot be stored is refused first (``api.json_body``)."""
    raw = await read_body(request)
    if not raw.strip():
        raise GatewayError(400, "invalid_body", "Request body is empty; send a JSON object")
    data = parse_json(raw)
    if not isinstance(data, dict):
        kind = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(data), "null")
        raise GatewayError(400, "invalid_body", f"Request body is a JSON {kind}; send a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, "body") from None
