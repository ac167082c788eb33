"""Token-endpoint requests as the catalog describes them: code exchange, refresh and client credentials.

The catalog decides the URL (``token_url``, ``refresh_url``), the HTTP method, the body format (form or JSON),
where the client credentials go (body, or HTTP Basic with ``token_request_auth_method: basic``), extra
parameters and headers, and where the access token sits in the answer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx

from gateway.catalog.safe_urls import render_text, render_url
from gateway.catalog.templates import TemplateError, Variable
from gateway.store.types import utcnow
from gateway.upstream.guarded import ForbiddenHostError


class TokenError(Exception):
    """The token endpoint refused or failed; ``rejected`` means the provider said no (e.g. invalid_grant)."""

    def __init__(self, message: str, *, rejected: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.rejected = rejected
        self.code = code


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class TokenResult:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    raw: dict[str, Any]


def _config_lookup(connection_config: Mapping[str, Any], client: ClientCredentials | None) -> Any:
    def lookup(variable: Variable) -> str | None:
        if variable.root == "connectionConfig":
            value = connection_config.get(variable.key or "")
            return None if value in (None, "") else str(value)
        if client is not None and variable.root in ("clientId", "clientSecret"):
            return client.client_id if variable.root == "clientId" else client.client_secret
        return None

    return lookup


def token_endpoint(entry: Mapping[str, Any], connection_config: Mapping[str, Any], refresh: bool = False) -> str:
    url = entry.get("refresh_url") if refresh and entry.get("refresh_url") else entry.get("token_url")
    if isinstance(url, Mapping):
        url = url.get(str(entry.get("auth_mode"))) or next(iter(url.values()), None)
    if not url:
        raise TokenError("the catalog entry has no token_url", rejected=False)
    return render_url(str(url), _config_lookup(connection_config, None))


def _dig(data: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    for part in (path or "").split("."):
        if part and isinstance(data.get(part), Mapping):
            data = data[part]
    return data


def parse_token_response(entry: Mapping[str, Any], response: httpx.Response) -> TokenResult:
    text = response.text
    try:
        data: Any = response.json()
    except (json.JSONDecodeError, ValueError):
        data = dict(parse_qsl(text))
    if not isinstance(data, dict):
        raise TokenError(f"token endpoint answered {response.status_code} with an unreadable body", rejected=False)
    if response.status_code >= 400 or "error" in data:
        code = str(data.get("error") or response.status_code)
        description = str(data.get("error_description") or "")[:200]
        rejected = 400 <= response.status_code < 500 or "error" in data
        raise TokenError(f"token endpoint refused: {code} {description}".strip(), rejected=rejected, code=code)
    source = _dig(data, entry.get("alternate_access_token_response_path"))
    token = source.get("access_token")
    if not token:
        raise TokenError("token endpoint answered without an access_token", rejected=False)
    expires_at = None
    lifetime = source.get("expires_in") or data.get("expires_in")
    if lifetime not in (None, ""):
        seconds = float(lifetime) / (1000 if entry.get("expires_in_unit") == "milliseconds" else 1)
        expires_at = utcnow() + timedelta(seconds=seconds)
    elif entry.get("token_expires_in_ms"):
        expires_at = utcnow() + timedelta(milliseconds=int(entry["token_expires_in_ms"]))
    refresh = source.get("refresh_token") or data.get("refresh_token")
    return TokenResult(str(token), str(refresh) if refresh else None, expires_at, data)


async def request_token(
    http: httpx.AsyncClient,
    entry: Mapping[str, Any],
    client: ClientCredentials,
    params: Mapping[str, str],
    connection_config: Mapping[str, Any],
    refresh: bool = False,
) -> TokenResult:
    """POST (or the catalog's method) to the token endpoint with ``params`` plus the catalog's extras."""
    lookup = _config_lookup(connection_config, client)
    extra = entry.get("refresh_params") if refresh and entry.get("refresh_params") else entry.get("token_params")
    try:
        body: dict[str, str] = {k: render_text(str(v), lookup) for k, v in (extra or {}).items()}
        headers = {k: render_text(str(v), lookup) for k, v in (entry.get("token_headers") or {}).items()}
        url = token_endpoint(entry, connection_config, refresh)
    except TemplateError as exc:
        raise TokenError(f"cannot build the token request: {exc}", rejected=False) from None
    body.update(params)
    headers.setdefault("accept", "application/json")
    if entry.get("token_request_auth_method") == "basic" or entry.get("authorization_method") == "header":
        pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
        headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    else:
        body.update({"client_id": client.client_id, "client_secret": client.client_secret})
    method = str(entry.get("token_request_method") or "POST")
    try:
        if method == "GET" or entry.get("body_format") == "query":
            response = await http.request(method, url, params=body, headers=headers)
        elif entry.get("body_format") == "json":
            response = await http.request(method, url, json=body, headers=headers)
        else:
            response = await http.request(method, url, data=body, headers=headers)
    except ForbiddenHostError:
        raise
    except httpx.HTTPError as exc:
        raise TokenError(f"token endpoint unreachable: {type(exc).__name__}", rejected=False) from None
    return parse_token_response(entry, response)


def metadata_from_response(entry: Mapping[str, Any], raw: Mapping[str, Any], refresh: bool = False) -> dict[str, Any]:
    """Token-response fields the catalog copies into ``connection_config`` (e.g. ``instance_url``)."""
    keys = entry.get("refresh_token_response_metadata" if refresh else "token_response_metadata") or []
    found: dict[str, Any] = {}
    for key in keys:
        value: Any = raw
        for part in str(key).split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            found[str(key).split(".")[-1]] = value
    return found
