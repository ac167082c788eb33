"""Applying a connection's credentials to upstream requests, as the catalog entry says.

The base URL comes from ``proxy.base_url`` (with the connection's ``connection_config``), catalog headers and query
parameters are rendered from their templates, and the credential type adds its default ``Authorization`` header
(Bearer for token types, Basic for username/password) unless the catalog writes one itself.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.catalog.safe_urls import HEADER_BREAKERS, render_header, render_text, render_url
from gateway.catalog.templates import TemplateError, Variable

TOKEN_FIELDS = {
    "OAUTH2": "access_token",
    "APP": "access_token",
    "OAUTH2_CC": "token",
    "JWT": "token",
    "TWO_STEP": "token",
    "SIGNATURE": "token",
    "BILL": "token",
    "CUSTOM": "access_token",
}


@dataclass(frozen=True)
class UpstreamAuth:
    base_url: str
    headers: dict[str, str]
    query: dict[str, str]


def template_values(credentials: Mapping[str, Any], connection_config: Mapping[str, Any]) -> Any:
    """A template lookup over a connection's credentials and configuration."""
    kind = str(credentials.get("type", ""))
    token_field = TOKEN_FIELDS.get(kind)
    roots: dict[str, Any] = {
        "apiKey": credentials.get("apiKey"),
        "accessToken": credentials.get(token_field) if token_field else None,
        "token": credentials.get(token_field) if token_field else None,
        "refresh_token": credentials.get("refresh_token"),
    }

    def lookup(variable: Variable) -> str | None:
        if variable.root == "connectionConfig":
            value = connection_config.get(variable.key or "")
        elif variable.root == "credentials":
            value = credentials.get(variable.key or "")
            if value is None and variable.key == "apiKey":
                value = credentials.get("apiKey")
        else:
            value = roots.get(variable.root)
        return None if value is None or value == "" else str(value)

    return lookup


def default_authorization(credentials: Mapping[str, Any]) -> str | None:
    kind = str(credentials.get("type", ""))
    if kind == "BASIC":
        pair = f"{credentials.get('username', '')}:{credentials.get('password', '')}"
        return "Basic " + base64.b64encode(pair.encode()).decode()
    field = TOKEN_FIELDS.get(kind)
    token = credentials.get(field) if field else None
    return f"Bearer {token}" if token else None


def upstream_auth(
    entry: Mapping[str, Any],
    credentials: Mapping[str, Any],
    connection_config: Mapping[str, Any],
    base_url_override: str | None = None,
) -> UpstreamAuth:
    """Base URL, headers and query parameters for calling the provider with these credentials."""
    proxy: Mapping[str, Any] = entry.get("proxy") or {}
    lookup = template_values(credentials, connection_config)
    base = base_url_override or proxy.get("base_url")
    if not base:
        raise ValueError("the catalog entry has no proxy.base_url")
    headers = {name.lower(): render_header(str(value), lookup) for name, value in (proxy.get("headers") or {}).items()}
    if "authorization" not in headers:
        authorization = default_authorization(credentials)
        if authorization and HEADER_BREAKERS.search(authorization):  # stored before imports refused them
            field = TOKEN_FIELDS.get(str(credentials.get("type", "")), "username or password")
            raise TemplateError(
                f"credentials.{field}: contains a line break or NUL, which no HTTP header may carry; "
                "import the connection again with the value as the provider issued it"
            )
        if authorization:
            headers["authorization"] = authorization
    query = {name: render_text(str(value), lookup) for name, value in (proxy.get("query") or {}).items()}
    return UpstreamAuth(render_url(str(base), lookup).rstrip("/"), headers, query)
