"""What a provider fake keeps: credentials it issued (``Token``) and requests it received (``LoggedRequest``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

TokenState = Literal["valid", "missing", "unknown", "expired", "revoked"]


@dataclass
class LoggedRequest:
    """One request as the fake received it; ``headers`` never include ``authorization`` or ``cookie``."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Token:
    """A credential the fake issued: an access token, a refresh token or an authorization code."""

    value: str
    kind: str = "access"
    subject: str = "default"
    scopes: list[str] = field(default_factory=list)
    expires_at: float | None = None
    revoked: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> TokenState:
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and time.time() >= self.expires_at:
            return "expired"
        return "valid"
