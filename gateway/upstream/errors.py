"""Typed failures of an outbound call (defined in ``gateway.provider.failures``, which the plugin kit raises too)."""

from __future__ import annotations

from gateway.provider.failures import (
    OutsideBaseUrl,
    RateLimited,
    UpstreamFailure,
    UpstreamTimeout,
    UpstreamUnauthorized,
    UpstreamUnavailable,
    UpstreamUnreachable,
)

__all__ = [
    "OutsideBaseUrl",
    "RateLimited",
    "UpstreamFailure",
    "UpstreamTimeout",
    "UpstreamUnauthorized",
    "UpstreamUnavailable",
    "UpstreamUnreachable",
]
