"""Sync frequencies in Nango's syntax: ``every 5m``, ``every 2 hours``, ``every day``, ``every half hour``."""

from __future__ import annotations

import re

from gateway.errors import GatewayError

UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
NAMED = {
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 30 * 86400,
    "half hour": 1800,
    "quarter hour": 900,
    "half day": 43200,
}
PATTERN = re.compile(r"^every\s+(?:(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]+)|(?P<named>[a-z ]+))$")
MINIMUM, MAXIMUM = 30, 31 * 86400


def seconds_of(frequency: str, field: str = "frequency") -> float:
    """The interval ``frequency`` names, in seconds; 400 naming ``field`` when it is not a valid frequency."""
    match = PATTERN.match(frequency.strip().lower())
    seconds: float | None = None
    if match and match["named"]:
        seconds = NAMED.get(" ".join(match["named"].split()))
    elif match and match["unit"] in UNITS:
        seconds = float(match["amount"]) * UNITS[match["unit"]]
    if seconds is None:
        raise GatewayError(
            400, "invalid_body", f"{field}: {frequency!r} is not a frequency; send e.g. 'every 5m' or 'every day'"
        )
    if not MINIMUM <= seconds <= MAXIMUM:
        raise GatewayError(400, "invalid_body", f"{field}: {frequency!r} must be between 30 seconds and 31 days")
    return seconds
