"""Opaque, tamper-proof list cursors: the provider's cursor wrapped with the connection it belongs to and an HMAC.

A cursor is ``base64url(json).base64url(mac)``; the MAC key is derived from the instance secret key, so a cursor
cannot be forged, edited, or replayed on another connection or resource (each is 400 ``invalid_cursor``). It also
carries the list's filters, so a caller follows it alone and still gets the list it started.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from gateway.errors import GatewayError

LABEL = b"unigate unified cursor v1"


def cursor_key(secret_key: str) -> bytes:
    """The MAC key: HMAC-SHA256 of a fixed label with the instance secret key."""
    return hmac.new(secret_key.encode(), LABEL, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scope(integration_key: str, connection_id: str, resource: str) -> list[str]:
    return [integration_key, connection_id, resource]


def seal(
    key: bytes,
    integration_key: str,
    connection_id: str,
    resource: str,
    provider_cursor: str,
    filters: dict[str, str] | None = None,
) -> str:
    """The caller's cursor for ``provider_cursor`` on this connection and resource, with the list's filters."""
    body = {"s": _scope(integration_key, connection_id, resource), "c": provider_cursor, "f": filters or {}}
    payload = json.dumps(body, separators=(",", ":")).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def _invalid() -> GatewayError:
    return GatewayError(
        400,
        "invalid_cursor",
        "cursor: not a cursor Unigate gave for this connection and list; send next_cursor exactly as received",
    )


def unseal(
    key: bytes, integration_key: str, connection_id: str, resource: str, cursor: str
) -> tuple[str, dict[str, str]]:
    """The provider cursor and the list's filters inside ``cursor``; 400 ``invalid_cursor`` if it was altered or is
    not for this list."""
    try:
        payload_text, mac_text = cursor.split(".", 1)
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, binascii.Error):
        raise _invalid() from None
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        raise _invalid()
    data = json.loads(payload)
    if data.get("s") != _scope(integration_key, connection_id, resource) or not isinstance(data.get("c"), str):
        raise _invalid()
    filters = data.get("f") or {}
    return str(data["c"]), {str(k): str(v) for k, v in filters.items()}
