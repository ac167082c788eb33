"""Signing requests with OAuth 1.0a (RFC 5849) for OAUTH1 connections, with authlib's client signer.

The consumer key and secret come from the integration, the token and token secret from the connection; the
entry's ``signature_method`` is ``HMAC-SHA1`` (default), ``RSA-SHA1`` (the consumer secret is then the PEM private
key) or ``PLAINTEXT``. Form bodies are part of the signature; other bodies are sent as they are, unsigned, as
RFC 5849 says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from authlib.oauth1 import ClientAuth

from gateway.catalog.algorithms import OAUTH1_SIGNATURE_METHODS

FORM = "application/x-www-form-urlencoded"


def client_auth(
    entry: Mapping[str, Any],
    consumer_key: str,
    consumer_secret: str,
    *,
    token: str | None = None,
    token_secret: str | None = None,
    callback: str | None = None,
    verifier: str | None = None,
) -> Any:
    """authlib's ``ClientAuth`` for this entry's signature method; ValueError for a method it cannot use."""
    method = str(entry.get("signature_method") or "HMAC-SHA1")
    if method not in OAUTH1_SIGNATURE_METHODS:
        raise ValueError(f"signature method {method} is not supported")
    rsa = method == "RSA-SHA1"
    return ClientAuth(
        consumer_key,
        client_secret=None if rsa else consumer_secret,
        token=token,
        token_secret=token_secret,
        redirect_uri=callback,
        verifier=verifier,
        signature_method=method,
        rsa_key=consumer_secret.replace("\\n", "\n") if rsa else None,
    )


def sign_request(request: httpx.Request, auth: Any) -> httpx.Request:
    """Add the ``Authorization: OAuth ...`` header to ``request`` (its body must have been read)."""
    form = FORM in request.headers.get("content-type", "")
    headers = {"Content-Type": FORM} if form else {}
    body: str | bytes = request.content.decode() if form else b""
    _, signed, _ = auth.sign(request.method, str(request.url), headers, body)
    request.headers["authorization"] = str(signed["Authorization"])
    return request
