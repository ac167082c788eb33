"""Provider error answers mapped to API errors once: defaults for every provider, plus each plugin's overrides.

``raise_for_answer(ctx, response, "getting issue o/r#1", table)`` returns for a success and raises otherwise:

=====================  ==============================================================================
401                    ``UpstreamUnauthorized`` (502 ``upstream_unauthorized``: the user must reconnect)
403                    403 ``forbidden``
404                    404 ``not_found``
409, 422               422 ``invalid_request``, naming the unified field when the table can tell it
429                    ``RateLimited`` (429 ``rate_limited`` with ``Retry-After``)
other 4xx, 5xx         502 ``upstream_error``
=====================  ==============================================================================

An ``ErrorRule`` overrides a status (optionally only when its predicate holds on the answer), first match wins; a
rule may also make an answer ``rate_limited`` (Salesforce's 403 ``REQUEST_LIMIT_EXCEEDED``) or ``invalid_cursor``
(400: the provider forgot the list a cursor continues). ``read_body`` finds the error object of an answer whose
body is not one (Salesforce answers a list of errors), ``wait_of`` the wait of a rate limit that the headers do not
give. Messages start with the operation and name the provider (its catalog display name).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx

from gateway.provider.contract import ProviderContext
from gateway.provider.failures import RateLimited, UpstreamFailure, UpstreamUnauthorized, UpstreamUnavailable
from gateway.provider.refusals import ProviderError
from gateway.provider.times import parse_time

Kind = Literal[
    "unauthorized", "forbidden", "not_found", "invalid", "invalid_query", "invalid_cursor", "rate_limited", "upstream"
]
Predicate = Callable[[httpx.Response, Mapping[str, Any]], bool]
DEFAULT_RETRY_AFTER = 60


@dataclass(frozen=True)
class ErrorRule:
    """Answers with ``status`` (one or several) become ``kind`` when ``when(response, body)`` holds (or always)."""

    status: int | Collection[int]
    kind: Kind
    when: Predicate | None = None

    def matches(self, response: httpx.Response, body: Mapping[str, Any]) -> bool:
        statuses = (self.status,) if isinstance(self.status, int) else self.status
        return response.status_code in statuses and (self.when is None or self.when(response, body))


def default_kind(status: int) -> Kind:
    """The default table: what each status means when no rule says otherwise."""
    kinds: dict[int, Kind] = {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "invalid", 422: "invalid"}
    return "rate_limited" if status == 429 else kinds.get(status, "upstream")


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a provider's error answer; ``{}`` when the answer has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def default_detail(body: Mapping[str, Any]) -> str | None:
    """The provider's own error text: ``message``, ``error_description`` or ``error`` when it is text."""
    for key in ("message", "error_description", "error", "detail", "title"):
        if isinstance(body.get(key), str) and body[key]:
            return str(body[key])
    return None


@dataclass(frozen=True)
class ErrorTable:
    """One provider's error mapping: ``rules`` before the defaults; ``field_of`` finds the provider field a refusal
    names in the body, ``fields`` maps it to the unified field; ``detail_of`` finds the provider's message."""

    rules: tuple[ErrorRule, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)
    field_of: Callable[[Mapping[str, Any]], str | None] = lambda body: None
    detail_of: Callable[[Mapping[str, Any]], str | None] = default_detail
    read_body: Callable[[httpx.Response], Mapping[str, Any]] = body_of
    wait_of: Callable[[httpx.Response, Mapping[str, Any]], int | None] = lambda response, body: None

    def kind(self, response: httpx.Response, body: Mapping[str, Any]) -> Kind:
        rule = next((r for r in self.rules if r.matches(response, body)), None)
        return rule.kind if rule else default_kind(response.status_code)

    def error(self, ctx: ProviderContext, response: httpx.Response, operation: str) -> Exception:
        """The exception for a failed answer (status 400 or more)."""
        body = self.read_body(response)
        name = str(ctx.catalog_entry.get("display_name") or ctx.provider)
        status = response.status_code
        detail = self.detail_of(body) or response.reason_phrase or "no detail"
        said = f"{name} answered {status}: {detail}"
        kind = self.kind(response, body)
        if kind == "unauthorized":
            return UpstreamUnauthorized(ctx.provider, f"{operation}: {name} refused the connection's credentials")
        if kind == "forbidden":
            return ProviderError(403, "forbidden", f"{operation}: {name} does not let the connection do this ({said})")
        if kind == "not_found":
            unseen = "has no such object, or the connection cannot see it"
            return ProviderError(404, "not_found", f"{operation}: {name} {unseen}")
        if kind == "invalid":
            named = self.field_of(body)
            unified = self.fields.get(named, named) if named else None
            prefix = f"{unified}: " if unified else ""
            return ProviderError(422, "invalid_request", f"{prefix}{operation}: {said}", field=unified)
        if kind == "invalid_query":
            return ProviderError(400, "invalid_query_params", f"{operation}: {name} refused the query ({detail})")
        if kind == "invalid_cursor":
            message = f"{operation}: {name} no longer has the list this cursor continues; start again without one"
            return ProviderError(400, "invalid_cursor", message, field="cursor")
        if kind == "rate_limited":
            wait = self.wait_of(response, body) or retry_after(ctx, response)
            reason = f" ({given})" if (given := self.detail_of(body)) else ""
            return RateLimited(ctx.provider, f"{operation}: {name} rate limit reached{reason}; retry in {wait} s", wait)
        failure = UpstreamUnavailable if status >= 500 else UpstreamFailure  # same answer; a 5xx may pass on retry
        return failure(ctx.provider, f"{operation}: {said}")

    def check(self, ctx: ProviderContext, response: httpx.Response, operation: str) -> None:
        """Return for a success; raise the mapped error for a failed answer."""
        if response.status_code >= 400:
            raise self.error(ctx, response, operation)


DEFAULT_TABLE = ErrorTable()


def raise_for_answer(
    ctx: ProviderContext, response: httpx.Response, operation: str, table: ErrorTable = DEFAULT_TABLE
) -> None:
    """Return for a success; raise what ``table`` maps the failed answer to (see the module's table)."""
    table.check(ctx, response, operation)


def retry_after(ctx: ProviderContext, response: httpx.Response) -> int:
    """Seconds to wait: ``Retry-After`` (or the catalog's ``retry.after`` headers; seconds or an HTTP-date, as
    Attio sends), else the reset time of the catalog's ``retry.at`` headers (epoch s/ms or a date), else a minute."""
    retry = (ctx.catalog_entry.get("proxy") or {}).get("retry") or {}
    for header in ("retry-after", *retry.get("after", ())):
        value = response.headers.get(header, "").strip()
        if value.isdigit():
            return max(int(value), 1)
        try:
            moment = parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return max(math.ceil(moment.timestamp() - time.time()), 1)
    for header in retry.get("at", ()):
        try:
            reset = parse_time(response.headers.get(header))
        except ValueError:
            continue
        if reset is not None:
            return max(int(reset.timestamp() - time.time()) + 1, 1)
    return DEFAULT_RETRY_AFTER
