"""What every HubSpot resource shares: ids, the error table and the rate-limit reading.

HubSpot's errors are ``{"status": "error", "message", "correlationId", "category", "errors": [{"message", "code",
"context": {"propertyName": [...]}}]}``; rate limits are 429 with ``policyName`` (``SECONDLY``,
``TEN_SECONDLY_ROLLING``, ``DAILY``) and ``X-HubSpot-RateLimit-*`` headers, without ``Retry-After``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from gateway.provider import ErrorRule, ErrorTable, ProviderContext, ProviderError, RateLimited, body_of

CRM = "/crm/v3/objects"
MAX_PAGE = 100  # the objects API refuses a ``limit`` above 100
MAX_SEARCH_PAGE = 200  # the search API's cap
FIELDS = {  # HubSpot property (as named in a refusal) -> unified field
    "firstname": "first_name",
    "lastname": "last_name",
    "jobtitle": "title",
    "email": "email_addresses",
    "phone": "phone_numbers",
    "mobilephone": "phone_numbers",
    "address": "addresses",
    "city": "addresses",
    "state": "addresses",
    "zip": "addresses",
    "country": "addresses",
    "hubspot_owner_id": "owner",
    "name": "name",
    "domain": "domain",
    "website": "website",
    "industry": "industry",
    "description": "description",
    "numberofemployees": "number_of_employees",
    "dealname": "name",
    "amount": "amount",
    "deal_currency_code": "currency",
    "pipeline": "pipeline",
    "dealstage": "stage",
    "closedate": "close_date",
    "hs_note_body": "content",
    "hs_task_subject": "subject",
    "hs_task_body": "content",
    "hs_task_status": "status",
    "hs_timestamp": "due_at",
}
WAITS = {"SECONDLY": 1, "TEN_SECONDLY_ROLLING": 10}  # seconds until a spent policy's window has passed
DAILY_WAIT = 3600  # the daily budget resets at midnight in the account's time zone: ask for an hour at least


def numeric_id(value: str, field: str = "id") -> str:
    """A HubSpot object id as sent (digits); 400 naming ``field`` for anything else."""
    if not value.isdigit():
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a HubSpot id; send the numeric id, e.g. 51", field=field
        )
    return value


def property_of(body: Mapping[str, Any]) -> str | None:
    """The first property a refusal names: ``errors[].context.propertyName``, or ``message``'s embedded list."""
    for error in body.get("errors") or []:
        names = ((error or {}).get("context") or {}).get("propertyName") if isinstance(error, dict) else None
        if isinstance(names, list) and names:
            return str(names[0])
    message = body.get("message")
    if isinstance(message, str) and "[" in message:
        try:
            embedded = json.loads(message[message.index("[") :])
        except ValueError:
            return None
        first = embedded[0] if isinstance(embedded, list) and embedded else {}
        if isinstance(first, dict) and first.get("name"):
            return str(first["name"])
    return None


def _reading(response: httpx.Response, body: Mapping[str, Any]) -> bool:
    """A refused GET or search is a filter or cursor HubSpot cannot serve, not a value it refuses."""
    return response.request.method == "GET" or response.request.url.path.endswith("/search")


class HubSpotErrors(ErrorTable):
    """The kit's table, with the wait of a rate limit read from HubSpot's policy (it sends no ``Retry-After``)."""

    def error(self, ctx: ProviderContext, response: httpx.Response, operation: str) -> Exception:
        body = body_of(response)
        wait = rate_limit_wait(response.status_code, response.headers, body)
        if wait is None:
            return super().error(ctx, response, operation)
        policy = body.get("policyName") or "a"
        return RateLimited(
            ctx.provider, f"{operation}: HubSpot's {policy} rate limit was reached; retry in {wait} s", wait
        )


def rate_limit_wait(status: int, headers: Mapping[str, str], body: Mapping[str, Any]) -> int | None:
    """Seconds to wait for a HubSpot rate-limit answer (None if the answer is not one)."""
    if status != 429:
        return None
    policy = str(body.get("policyName") or "")
    if policy == "DAILY":
        return DAILY_WAIT
    interval = {k.lower(): v for k, v in headers.items()}.get("x-hubspot-ratelimit-interval-milliseconds", "")
    if policy in WAITS:
        return WAITS[policy]
    return max(int(interval) // 1000, 1) if interval.isdigit() else WAITS["TEN_SECONDLY_ROLLING"]


def unified_field(body: Mapping[str, Any]) -> str | None:
    """The unified field a refusal concerns: a mapped property's field, else ``custom_fields.<property>``."""
    name = property_of(body)
    return None if name is None else FIELDS.get(name, f"custom_fields.{name}")


ERRORS = HubSpotErrors(
    rules=(ErrorRule(400, "invalid_query", _reading), ErrorRule(400, "invalid")),
    field_of=unified_field,
)


def check(ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
    """Raise the API error for a HubSpot error answer (see ``ERRORS``); ``operation`` says what was done."""
    ERRORS.check(ctx, response, operation)
