"""When a token is due for refresh: the margin before its expiry at which Unigate refreshes it.

The margin is the smaller of the catalog entry's ``token_expiration_buffer`` (15 minutes by default) and half the
lifetime the token was issued with, so a 5-minute token is refreshed 2.5 minutes before it expires instead of on
every call. The lifetime is recorded in the (encrypted) credentials under ``LIFETIME_KEY`` whenever a token is
stored or refreshed; the leading underscore keeps it out of ``GET /connections/{id}``. A token without a recorded
lifetime (stored before it was recorded) gets the buffer alone until its next refresh records one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

DEFAULT_MARGIN = timedelta(minutes=15)
LIFETIME_KEY = "_lifetime_seconds"


def margin_for(entry: Mapping[str, Any], lifetime: timedelta | None) -> timedelta:
    """How long before expiry the token is refreshed: min(buffer, lifetime / 2)."""
    buffer = entry.get("token_expiration_buffer")
    margin = timedelta(seconds=int(buffer)) if buffer is not None else DEFAULT_MARGIN
    return min(margin, lifetime / 2) if lifetime is not None and lifetime > timedelta(0) else margin


def due_at(expires_at: datetime | None, entry: Mapping[str, Any], lifetime: timedelta | None) -> datetime | None:
    """The moment from which the token is refreshed before use; None for a token that does not expire."""
    return None if expires_at is None else expires_at - margin_for(entry, lifetime)


def needs_refresh(
    expires_at: datetime | None, entry: Mapping[str, Any], lifetime: timedelta | None, now: datetime
) -> bool:
    due = due_at(expires_at, entry, lifetime)
    return due is not None and due <= now


def recorded_lifetime(credentials: Mapping[str, Any]) -> timedelta | None:
    """The lifetime recorded in the credentials, if any."""
    value = credentials.get(LIFETIME_KEY)
    try:
        seconds = float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return None
    return timedelta(seconds=seconds) if seconds > 0 else None


def with_lifetime(credentials: Mapping[str, Any], expires_at: datetime | None, issued_at: datetime) -> dict[str, Any]:
    """The credentials with the lifetime of a token issued at ``issued_at`` recorded (or dropped if unknown)."""
    stamped = {k: v for k, v in credentials.items() if k != LIFETIME_KEY}
    if expires_at is not None and expires_at > issued_at:
        stamped[LIFETIME_KEY] = round((expires_at - issued_at).total_seconds(), 3)
    return stamped
