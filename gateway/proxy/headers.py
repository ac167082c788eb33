"""Which headers cross the proxy, each way.

Upstream gets only ``Nango-Proxy-<Name>`` headers (prefix stripped) plus the body's ``Content-Type`` and
``Content-Encoding``, over the connection's credentials and the catalog's headers; never the caller's
``Authorization``, cookies, hop-by-hop headers or Unigate's control headers. Forwarded values reach the upstream
byte for byte: they are read as UTF-8, which the HTTP client writes back unchanged; a value that is not UTF-8 or
holds a control character (NUL, CR, LF...) cannot be sent as it is and is refused. The caller gets the upstream's
headers minus hop-by-hop, ``Set-Cookie`` and CORS headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gateway.errors import GatewayError

PREFIX = "nango-proxy-"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
BODY_HEADERS = {"content-type", "content-encoding"}
NEVER_UPSTREAM = HOP_BY_HOP | {"authorization", "cookie"}
NEVER_DOWNSTREAM = HOP_BY_HOP | {"set-cookie", "set-cookie2"}


def upstream_headers(incoming: Iterable[tuple[bytes, bytes]], auth: Mapping[str, str]) -> dict[str, str]:
    """Credentials and catalog headers, then the caller's forwarded ones (which win, except for user-agent)."""
    headers = dict(auth)
    for raw_name, raw_value in incoming:
        name = raw_name.decode("latin-1").lower()
        if name.startswith(PREFIX):
            name = name[len(PREFIX) :]
        elif name not in BODY_HEADERS:
            continue
        if not name or name in NEVER_UPSTREAM or (name == "user-agent" and name in auth):
            continue
        headers[name] = _forwarded_value(raw_name, raw_value)
    return headers


# What no header line may carry (RFC 9110 5.5): control characters other than tab.
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def _forwarded_value(raw_name: bytes, raw_value: bytes) -> str:
    shown = _FORBIDDEN.sub(b"?", raw_name).decode("latin-1")
    if _FORBIDDEN.search(raw_value) or _FORBIDDEN.search(raw_name):
        raise GatewayError(
            400, "invalid_headers", f"{shown}: the header holds a control character (NUL, CR, LF...); remove it"
        )
    try:
        return raw_value.decode("utf-8")
    except UnicodeDecodeError:
        raise GatewayError(
            400,
            "invalid_headers",
            f"{shown}: the value is not UTF-8 text and cannot be forwarded as sent; send it as UTF-8",
        ) from None


_NEVER_DOWNSTREAM_RAW = {name.encode() for name in NEVER_DOWNSTREAM}


def downstream_headers(upstream: Iterable[tuple[bytes, bytes]], decompressed: bool) -> list[tuple[bytes, bytes]]:
    """``upstream`` is aiohttp's ``raw_headers``: (name, value) byte pairs as received."""
    kept: list[tuple[bytes, bytes]] = []
    for name, value in upstream:
        lowered = name.lower()
        if lowered in _NEVER_DOWNSTREAM_RAW or lowered.startswith(b"access-control-"):
            continue
        if decompressed and lowered == b"content-encoding":
            continue
        kept.append((lowered, value))
    return kept
