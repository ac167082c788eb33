"""Typed failures of an outbound call to a provider, raised by the outbound client and mapped to API answers once.

The outbound client (credentials, refresh, retries) raises these instead of writing API answers itself; the API
layer renders each as ``{"error": {"code", "message"}}`` with the status and code given here. A resource script
may raise them too (the plugin kit's error table does).
"""

from __future__ import annotations

from gateway.errors import GatewayError


class UpstreamFailure(Exception):
    """A provider call that failed for a reason the caller cannot fix by changing the request."""

    status = 502
    code = "upstream_error"

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(message)
        self.provider = provider
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        return {}

    def as_gateway_error(self) -> GatewayError:
        """The API answer: this failure's status and code, its message, and its headers (``Retry-After``)."""
        return GatewayError(self.status, self.code, self.message, headers=self.headers or None)


class UpstreamUnauthorized(UpstreamFailure):
    """The provider refuses the connection's credentials, even after one refresh: the end user must reconnect."""

    code = "upstream_unauthorized"


class RateLimited(UpstreamFailure):
    """The provider still rate limits the connection after the retries allowed; retry after ``retry_after`` s."""

    status = 429
    code = "rate_limited"

    def __init__(self, provider: str, message: str, retry_after: int) -> None:
        super().__init__(provider, message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class UpstreamUnavailable(UpstreamFailure):
    """The provider answered with server errors (5xx) through every retry allowed."""

    code = "upstream_error"


class UpstreamUnreachable(UpstreamFailure):
    """No connection to the provider: the name does not resolve, or the host refuses or drops the connection."""

    code = "upstream_unreachable"


class UpstreamTimeout(UpstreamFailure):
    """The provider accepted the connection but did not answer in time."""

    status = 504
    code = "upstream_timeout"


class OutsideBaseUrl(UpstreamFailure):
    """A script tried to send the connection's credentials to a host outside the connection's base URL."""

    code = "upstream_error"
