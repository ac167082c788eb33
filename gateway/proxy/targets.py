"""Building the upstream URL of a proxied call: base URL + caller's path + caller's query + catalog query.

The caller's path may not climb out of the base URL (``..`` or its encodings), carry a scheme or host, or hide
control characters; a ``Base-Url-Override`` must be a plain http(s) URL without credentials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlencode, urlsplit

from gateway.errors import GatewayError

FORBIDDEN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def _invalid(message: str) -> GatewayError:
    return GatewayError(400, "invalid_path", message)


def check_path(path: str) -> str:
    """The caller's path (after ``/proxy``), refused if it could leave the base URL."""
    if "%" not in path and "/." not in path and "\\" not in path and ":" not in path and not path.startswith("//"):
        if not FORBIDDEN_PATH.search(path):
            return path if path.startswith("/") else "/" + path
    decoded = path
    for _ in range(3):  # %252e%252e decodes twice
        decoded = unquote(decoded)
    if FORBIDDEN_PATH.search(decoded):
        raise _invalid("The proxied path contains control characters or backslashes")
    if re.match(r"^/*[a-zA-Z][a-zA-Z0-9+.-]*:", decoded) or decoded.startswith("//") or path.startswith("//"):
        raise _invalid("The proxied path must be a path, not an absolute URL")
    if any(segment in (".", "..") for segment in decoded.split("/")):
        raise _invalid("The proxied path may not contain '.' or '..' segments")
    return path if path.startswith("/") else "/" + path


def check_base_url_override(value: str) -> str:
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.hostname or url.username or url.password or url.query:
        raise GatewayError(
            400,
            "invalid_base_url_override",
            "Base-Url-Override must be an http(s) URL without credentials or query, e.g. https://api.x.com",
        )
    return value.rstrip("/")


def upstream_url(base: str, path: str, raw_query: bytes, extra_query: Mapping[str, str]) -> str:
    url = base + check_path(path) if path not in ("", "/") else base + path
    query = raw_query.decode("latin-1")
    if extra_query:
        query = "&".join(p for p in (query, urlencode(extra_query)) if p)
    return f"{url}?{query}" if query else url
