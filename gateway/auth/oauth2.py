"""The OAuth 2.0 authorization-code flow: the authorization URL, and the code exchange on callback.

PKCE (S256) is used unless the catalog entry sets ``disable_pkce``; the redirect URI is always Unigate's single
``{UNIGATE_PUBLIC_URL}/oauth/callback``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from gateway.catalog.safe_urls import render_url
from gateway.catalog.templates import Variable


def new_code_verifier() -> str:
    return secrets.token_urlsafe(64)[:96]


def join_scopes(entry: Mapping[str, Any], *scope_lists: str | None) -> str:
    """Comma-separated scope lists (integration, user) joined with the catalog's ``scope_separator``."""
    seen: list[str] = []
    for scopes in scope_lists:
        for scope in (scopes or "").split(","):
            scope = scope.strip()
            if scope and scope not in seen:
                seen.append(scope)
    return str(entry.get("scope_separator") or " ").join(seen)


def authorization_url(
    entry: Mapping[str, Any],
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    scope: str,
    code_verifier: str | None,
    connection_config: Mapping[str, Any],
    request_params: Mapping[str, str],
) -> str:
    """The provider URL to send the browser to; request ``authorization_params`` win over the catalog's."""

    def lookup(variable: Variable) -> str | None:
        if variable.root == "connectionConfig":
            value = connection_config.get(variable.key or "")
            return None if value in (None, "") else str(value)
        return client_id if variable.root == "clientId" else None

    base = render_url(str(entry["authorization_url"]), lookup)
    params: dict[str, str] = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
    }
    if scope:
        params["scope"] = scope
    if code_verifier is not None:
        params["code_challenge"] = create_s256_code_challenge(code_verifier)
        params["code_challenge_method"] = "S256"
    for source in (entry.get("authorization_params") or {}, request_params):
        for key, value in source.items():
            if value == "undefined":
                params.pop(key, None)
            else:
                params[key] = str(value)
    for old, new in (entry.get("authorization_url_replacements") or {}).items():
        if old in params:
            value = params.pop(old)
            if new:
                params[new] = value
    if entry.get("authorization_url_skip_empty"):
        params = {k: v for k, v in params.items() if v != ""}
    parts = urlsplit(base)
    query = "&".join(p for p in (parts.query, urlencode(params)) if p)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
