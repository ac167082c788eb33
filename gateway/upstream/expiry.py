"""When a token is due for refresh: the margin before its expiry at which Unigate refreshes it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gateway.store.tables import Connection

DEFAULT_MARGIN = timedelta(minutes=15)


def margin_for(entry: dict[str, Any]) -> timedelta:
    buffer = entry.get("token_expiration_buffer")
    margin = timedelta(seconds=int(buffer)) if buffer is not None else DEFAULT_MARGIN
    lifetime = (entry.get("token") or {}).get("expires_in_ms") if entry.get("auth_mode") == "JWT" else None
    return min(margin, timedelta(milliseconds=int(lifetime)) / 2) if lifetime else margin  # 5-min JWTs: 2.5 min


def needs_refresh(row: Connection, entry: dict[str, Any], now: datetime) -> bool:
    return row.expires_at is not None and row.expires_at <= now + margin_for(entry)
