"""What the management routes answer, as typed models; unknown fields are kept (``model_extra``), not refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class Integration(_Answer):
    """An integration (provider config): ``GET /integrations``."""

    unique_key: str
    provider: str
    display_name: str | None = None
    logo: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Connection(_Answer):
    """A connection as lists show it (never credentials)."""

    id: int | str
    connection_id: str
    provider_config_key: str
    provider: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    errors: list[dict[str, Any]] = Field(default_factory=list)
    end_user: dict[str, Any] | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class ConnectionDetail(Connection):
    """One connection with its credentials: ``GET /connections/{id}``."""

    credentials: dict[str, Any] = Field(default_factory=dict)
    connection_config: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ConnectSession(_Answer):
    """A connect session for an end user's browser: the token, the Connect UI link and the expiry."""

    token: str
    connect_link: str | None = None
    expires_at: datetime


class ActionRun(_Answer):
    """A background action run: ``status`` is ``pending``, ``running`` or ``succeeded`` (then ``output`` is set).

    A failed run is never returned: ``result`` raises the error the synchronous call would have answered.
    """

    id: str
    status: Literal["pending", "running", "succeeded"]
    output: Any = None

    @property
    def done(self) -> bool:
        return self.status == "succeeded"
