"""Errors the API answers with, rendered as ``{"error": {"code", "message"}}``.

``GatewayError`` is the one exception routes raise; it carries the HTTP status, a snake_case code kept from
Nango's API where Nango has one, and a message that names the field at fault and how to fix it. Validation
failures add ``errors``: ``[{"code", "message", "path"}]``. Messages never contain secrets.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.responses import JSONResponse


class GatewayError(Exception):
    """An error the caller can act on: a 4xx for the request, 424 for a connection that needs re-authorising."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            error["errors"] = self.errors
        return {"error": error}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status_code, headers=self.headers)


def not_found(code: str, message: str) -> GatewayError:
    return GatewayError(404, code, message)


def _path_text(path: list[str | int]) -> str:
    return ".".join(str(p) for p in path) or "(body)"


_FIXES = {
    "missing": "add it",
    "extra_forbidden": "remove it; it is not a field of this request",
    "string_type": "send a string",
    "int_type": "send an integer",
    "int_parsing": "send an integer",
    "bool_type": "send true or false",
    "bool_parsing": "send true or false",
    "dict_type": "send a JSON object",
    "list_type": "send a JSON array",
    "model_type": "send a JSON object",
    "model_attributes_type": "send a JSON object",
}


def validation_error(exc: ValidationError, where: str) -> GatewayError:
    """Turn a pydantic error into 400 ``invalid_<where>`` whose message names each field and its fix."""
    errors: list[dict[str, Any]] = []
    sentences: list[str] = []
    for item in exc.errors(include_url=False, include_input=False):
        path = [p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = str(item["msg"])
        fix = _FIXES.get(item["type"])
        errors.append({"code": item["type"], "message": message, "path": path})
        sentences.append(f"{_path_text(path)}: {message}" + (f" ({fix})" if fix else ""))
    label = {"body": "request body", "query_params": "query string", "headers": "headers"}.get(where, where)
    return GatewayError(400, f"invalid_{where}", f"Invalid {label}: " + "; ".join(sentences), errors=errors)
