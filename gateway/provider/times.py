"""Time values in provider answers and queries: ``parse_time`` reads them, ``format_time`` writes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

TimeStyle = Literal["iso", "iso_ms", "offset", "date", "epoch", "epoch_ms"]
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MS_THRESHOLD = 100_000_000_000  # larger epoch values are milliseconds (year 5138 in seconds)


def parse_time(value: str | float | datetime | None) -> datetime | None:
    """An aware UTC-or-offset datetime from ISO 8601 (``Z``, offsets, fractions, date only) or epoch s/ms.

    None or ``""`` gives None; a naive value is taken as UTC; anything else raises ``ValueError`` (a mapper error).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        value = float(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= MS_THRESHOLD else value
        return datetime.fromtimestamp(seconds, UTC)
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime, style: TimeStyle | str = "iso") -> str:
    """``value`` in UTC as a provider's query wants it.

    ``iso`` ``2024-01-02T03:04:05Z``; ``iso_ms`` ``2024-01-02T03:04:05.678Z``; ``offset`` ``...05+00:00``;
    ``date`` ``2024-01-02``; ``epoch`` / ``epoch_ms`` whole seconds / milliseconds; a ``strftime`` pattern otherwise.
    """
    utc = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if style == "iso":  # isoformat pads years below 1000 to four digits, as ISO 8601 wants (strftime does not)
        return utc.isoformat(timespec="seconds").replace("+00:00", "Z")
    if style == "iso_ms":
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if style == "offset":
        return utc.isoformat(timespec="seconds")
    if style == "date":
        return utc.date().isoformat()
    if style == "epoch":
        return str(int(utc.timestamp()))
    if style == "epoch_ms":
        return str(int(utc.timestamp() * 1000))
    if "%" in style:
        return utc.strftime(style)
    raise ValueError(f"unknown time style {style!r}")
