"""Instance configuration: every ``UNIGATE_*`` environment variable, read once by pydantic-settings."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3003


class Settings(BaseSettings):
    """Unigate's settings; each field is the environment variable ``UNIGATE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="UNIGATE_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Field(default=Path(".unigate"))
    cache_dir: Path | None = None  # derived data (the checked catalog); <data dir>/cache when unset
    database_url: str | None = None
    secret_key: str | None = None
    encryption_key: str | None = None
    public_url: str | None = None
    host: str = DEFAULT_HOST
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    providers_files: str = ""
    load_plugins: str = ""
    disable_plugins: str = ""
    trace_plugins: bool = False
    idle_refresh_interval: float = Field(default=600.0, ge=0)
    allow_private_hosts: bool = False
    connection_cache_ttl: float = Field(default=5.0, ge=0)
    syncs: bool = True  # run due syncs in this server process
    sync_sweep_seconds: float = Field(default=5.0, gt=0)
    job_engine: Literal["embedded", "procrastinate"] = "embedded"  # procrastinate: `unigate worker`s run syncs
    sync_lease_seconds: float = Field(default=120.0, gt=0)  # a run's lease; a dead worker's run is retaken after it
    sync_concurrency_per_provider: int = Field(default=4, ge=1)  # syncs of one provider a worker runs at once
    webhook_sweep_seconds: float = Field(default=1.0, gt=0)
    proxy_read_timeout: float = Field(default=60.0, gt=0)
    proxy_max_retry_wait: float = Field(default=60.0, ge=0)
    proxy_backoff_seconds: float = Field(default=1.0, ge=0)
    unified_retries: int = Field(default=3, ge=0, le=10)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_header_bytes: int = Field(default=32_768, ge=1024)
    header_timeout: float = Field(default=10.0, gt=0)
    body_timeout: float = Field(default=30.0, gt=0)
    keep_alive_timeout: float = Field(default=5.0, gt=0)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    metrics: Literal["off", "on"] = "on"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    shutdown_grace: float = Field(default=30.0, ge=0)
    dashboard_password: SecretStr | None = None  # the dashboard's sign-in takes it instead of the secret key
    connect_name: str = Field(default="", max_length=80)  # the operator's name on the Connect UI
    connect_logo_url: str = Field(default="", max_length=65_536)  # https:// or data:image/... only
    connect_accent: str = Field(default="#2f5bd3", pattern=r"^#[0-9a-fA-F]{6}$")  # buttons and links

    @field_validator("connect_logo_url")
    @classmethod
    def _logo_url(cls, value: str) -> str:
        """An https URL, or a ``data:image/...`` URL: never a script or a plain-http address on the page."""
        if not value:
            return value
        if any(c in value for c in "\"'<> \t\r\n\\"):
            raise ValueError("the logo URL may not contain quotes, angle brackets, spaces or backslashes")
        if re.match(r"^https://[^/?#@]+(/[^?#]*)?(\?[^#]*)?$", value):
            return value
        if re.match(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$", value):
            return value
        raise ValueError("use an https:// URL or a base64 data:image/(png|jpeg|gif|webp|svg+xml) URL")

    @field_validator("public_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def resolved_public_url(self) -> str:
        """The URL users reach Unigate at; the OAuth callback hangs off it."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def oauth_callback_url(self) -> str:
        return f"{self.resolved_public_url}/oauth/callback"

    @property
    def resolved_database_url(self) -> str:
        """The configured database URL, or SQLite inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'unigate.db').resolve()}"

    @property
    def resolved_cache_dir(self) -> Path:
        """Where derived data (the checked catalog) is cached; safe to delete."""
        return self.cache_dir or self.data_dir / "cache"

    @property
    def extra_provider_files(self) -> list[Path]:
        """Files named by ``UNIGATE_PROVIDERS_FILES``, separated like ``PATH``."""
        return [Path(p) for p in self.providers_files.split(os.pathsep) if p.strip()]
