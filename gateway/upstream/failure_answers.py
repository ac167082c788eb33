"""The API answer of a script's provider failure: one mapping for unified resources and actions.

``NotSupported`` is 501 ``not_supported``; a ``ProviderError`` keeps its status and code (and names its field in
``errors``); an ``UpstreamFailure`` answers its own status and code; ``ForbiddenHostError`` stays the 400 it is;
any other httpx error is 502 ``upstream_error`` naming the provider and the error's type. ``retryable`` tells the
failures a later attempt may get past (5xx, timeouts, unreachable hosts, rate limits) from refusals.
"""

from __future__ import annotations

import httpx

from gateway.errors import GatewayError
from gateway.provider import (
    NotSupported,
    ProviderError,
    RateLimited,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnavailable,
    UpstreamUnreachable,
)
from gateway.upstream.guarded import ForbiddenHostError

PROVIDER_FAILURES = (NotSupported, ProviderError, UpstreamFailure, httpx.HTTPError)
TRANSIENT = (UpstreamUnavailable, UpstreamTimeout, UpstreamUnreachable, RateLimited)


def not_supported(exc: NotSupported) -> GatewayError:
    return GatewayError(501, "not_supported", f"Provider {exc.provider!r} does not support {exc.operation}")


def failure_answer(exc: Exception, provider: str) -> GatewayError:
    """The API error for ``exc``, one of ``PROVIDER_FAILURES``, raised by a script calling ``provider``."""
    if isinstance(exc, NotSupported):
        return not_supported(exc)
    if isinstance(exc, ProviderError):
        errors = [{"code": exc.code, "message": exc.message, "path": [exc.field]}] if exc.field else None
        return GatewayError(exc.status, exc.code, exc.message, errors=errors)
    if isinstance(exc, UpstreamFailure):
        return exc.as_gateway_error()
    if isinstance(exc, ForbiddenHostError):
        return exc
    return GatewayError(502, "upstream_error", f"Cannot reach {provider}: {type(exc).__name__}")


def retryable(exc: Exception) -> bool:
    """Whether another attempt may succeed: the provider failed or was out of reach, it did not refuse."""
    if isinstance(exc, ForbiddenHostError):
        return False
    return isinstance(exc, TRANSIENT) or isinstance(exc, httpx.TransportError)
