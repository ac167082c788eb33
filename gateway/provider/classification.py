"""What the retry layer asks a provider about a failed call: the failure (``UpstreamError``) and the answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

RetryAction = Literal["retry", "refresh_and_retry", "wait_and_retry", "fail"]
Failure = Literal["transient", "rate_limited", "auth", "not_found", "invalid_request", "upstream", "network"]


@dataclass(frozen=True)
class UpstreamError:
    """A failed upstream call: an HTTP answer (status, headers, body) or a network exception."""

    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    exception: BaseException | None = None


@dataclass(frozen=True)
class ErrorResolution:
    """What to do about an ``UpstreamError``; ``wait_seconds`` applies to ``wait_and_retry``."""

    action: RetryAction
    failure: Failure
    message: str = ""
    wait_seconds: float | None = None
