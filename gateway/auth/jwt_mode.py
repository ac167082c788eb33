"""JWT mode: Unigate signs the provider's token itself from the entry's ``token`` templates.

``token: {signing_key, expires_in_ms, header, payload}`` are templates over ``${credentials.x}`` and
``${connectionConfig.x}``. The header's ``alg`` picks the key: ``HS*`` signs with the secret, hex-decoded unless
``signature.hmac_secret_encoding`` is ``utf8`` (Ghost's Admin API keys are hex); ``ES*``, ``RS*`` and ``PS*`` read
a PEM private key. ``iat`` and ``exp`` (now + ``expires_in_ms``) are added unless the payload sets them.
Re-signing is the refresh.
"""

from __future__ import annotations

import binascii
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from gateway.auth.fields import mode_lookup
from gateway.auth.tokens import TokenError
from gateway.catalog.algorithms import JWT_ALGORITHMS
from gateway.catalog.safe_urls import render_text
from gateway.catalog.templates import Lookup, TemplateError

ALGORITHMS = JWT_ALGORITHMS
DEFAULT_LIFETIME_MS = 60 * 60 * 1000


def _render(value: Any, lookup: Lookup) -> Any:
    if isinstance(value, str):
        return render_text(value, lookup)
    if isinstance(value, Mapping):
        return {str(k): _render(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, lookup) for v in value]
    return value


def _key(entry: Mapping[str, Any], alg: str, material: str) -> OctKey | ECKey | RSAKey:
    if alg.startswith("HS"):
        if str((entry.get("signature") or {}).get("hmac_secret_encoding") or "hex") == "utf8":
            return OctKey.import_key(material.encode())
        try:
            return OctKey.import_key(binascii.unhexlify(material.strip()))
        except (binascii.Error, ValueError):
            raise TokenError("the signing secret is not hexadecimal", rejected=True) from None
    try:
        pem = material.replace("\\n", "\n").strip()
        key = ECKey.import_key(pem) if alg.startswith("ES") else RSAKey.import_key(pem)
    except Exception:  # the key's text must not end up in a message
        kind = "EC" if alg.startswith("ES") else "RSA"
        raise TokenError(f"the private key is not a PEM {kind} private key", rejected=True) from None
    if not key.is_private:
        raise TokenError("the private key is a public key", rejected=True)
    return key


def sign_jwt(
    entry: Mapping[str, Any], credentials: Mapping[str, Any], connection_config: Mapping[str, Any]
) -> tuple[str, datetime]:
    """The signed token and its expiry; ``TokenError`` (rejected) when the credentials cannot sign."""
    spec: Mapping[str, Any] = entry.get("token") or {}
    lookup = mode_lookup(credentials, connection_config)
    try:
        header = _render(dict(spec.get("header") or {}), lookup)
        payload = _render(dict(spec.get("payload") or {}), lookup)
        material = render_text(str(spec.get("signing_key") or ""), lookup)
    except TemplateError as exc:
        raise TokenError(f"cannot build the token: {exc}", rejected=True) from None
    alg = str(header.get("alg") or "")
    if alg not in ALGORITHMS:
        raise TokenError(f"the catalog entry's token algorithm {alg or '(none)'} is not supported", rejected=False)
    if not material:
        raise TokenError("no signing key", rejected=True)
    now = int(time.time())
    lifetime_ms = int(spec.get("expires_in_ms") or DEFAULT_LIFETIME_MS)
    payload.setdefault("iat", now)
    payload.setdefault("exp", now + lifetime_ms // 1000)
    try:
        token = jwt.encode(header, payload, _key(entry, alg, material), algorithms=[alg], default_type=None)
    except TokenError:
        raise
    except Exception as exc:  # e.g. a key of the wrong curve for ES384
        raise TokenError(f"cannot sign with this key ({type(exc).__name__})", rejected=True) from None
    return token, datetime.fromtimestamp(int(payload["exp"]), UTC)


def jwt_credentials(
    entry: Mapping[str, Any], fields: Mapping[str, str], connection_config: Mapping[str, Any]
) -> tuple[dict[str, Any], datetime]:
    """JWT credentials: the typed fields plus the signed ``token`` and its ``expires_at``."""
    token, expires_at = sign_jwt(entry, fields, connection_config)
    return {**fields, "type": "JWT", "token": token, "expires_at": expires_at.isoformat()}, expires_at
