"""When a proxied call is retried, and how long to wait first.

Retryable: network errors; the statuses of the ``Retry-On`` header; the catalog's ``proxy.retry.error_code``
(exact ``403``, class ``5xx`` or range ``500-502``) when the entry has one, else what the classification says
(5xx and 429 by default); any answer whose ``proxy.retry.remaining`` header is ``0``. The wait comes from the
catalog's ``retry.at`` headers when the ``remaining`` header (if any) says the budget is spent (reset time: epoch
seconds, epoch milliseconds or an HTTP date; the longest wins),
then ``retry.after`` (seconds), then ``retry.in_body``, then ``Retry-After``, else exponential backoff with jitter.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from gateway.provider import ErrorResolution

BACKOFF_CAP = 600.0


def matches_code(status: int, codes: list[str]) -> bool:
    for code in codes:
        code = str(code).strip().lower()
        if re.fullmatch(r"\dxx", code) and str(status)[0] == code[0]:
            return True
        if "-" in code:
            low, _, high = code.partition("-")
            if low.isdigit() and high.isdigit() and int(low) <= status <= int(high):
                return True
        if code == str(status):
            return True
    return False


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _reset_wait(value: str, now: float) -> float | None:
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        number = float(value)
        if number > 1e11:  # epoch milliseconds
            return number / 1000 - now
        if number > 1e9:  # epoch seconds
            return number - now
        return number  # a delay in seconds
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError):
        pass
    try:
        from datetime import datetime

        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now
    except ValueError:
        return None


def _in_body(body: bytes, spec: Mapping[str, Any], now: float) -> float | None:
    try:
        value: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    for part in str(spec.get("path", "")).split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, str):
        return None
    pattern = str(spec.get("value", "(.+)")).strip("/")
    found = re.search(pattern, value)
    if not found:
        return None
    text = found.group(1) if found.groups() else found.group(0)
    return _reset_wait(text, now) if spec.get("strategy") == "at" else _seconds(text)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def retryable_status(
    status: int,
    headers: Mapping[str, str],
    retry: Mapping[str, Any],
    retry_on: set[int],
    resolution: ErrorResolution | None,
    specific: bool = False,
) -> bool:
    """``specific``: the resolution came from the provider or a plugin, and wins over the catalog's codes."""
    if status in retry_on:
        return True
    remaining = retry.get("remaining")
    if remaining and _header(headers, str(remaining)) == "0":
        return True
    if retry.get("error_code") and not specific:
        return matches_code(status, list(retry["error_code"]))
    return resolution is not None and resolution.action in ("retry", "wait_and_retry")


def wait_seconds(
    attempt: int,
    headers: Mapping[str, str],
    body: bytes,
    retry: Mapping[str, Any],
    base: float,
    resolution: ErrorResolution | None = None,
) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 0)."""
    now = time.time()
    remaining = retry.get("remaining")
    exhausted = not remaining or _header(headers, str(remaining)) in (None, "0")  # resets apply to a spent budget
    values = [_header(headers, name) for name in retry.get("at") or []] if exhausted else []
    waits = [w for w in (_reset_wait(v, now) for v in values if v) if w is not None]
    if waits:
        return max(0.0, max(waits))
    for name in retry.get("after") or []:
        seconds = _seconds(_header(headers, name))
        if seconds is not None:
            return max(0.0, seconds)
    if retry.get("in_body"):
        found = _in_body(body, retry["in_body"], now)
        if found is not None:
            return max(0.0, found)
    seconds = _seconds(_header(headers, "retry-after"))
    if seconds is None:
        retry_after = _header(headers, "retry-after")
        seconds = _reset_wait(retry_after, now) if retry_after else None
    if seconds is not None:
        return max(0.0, seconds)
    if resolution is not None and resolution.wait_seconds is not None:
        return max(0.0, resolution.wait_seconds)
    return float(min(base * 2.0**attempt, BACKOFF_CAP) * random.uniform(0.5, 1.0))
