"""A provider's custom OAuth 2 refresh: what ``Provider.refresh_tokens`` gets and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx


@dataclass(frozen=True)
class TokenRefresh:
    """What ``Provider.refresh_tokens`` gets: the client, the refresh token, and the catalog entry's token URL."""

    http: httpx.AsyncClient  # Unigate's outbound client (timeouts, SSRF guard)
    token_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    connection_config: Mapping[str, Any]


@dataclass(frozen=True)
class RefreshedTokens:
    """A custom refresh's result; ``refresh_token`` None keeps the old one; ``raw`` is the provider's answer."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)
