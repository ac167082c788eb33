"""What every Pipedrive resource shares: ids, the v2 cursor and v1 offset paging settings, errors, custom fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ListQuery, ProviderContext, ProviderError, format_time, paginate

V2_PAGING = {  # /api/v2 lists: ``cursor`` in, ``additional_data.next_cursor`` out, at most 500 a page
    "type": "cursor",
    "cursor_name_in_request": "cursor",
    "cursor_path_in_response": "additional_data.next_cursor",
    "limit_name_in_request": "limit",
    "response_path": "data",
    "max_page_size": 500,
}
V1_PAGING = {"max_page_size": 500}  # the catalog's offset paging (``start``/``limit``), capped like Pipedrive
CUSTOM_KEY = re.compile(r"^[0-9a-f]{40}$")  # Pipedrive names custom fields by a 40-hex-character key


def numeric_id(value: str, field: str = "id") -> str:
    """A Pipedrive id as sent (digits); 400 naming ``field`` for anything else."""
    if not value.isdigit():
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a Pipedrive id; send the numeric id, e.g. 42", field=field
        )
    return value


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET is a filter or cursor Pipedrive cannot serve, not a value it refuses."""
    return bool(response.request.method == "GET")


def _detail(body: Mapping[str, Any]) -> str | None:
    """Pipedrive's ``{success: false, error, error_info}``: the error, then its hint."""
    error, info = body.get("error"), body.get("error_info")
    text = str(error) if isinstance(error, str) and error else None
    return f"{text} ({info})" if text and isinstance(info, str) and info else text


ERRORS = ErrorTable(rules=(ErrorRule(400, "invalid_query", _reading), ErrorRule(400, "invalid")), detail_of=_detail)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a Pipedrive error answer; ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)


def data_of(ctx: ProviderContext, response: httpx.Response, operation: str) -> Any:
    """The ``data`` of a successful answer ``{success, data, additional_data}``."""
    check(ctx, response, operation)
    return response.json().get("data")


async def list_v2(
    ctx: ProviderContext, path: str, query: ListQuery, what: str, params: Mapping[str, str | None]
) -> tuple[list[dict[str, Any]], str | None]:
    """One cursor page of ``/v2{path}`` with the filters in ``params`` (None values left out)."""
    sent = {k: v for k, v in params.items() if v is not None}
    if query.modified_after is not None:
        sent["updated_since"] = since(query.modified_after)
    page = await paginate(
        ctx, f"/v2{path}", query, params=sent, override=V2_PAGING, operation=f"listing {what}", errors=ERRORS
    )
    return [item for item in page.items if isinstance(item, dict)], page.next_cursor


async def list_v1(
    ctx: ProviderContext, path: str, query: ListQuery, what: str, params: Mapping[str, str | None]
) -> tuple[list[dict[str, Any]], str | None]:
    """One offset page (``start``/``limit``) of ``/v1{path}``."""
    sent = {k: v for k, v in params.items() if v is not None}
    page = await paginate(
        ctx, f"/v1{path}", query, params=sent, override=V1_PAGING, operation=f"listing {what}", errors=ERRORS
    )
    return [item for item in page.items if isinstance(item, dict)], page.next_cursor


def since(value: datetime) -> str:
    """``updated_since`` as Pipedrive reads it (RFC 3339, UTC, no fraction)."""
    return format_time(value.replace(microsecond=0))


def custom_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The custom fields of an object: v2's ``custom_fields`` map, or v1's top-level 40-hex keys."""
    found = {k: v for k, v in item.items() if CUSTOM_KEY.match(k)}
    nested = item.get("custom_fields")
    if isinstance(nested, dict):
        found.update(nested)
    return found


def custom_written(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``custom_fields`` of a v2 body; 400 for a name that is not a Pipedrive field key."""
    for name in values:
        if not CUSTOM_KEY.match(name):
            message = (
                f"custom_fields.{name}: not a Pipedrive field key; use the 40-hex-character key (/v1/personFields)"
            )
            raise ProviderError(400, "invalid_custom_field", message, field="custom_fields")
    return dict(values)


def ref(value: Any) -> str | None:
    """An id from a v2 ``owner_id: 7`` or a v1 ``owner_id: {"id": 7, ...}``."""
    if isinstance(value, dict):
        value = value.get("id") if "id" in value else value.get("value")
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def as_int(value: str | None, field: str) -> int | None:
    return None if value is None else int(numeric_id(value, field))
