"""The database tables. Columns holding secrets are listed in ``ENCRYPTED_COLUMNS`` and hold ciphertext only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from gateway.store.types import UTCDateTime, utcnow


def _json_column(name: str | None = None, nullable: bool = False) -> Any:
    if name is None:
        return Field(default_factory=dict, sa_type=JSON, nullable=nullable)
    return Field(default_factory=dict, sa_column=Column(name, JSON, nullable=nullable))


def _timestamp(nullable: bool = False, **kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, **kwargs)


class Integration(SQLModel, table=True):
    """A configured use of a catalog provider, e.g. ``github-prod`` using ``github`` with our OAuth app."""

    __tablename__ = "integrations"

    id: int | None = Field(default=None, primary_key=True)
    unique_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True, index=True))
    provider: str = Field(sa_type=String(255), nullable=False, index=True)
    display_name: str | None = Field(default=None, sa_type=String(255))
    credentials_type: str | None = Field(default=None, sa_type=String(32))
    client_id: str | None = Field(default=None, sa_type=Text)
    scopes: str | None = Field(default=None, sa_type=Text)
    app_id: str | None = Field(default=None, sa_type=String(255))
    app_link: str | None = Field(default=None, sa_type=Text)
    secrets: str | None = Field(default=None, sa_type=Text)  # encrypted JSON: client_secret, private_key
    custom: dict[str, Any] = _json_column()
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)


class Connection(SQLModel, table=True):
    """One end user's authorised account at a provider, through an integration."""

    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("integration_id", "connection_id", name="uq_connections_integration"),)

    id: int | None = Field(default=None, primary_key=True)
    connection_id: str = Field(sa_type=String(255), nullable=False, index=True)
    integration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("integrations.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    credentials_type: str = Field(sa_type=String(32), nullable=False)
    credentials: str = Field(sa_type=Text, nullable=False)  # encrypted JSON
    expires_at: datetime | None = _timestamp(nullable=True, default=None)
    connection_config: dict[str, Any] = _json_column()
    metadata_: dict[str, Any] = _json_column("metadata")
    end_user_id: str | None = Field(default=None, sa_type=String(255), index=True)
    end_user: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    tags: dict[str, str] = _json_column()
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)
    last_fetched_at: datetime | None = _timestamp(nullable=True, default=None)
    last_refresh_at: datetime | None = _timestamp(nullable=True, default=None)
    last_refresh_failure_at: datetime | None = _timestamp(nullable=True, default=None)
    last_refresh_error: str | None = Field(default=None, sa_type=Text)
    refresh_attempts: int = Field(default=0, nullable=False)
    refresh_exhausted: bool = Field(default=False, nullable=False)
    refresh_lock_until: datetime | None = _timestamp(nullable=True, default=None)  # a worker is refreshing


class ApiKey(SQLModel, table=True):
    """A secret key accepted as ``Authorization: Bearer``; only its SHA-256 is stored."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(255), nullable=False)
    key_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = _timestamp(default_factory=utcnow)


class ConnectSession(SQLModel, table=True):
    """A short-lived session letting an end user's browser create (or re-authorise) connections."""

    __tablename__ = "connect_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    end_user: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    organization: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    allowed_integrations: list[str] | None = Field(default=None, sa_type=JSON, nullable=True)
    integrations_config_defaults: dict[str, Any] = _json_column()
    tags: dict[str, str] = _json_column()
    reconnect_integration: str | None = Field(default=None, sa_type=String(255))
    reconnect_connection_id: str | None = Field(default=None, sa_type=String(255))
    expires_at: datetime = _timestamp()
    created_at: datetime = _timestamp(default_factory=utcnow)


class OAuthSession(SQLModel, table=True):
    """A pending browser authorisation: found by its ``state``, used once, expiring."""

    __tablename__ = "oauth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    integration_key: str = Field(sa_type=String(255), nullable=False)
    connection_id: str = Field(sa_type=String(255), nullable=False)
    connection_config: dict[str, Any] = _json_column()
    secrets: str = Field(sa_type=Text, nullable=False)  # encrypted JSON: PKCE verifier, OAuth1 token secret, overrides
    redirect_uri: str = Field(sa_type=Text, nullable=False)
    ws_client_id: str | None = Field(default=None, sa_type=String(255))
    connect_session_id: int | None = Field(default=None)
    end_user: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    tags: dict[str, str] = _json_column()
    expires_at: datetime = _timestamp()
    created_at: datetime = _timestamp(default_factory=utcnow)


