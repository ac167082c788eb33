"""One API call described once, for the sync and the async client: method, path, query, body, and how to read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict

from unified_models import FieldWarning, Page

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Call(Generic[T]):
    """A request to make and the function turning its (successful) response into the caller's value."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


def segment(value: str) -> str:
    """An id for a path: ``/`` kept (ids like ``owner/repo#42`` span segments), ``#``, ``?`` and ``%`` encoded."""
    return quote(value, safe="/:@")


@cache
def lenient(model: type[M]) -> type[M]:
    """``model`` accepting fields it does not declare (a newer server's, a plugin's), kept in ``model_extra``.

    Unified models refuse unknown fields, which is right for inputs; answers are read with this subclass, so an
    instance is still a ``Ticket`` (``isinstance`` holds) and a plugin's extra fields stay readable.
    """
    config = ConfigDict(**{**model.model_config, "extra": "allow"})
    return type(model.__name__, (model,), {"model_config": config, "__module__": model.__module__})


def body(model: BaseModel) -> Any:
    """A write model as JSON: only the fields set, so an update changes only what the caller gave."""
    return model.model_dump(mode="json", exclude_unset=True)


def query(filters: Mapping[str, Any]) -> dict[str, Any]:
    """List filters as query parameters: None left out, booleans as ``true``/``false``, enums by value."""
    out: dict[str, Any] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        out[name] = value
    return out


def json_of(response: httpx.Response) -> Any:
    return response.json()


def data_of(model: type[M]) -> Callable[[httpx.Response], M]:
    """Read ``{"data": {...}}`` as ``model``."""
    read = lenient(model)
    return lambda response: read.model_validate(response.json()["data"])


def page_of(model: type[M]) -> Callable[[httpx.Response], Page[M]]:
    """Read ``{"data": [...], "next_cursor", "warnings"?}`` as a ``Page`` of ``model``."""
    read = lenient(model)

    def parse(response: httpx.Response) -> Page[M]:
        answer = response.json()
        items = [read.model_validate(item) for item in answer["data"]]
        warnings = [FieldWarning.model_validate(w) for w in answer.get("warnings", [])]
        page: Page[M] = Page.model_construct(data=items, next_cursor=answer.get("next_cursor"), warnings=warnings)
        return page

    return parse


def nothing(response: httpx.Response) -> None:
    return None
