"""JSON responses and the envelope models shared by the routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import JSONResponse


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(value).__name__}")


class Json(JSONResponse):
    """A JSON response that also serialises datetimes (ISO-8601, UTC ``Z``) and pydantic models."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


class Success(BaseModel):
    success: bool = True


def success() -> Json:
    return Json({"success": True})
