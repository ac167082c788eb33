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
from typing import Any

import httpx

from gateway.provider import (
    ProviderContext,
    ProviderError,
    RateLimited,
    UpstreamFailure,
    UpstreamUnauthorized,
    UpstreamUnavailable,
)

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


def _named(error: Mapping[str, Any], fields: Mapping[str, str]) -> str | None:
    """The unified field a refusal names: a mapped field's, else ``custom_fields.<name>`` for a custom one."""
    named = error.get("fields")
    name = str(named[0]) if isinstance(named, list) and named else None
    if name is None:
        found = re.search(r"\[(\w+)\]|(?:field|column)[: ]+'?(\w+)", str(error.get("message") or ""))
        name = (found.group(1) or found.group(2)) if found else None
    if name is None:
        return None
    return fields.get(name) or (f"custom_fields.{name}" if name.endswith("__c") else None)


def failure(
    ctx: ProviderContext, response: httpx.Response, operation: str, fields: Mapping[str, str] | None = None
) -> Exception:
    """The exception for a failed Salesforce answer; ``fields`` maps Salesforce field names to unified ones."""
    status = response.status_code
    error = first_error(response.content)
    code = str(error.get("errorCode") or "")
    detail = str(error.get("message") or response.reason_phrase or "no detail").strip()
    said = f"Salesforce answered {status} {code}: {detail}".replace(" :", ":")
    wait = limit_wait(status, response.headers, response.content)
    if wait is not None:
        return RateLimited(ctx.provider, f"{operation}: Salesforce's API request limit was reached ({detail})", wait)
    if status == 401:
        return UpstreamUnauthorized(ctx.provider, f"{operation}: Salesforce refused the connection's session")
    if status == 403:
        return ProviderError(403, "forbidden", f"{operation}: Salesforce does not let the connection do this ({said})")
    if status == 404 or code in GONE:
        return ProviderError(404, "not_found", f"{operation}: Salesforce has no such record, or the user cannot see it")
    if code == "INVALID_QUERY_LOCATOR":
        message = f"{operation}: the cursor's Salesforce query expired; start the list again without a cursor"
        return ProviderError(400, "invalid_cursor", message, field="cursor")
    if status == 400 and response.request.method == "GET":
        return ProviderError(400, "invalid_query_params", f"{operation}: Salesforce refused the query ({detail})")
    if status in (400, 409, 422):
        unified = _named(error, fields or {})
        prefix = f"{unified}: " if unified else ""
        return ProviderError(422, "invalid_request", f"{prefix}{operation}: {said}", field=unified)
    kind = UpstreamUnavailable if status >= 500 else UpstreamFailure
    return kind(ctx.provider, f"{operation}: {said}")


def check(
    ctx: ProviderContext, response: httpx.Response, operation: str, fields: Mapping[str, str] | None = None
) -> None:
    """Return for a success; raise the API error for a Salesforce error answer (``operation`` says what was done)."""
    if response.status_code >= 400:
        raise failure(ctx, response, operation, fields)
