"""The default upstream error classification: network errors and 5xx retry, 401 refreshes, 429 waits.

Registered ``trylast``: a plugin's ``classify_upstream_error`` (and the provider's ``classify_error``) answer first.
The catalog's ``proxy.retry`` hints (``error_code``, ``remaining``, ``at``, ``after``) are applied by the proxy's
retry policy on top of this table.
"""

from __future__ import annotations

from gateway.plugins import hookimpl
from gateway.provider import ErrorResolution, Provider, UpstreamError


def _retry_after(error: UpstreamError) -> float | None:
    value = {k.lower(): v for k, v in error.headers.items()}.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@hookimpl(trylast=True)
def classify_upstream_error(provider: Provider, error: UpstreamError) -> ErrorResolution:
    if error.status is None:
        return ErrorResolution("retry", "network", f"network error: {type(error.exception).__name__}")
    if error.status == 401:
        return ErrorResolution("refresh_and_retry", "auth", "the provider refused the credentials")
    if error.status == 429:
        return ErrorResolution("wait_and_retry", "rate_limited", "rate limited", _retry_after(error))
    if error.status >= 500:
        return ErrorResolution("retry", "transient", f"the provider answered {error.status}")
    if error.status == 404:
        return ErrorResolution("fail", "not_found", "not found at the provider")
    return ErrorResolution("fail", "invalid_request", f"the provider answered {error.status}")