class RequestLog(SQLModel, table=True):
    """One proxied call: who, what, how it ended. Never headers, query strings or bodies."""

    __tablename__ = "request_logs"
    __table_args__ = (Index("ix_request_logs_connection", "integration_key", "connection_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _timestamp(default_factory=utcnow, index=True)
    integration_key: str = Field(sa_type=String(255), nullable=False)
    connection_id: str = Field(sa_type=String(255), nullable=False)
    provider: str = Field(sa_type=String(255), nullable=False)
    method: str = Field(sa_type=String(16), nullable=False)
    path: str = Field(sa_type=Text, nullable=False)
    status: int = Field(nullable=False)
    duration_ms: float = Field(nullable=False)
    attempts: int = Field(default=1, nullable=False)
    error: str | None = Field(default=None, sa_type=String(64))


class DashboardSession(SQLModel, table=True):
    """An open dashboard session, by a digest of its id: any server on the database accepts its cookie until it
    expires or is signed out."""

    __tablename__ = "dashboard_sessions"

    id_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    expires_at: datetime = _timestamp(index=True)
    created_at: datetime = _timestamp(default_factory=utcnow)


class SocketMessage(SQLModel, table=True):
    """A message for a frontend SDK WebSocket held by another worker; that worker delivers and deletes it."""

    __tablename__ = "socket_messages"

    id: int | None = Field(default=None, primary_key=True)
    ws_client_id: str = Field(sa_type=String(64), nullable=False, index=True)
    message: dict[str, Any] = _json_column()
    created_at: datetime = _timestamp(default_factory=utcnow)


class ActionRun(SQLModel, table=True):
    """A background run of a provider action (``X-Async: true``): what to run, how it went, both encrypted."""

    __tablename__ = "action_runs"
    __table_args__ = (Index("ix_action_runs_status_lease", "status", "lease_until"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(sa_column=Column(String(36), nullable=False, unique=True))  # the UUID callers see
    integration_key: str = Field(sa_type=String(255), nullable=False)
    connection_id: str = Field(sa_type=String(255), nullable=False)
    action_name: str = Field(sa_type=String(255), nullable=False)
    status: str = Field(sa_type=String(16), nullable=False)  # pending, running, succeeded, failed
    input: str = Field(sa_type=Text, nullable=False)  # encrypted JSON: {"input": ...}
    result: str | None = Field(default=None, sa_type=Text)  # encrypted JSON: {"output": ...} or {"status", "error"}
    max_retries: int = Field(default=0, nullable=False)
    attempts: int = Field(default=0, nullable=False)
    lease_until: datetime | None = _timestamp(nullable=True, default=None)  # a worker runs it until then
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)
    finished_at: datetime | None = _timestamp(nullable=True, default=None)


# Every column that holds ciphertext: (table, column). Key rotation and the at-rest tests walk this list.
class FieldMapping(SQLModel, table=True):
    """Which provider field a unified ``custom_fields`` name stands for, per resource, for an integration (empty
    ``connection_id``) or one of its connections (overriding the integration's)."""

    __tablename__ = "field_mappings"
    __table_args__ = (UniqueConstraint("integration_id", "connection_id", "resource", name="uq_field_mappings_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("integrations.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    connection_id: str = Field(default="", sa_type=String(255), nullable=False)
    resource: str = Field(sa_type=String(255), nullable=False)
    mapping: dict[str, str] = _json_column()  # unified name -> provider field name
    updated_at: datetime = _timestamp(default_factory=utcnow)


class Record(SQLModel, table=True):
    """One synced object of a connection, by model and unified id, with Nango's record metadata."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("connection_pk", "model", "record_id", name="uq_records_object"),
        Index("ix_records_listing", "connection_pk", "model", "last_modified_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    connection_pk: int = Field(
        sa_column=Column(Integer, ForeignKey("connections.id", ondelete="CASCADE"), nullable=False)
    )
    model: str = Field(sa_type=String(255), nullable=False)
    record_id: str = Field(sa_type=String(512), nullable=False)
    payload: str | None = Field(default=None, sa_type=Text)  # encrypted JSON; None once pruned
    content_hash: str = Field(sa_type=String(64), nullable=False)
    first_seen_at: datetime = _timestamp(default_factory=utcnow)
    last_modified_at: datetime = _timestamp(default_factory=utcnow)
    last_action: str = Field(sa_type=String(16), nullable=False)  # ADDED, UPDATED, DELETED
    deleted_at: datetime | None = _timestamp(nullable=True, default=None)
    pruned_at: datetime | None = _timestamp(nullable=True, default=None)
    seen_run: int = Field(default=0, nullable=False)  # the sync run that last saw it (full syncs delete the rest)


class SyncState(SQLModel, table=True):
    """A sync of one connection: its checkpoint, schedule, last result, and the lease of the run in progress."""

    __tablename__ = "sync_states"
    __table_args__ = (UniqueConstraint("connection_pk", "sync_name", name="uq_sync_states_sync"),)

    id: int | None = Field(default=None, primary_key=True)
    connection_pk: int = Field(
        sa_column=Column(Integer, ForeignKey("connections.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    sync_name: str = Field(sa_type=String(255), nullable=False)
    checkpoint: dict[str, Any] = _json_column()  # e.g. {"modified_after": "..."}; {} before the first success
    paused: bool = Field(default=False, nullable=False)
    frequency: str | None = Field(default=None, sa_type=String(64))  # the connection's own; None: the sync's
    status: str = Field(default="PENDING", sa_type=String(16), nullable=False)  # RUNNING, SUCCESS, ERROR, ...
    next_run_at: datetime = _timestamp(default_factory=utcnow, index=True)
    lease_until: datetime | None = _timestamp(nullable=True, default=None)
    last_started_at: datetime | None = _timestamp(nullable=True, default=None)
    last_finished_at: datetime | None = _timestamp(nullable=True, default=None)
    last_result: dict[str, Any] = _json_column()  # {"added": n, "updated": n, "deleted": n}
    last_error: str | None = Field(default=None, sa_type=Text)
    runs: int = Field(default=0, nullable=False)
    failures: int = Field(default=0, nullable=False)  # failed runs in a row (the retry backoff grows with it)


class WebhookSettings(SQLModel, table=True):
    """Where and when Unigate sends webhooks to the customer's app (one row), and the key that signs them."""

    __tablename__ = "webhook_settings"

    id: int | None = Field(default=None, primary_key=True)
    primary_url: str | None = Field(default=None, sa_type=Text)
    secondary_url: str | None = Field(default=None, sa_type=Text)
    on_auth_creation: bool = Field(default=True, nullable=False)
    on_auth_refresh_error: bool = Field(default=True, nullable=False)
    on_sync_completion_always: bool = Field(default=False, nullable=False)  # else only runs that changed records
    on_sync_error: bool = Field(default=True, nullable=False)
    on_async_action_completion: bool = Field(default=True, nullable=False)
    signing_key: str | None = Field(default=None, sa_type=Text)  # encrypted JSON {"key": ...}
    updated_at: datetime = _timestamp(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One webhook to send to one URL: the outbox row written with the event, then each attempt's outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_type: str = Field(sa_type=String(32), nullable=False)  # auth, sync, forward, async_action
    url: str = Field(sa_type=Text, nullable=False)
    payload: str = Field(sa_type=Text, nullable=False)  # encrypted JSON body
    status: str = Field(default="pending", sa_type=String(16), nullable=False)  # pending, delivered, failed
    attempts: int = Field(default=0, nullable=False)
    next_attempt_at: datetime = _timestamp(default_factory=utcnow)
    lease_until: datetime | None = _timestamp(nullable=True, default=None)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _timestamp(default_factory=utcnow)
    delivered_at: datetime | None = _timestamp(nullable=True, default=None)


ENCRYPTED_COLUMNS: tuple[tuple[type[SQLModel], str], ...] = (
    (Integration, "secrets"),
    (Connection, "credentials"),
    (OAuthSession, "secrets"),
    (ActionRun, "input"),
    (ActionRun, "result"),
    (Record, "payload"),
    (WebhookSettings, "signing_key"),
    (WebhookDelivery, "payload"),
)


def encryption_context(model: type[SQLModel], column: str) -> str:
    """The associated data a column's ciphertext is bound to: a value cannot be moved to another column."""
    return f"{model.__tablename__}.{column}"
