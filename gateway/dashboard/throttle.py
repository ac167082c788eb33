"""Slowing down guessing: after ``limit`` failed sign-ins from one client address within ``window`` seconds, sign-ins
from it are refused (429 with ``Retry-After``) until the oldest failure leaves the window."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

LIMIT = 5
WINDOW_SECONDS = 300.0
MAX_TRACKED = 10_000  # addresses remembered at once; past it, the stalest are dropped


class SignInThrottle:
    def __init__(
        self, limit: int = LIMIT, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit, self._window, self._clock = limit, window, clock
        self._failures: dict[str, list[float]] = {}

    def _recent(self, client: str) -> list[float]:
        cutoff = self._clock() - self._window
        recent = [t for t in self._failures.get(client, []) if t > cutoff]
        if recent:
            self._failures[client] = recent
        else:
            self._failures.pop(client, None)
        return recent

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again, or None when it may try now."""
        recent = self._recent(client)
        if len(recent) < self._limit:
            return None
        return max(1, math.ceil(recent[-self._limit] + self._window - self._clock()))

    def failed(self, client: str) -> None:
        if len(self._failures) >= MAX_TRACKED and client not in self._failures:
            stalest = min(self._failures, key=lambda c: self._failures[c][-1])
            del self._failures[stalest]
        self._failures.setdefault(client, []).append(self._clock())

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)
