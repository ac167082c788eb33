"""Salesforce's error answers as API errors, and its rate limits.

Errors are a JSON list ``[{"message", "errorCode", "fields"?}]``: 401 ``INVALID_SESSION_ID`` (an expired session:
the gateway refreshes), 404 ``NOT_FOUND``, 400 ``MALFORMED_QUERY`` / ``INVALID_FIELD`` on a query, 400
``REQUIRED_FIELD_MISSING`` / ``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`` / ... on a write. Both the org's rolling
24-hour API budget (``TotalRequests Limit exceeded``) and the concurrent long-request limit (``ConcurrentPerOrg…``)
are 403 ``REQUEST_LIMIT_EXCEEDED`` without ``Retry-After``; every answer carries ``Sforce-Limit-Info:
api-usage=18/5000``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ProviderContext

DAILY_WAIT = 3600  # the budget is a rolling 24 hours: ask for an hour at least (more than any retry budget)
CONCURRENT_WAIT = 1  # the concurrent long-request limit frees as running requests end
USAGE = re.compile(r"api-usage=(\d+)/(\d+)")
GONE = frozenset({"NOT_FOUND", "ENTITY_IS_DELETED"})


def first_error(body: bytes | str) -> dict[str, Any]:
    """The first ``{message, errorCode, fields}`` of an error answer (``{}`` when it has none)."""
    try:
        found = json.loads(body or b"[]")
    except ValueError:
        return {}
    if isinstance(found, list) and found and isinstance(found[0], dict):
        return found[0]
    return found if isinstance(found, dict) else {}


def limit_wait(status: int, headers: Mapping[str, str], body: bytes) -> int | None:
    """Seconds to wait for a Salesforce rate-limit answer; None if the answer is not one."""
    error = first_error(body)
    if status != 403 or error.get("errorCode") != "REQUEST_LIMIT_EXCEEDED":
        return None
    usage = USAGE.search({k.lower(): v for k, v in headers.items()}.get("sforce-limit-info", ""))
    spent = usage is not None and int(usage.group(1)) >= int(usage.group(2))
    daily = spent or "TotalRequests" in str(error.get("message") or "")
    return DAILY_WAIT if daily else CONCURRENT_WAIT


def _code(body: Mapping[str, Any]) -> str:
    return str(body.get("errorCode") or "")


def _named(error: Mapping[str, Any]) -> str | None:
    """The Salesforce field a refusal names (``fields``, else the message's ``[Name]`` or ``field 'Name'``); a
    custom field as ``custom_fields.<name>``."""
    named = error.get("fields")
    name = str(named[0]) if isinstance(named, list) and named else None
    if name is None:
        found = re.search(r"\[(\w+)\]|(?:field|column)[: ]+'?(\w+)", str(error.get("message") or ""))
        name = (found.group(1) or found.group(2)) if found else None
    return f"custom_fields.{name}" if name and name.endswith("__c") else name


def _detail(error: Mapping[str, Any]) -> str | None:
    message = str(error.get("message") or "").strip()
    return f"{_code(error)}: {message}".strip(": ") if message or _code(error) else None


ERRORS = ErrorTable(
    rules=(
        ErrorRule(403, "rate_limited", lambda response, body: _code(body) == "REQUEST_LIMIT_EXCEEDED"),
        ErrorRule((400, 404), "not_found", lambda response, body: _code(body) in GONE),
        ErrorRule(400, "invalid_cursor", lambda response, body: _code(body) == "INVALID_QUERY_LOCATOR"),
        ErrorRule(400, "invalid_query", lambda response, body: response.request.method == "GET"),
        ErrorRule(400, "invalid"),
    ),
    field_of=_named,
    detail_of=_detail,
    read_body=lambda response: first_error(response.content),
    wait_of=lambda response, body: limit_wait(response.status_code, response.headers, response.content),
)


def check(
    ctx: ProviderContext, response: httpx.Response, operation: str, fields: Mapping[str, str] | None = None
) -> None:
    """Return for a success; raise the API error for a Salesforce error answer (``operation`` says what was done;
    ``fields`` maps Salesforce field names to unified ones)."""
    if response.status_code >= 400:
        raise (replace(ERRORS, fields=fields) if fields else ERRORS).error(ctx, response, operation)
