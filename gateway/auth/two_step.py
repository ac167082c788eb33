"""TWO_STEP mode: the end user's credentials are exchanged for a token by one or more requests.

The first request is the entry's own ``token_url``, ``token_params``, ``token_headers``, ``body_format`` and
``token_request_method``; each of ``additional_steps`` is another such request whose templates may read earlier
answers as ``${step1.x}``, ``${step2.x}``... The last answer holds the token at the ``token_response`` paths
(``token``, ``token_expiration`` with ``expireIn`` seconds or an ``expireAt`` date, ``refresh_token``); without an
expiration, ``token_expires_in_ms`` gives the lifetime. Refreshing repeats the exchange, or, when the entry has
``refresh_token_params`` and a refresh token is stored, sends those to ``refresh_url`` first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx

from gateway.auth.fields import mode_lookup
from gateway.auth.tokens import TokenError, metadata_from_response
from gateway.catalog.safe_urls import render_header, render_text, render_url
from gateway.catalog.templates import Lookup, TemplateError
from gateway.store.types import utcnow
from gateway.upstream.guarded import ForbiddenHostError


@dataclass(frozen=True)
class Exchanged:
    credentials: dict[str, Any]
    expires_at: datetime | None
    metadata: dict[str, Any]


def _path(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, Mapping) else None
    return data


async def _request(http: httpx.AsyncClient, step: Mapping[str, Any], lookup: Lookup, refresh: bool) -> dict[str, Any]:
    url_spec = (step.get("refresh_url") if refresh else None) or step.get("token_url") or ""
    params_spec = (step.get("refresh_token_params") if refresh else step.get("token_params")) or {}
    headers_spec = (step.get("refresh_token_headers") if refresh else None) or step.get("token_headers") or {}
    try:
        url = render_url(str(url_spec), lookup)
        params = {str(k): render_text(str(v), lookup) for k, v in params_spec.items()}
        headers = {str(k).lower(): render_header(str(v), lookup) for k, v in headers_spec.items()}
    except TemplateError as exc:  # a refused value is quoted in the message: never one of the credentials
        private = (exc.variable or "").startswith(("credentials", "step", "refresh_token"))
        reason = f"{exc.variable} is missing or cannot be used in the request" if private else str(exc)
        raise TokenError(f"cannot build the token request: {reason}", rejected=True) from None
    headers.setdefault("accept", "application/json")
    method = "POST" if refresh else str(step.get("token_request_method") or "POST").upper()
    body_format = str(step.get("body_format") or "form")
    try:
        if method == "GET" or body_format == "query":
            response = await http.request(method, url, params=params or None, headers=headers)
        elif body_format == "json":
            response = await http.request(method, url, json=params, headers=headers)
        elif body_format == "form":
            response = await http.request(method, url, data=params, headers=headers)
        else:
            raise TokenError(f"body_format {body_format} is not supported", rejected=False)
    except ForbiddenHostError:
        raise
    except httpx.HTTPError as exc:
        raise TokenError(f"token endpoint unreachable: {type(exc).__name__}", rejected=False) from None
    if response.status_code >= 400:
        raise TokenError(f"token endpoint refused: HTTP {response.status_code}", rejected=response.status_code < 500)
    try:
        data: Any = response.json()
    except (json.JSONDecodeError, ValueError):
        data = dict(parse_qsl(response.text))
    if not isinstance(data, dict):
        raise TokenError(f"token endpoint answered {response.status_code} with an unreadable body", rejected=False)
    return data


def _expiry(entry: Mapping[str, Any], answer: Mapping[str, Any]) -> datetime | None:
    spec: Mapping[str, Any] = entry.get("token_response") or {}
    value = _path(answer, str(spec["token_expiration"])) if spec.get("token_expiration") else None
    if value in (None, ""):
        lifetime = entry.get("token_expires_in_ms")
        return utcnow() + timedelta(milliseconds=int(lifetime)) if lifetime else None
    try:
        if spec.get("token_expiration_strategy") == "expireAt":
            if isinstance(value, int | float) or str(value).isdigit():
                seconds = float(value)
                return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)
            moment = datetime.fromisoformat(str(value))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return utcnow() + timedelta(seconds=float(value))
    except (TypeError, ValueError, OverflowError):
        raise TokenError("the token's expiration in the answer cannot be read", rejected=False) from None


def _result(entry: Mapping[str, Any], fields: Mapping[str, Any], answer: dict[str, Any]) -> Exchanged:
    spec: Mapping[str, Any] = entry.get("token_response") or {}
    token = _path(answer, str(spec.get("token") or "token"))
    if token in (None, "") or isinstance(token, Mapping | list):
        raise TokenError(f"the answer has no token at {spec.get('token') or 'token'}", rejected=True)
    expires_at = _expiry(entry, answer)
    credentials: dict[str, Any] = {**fields, "type": "TWO_STEP", "token": str(token), "raw": answer}
    refresh = _path(answer, str(spec["refresh_token"])) if spec.get("refresh_token") else None
    if refresh:
        credentials["refresh_token"] = str(refresh)
    credentials.pop("expires_at", None)
    if expires_at is not None:
        credentials["expires_at"] = expires_at.isoformat()
    return Exchanged(credentials, expires_at, metadata_from_response(entry, answer))


async def exchange(
    http: httpx.AsyncClient, entry: Mapping[str, Any], fields: Mapping[str, Any], config: Mapping[str, Any]
) -> Exchanged:
    """Run the token request and its additional steps; ``TokenError`` when the provider refuses."""
    if entry.get("assertion") or entry.get("token"):
        raise TokenError("client assertions in TWO_STEP entries are not supported yet", rejected=False)
    steps: dict[str, Any] = {}
    answer: dict[str, Any] = {}
    for number, step in enumerate([entry, *(entry.get("additional_steps") or [])], start=1):
        answer = await _request(http, step, mode_lookup(fields, config, steps), refresh=False)
        steps[f"step{number}"] = answer
    credentials = {k: v for k, v in fields.items() if k not in ("token", "refresh_token", "raw", "type")}
    return _result(entry, credentials, answer)


async def refresh(
    http: httpx.AsyncClient, entry: Mapping[str, Any], stored: Mapping[str, Any], config: Mapping[str, Any]
) -> Exchanged:
    """A new token: with the refresh token when the entry has ``refresh_token_params``, else a new exchange."""
    if entry.get("refresh_token_params") and stored.get("refresh_token"):
        lookup = mode_lookup(stored, config, {"refresh_token": stored["refresh_token"]})
        try:
            answer = await _request(http, entry, lookup, refresh=True)
            result = _result(entry, stored, answer)
            if "refresh_token" not in result.credentials:  # not rotated: the old one stays valid
                result.credentials["refresh_token"] = stored["refresh_token"]
            return result
        except TokenError as exc:
            if not exc.rejected:
                raise
    return await exchange(http, entry, stored, config)
