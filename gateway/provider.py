"""What a provider plugin implements: a ``Provider`` class per catalog entry, with ``Resource`` scripts.

A provider class names its catalog entry (``catalog_key``), optionally reacts to connection events (fetch an
account id after connecting, verify credentials, clean up before deletion), classifies the provider's errors,
and lists its unified resources (``resources = {"tickets": GitHubTickets}``). Resource scripts call the provider
through ``ctx.http``, an httpx client that already carries the connection's credentials and base URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

import httpx
from pydantic import BaseModel

from unified_models import FieldWarning, RemoteObject

Action = Literal["retry", "refresh_and_retry", "wait_and_retry", "fail"]
Failure = Literal["transient", "rate_limited", "auth", "not_found", "invalid_request", "upstream", "network"]


@dataclass(frozen=True)
class UpstreamError:
    """A failed upstream call: an HTTP answer (status, headers, body) or a network exception."""

    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    exception: BaseException | None = None


@dataclass(frozen=True)
class ErrorResolution:
    """What to do about an ``UpstreamError``; ``wait_seconds`` applies to ``wait_and_retry``."""

    action: Action
    failure: Failure
    message: str = ""
    wait_seconds: float | None = None


class NotSupported(Exception):
    """An operation the provider cannot do; the API answers 501 naming provider and operation."""

    def __init__(self, provider: str, operation: str) -> None:
        super().__init__(f"{provider} does not support {operation}")
        self.provider = provider
        self.operation = operation


class ProviderError(Exception):
    """A provider answer a resource script turns into an API error that keeps its meaning.

    ``status`` is the status Unigate answers (404 for an object the provider does not have, 422 for a value it
    refuses, 400 for a query it cannot serve), ``code`` the error code, ``field`` the unified field at fault if known.
    """

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class CredentialsRejected(Exception):
    """Raised by ``Provider.verify_credentials`` (or ``refresh_tokens``) when the provider refuses the credentials."""


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


@dataclass
class ProviderContext:
    """What a provider's methods and resource scripts get for one connection."""

    provider: str
    integration_key: str
    connection_id: str
    connection_config: dict[str, Any]
    metadata: dict[str, Any]
    http: httpx.AsyncClient
    catalog_entry: Mapping[str, Any] = field(default_factory=dict)  # the provider's resolved catalog entry


ItemT = TypeVar("ItemT", bound=RemoteObject)


@dataclass(frozen=True)
class ListQuery:
    """What a resource's ``list`` gets: page size, the provider's own cursor, and the filters the route accepts.

    ``cursor`` is the provider cursor a previous page returned (Unigate unwraps and verifies the caller's opaque
    cursor first), None for the first page. Filters are unified ids; a filter a provider cannot apply should raise
    ``ProviderError(400, "invalid_query_params", ...)`` rather than be ignored.
    """

    page_size: int = 50  # 1-200; providers with a lower maximum return shorter pages
    cursor: str | None = None
    modified_after: datetime | None = None
    include_remote_data: bool = False
    status: str | None = None  # a TicketStatus value
    collection_id: str | None = None
    assignee_id: str | None = None
    ticket_id: str | None = None


# The envelope every unified object carries; a resource's ``fields`` starts with these.
ENVELOPE_FIELDS = ("id", "remote_id", "provider", "remote_created_at", "remote_updated_at", "remote_data")


@dataclass
class ResourcePage(Generic[ItemT]):
    """One page from ``Resource.list``: the items, the provider cursor of the next page (None on the last)."""

    items: list[ItemT]
    next_cursor: str | None = None
    warnings: list[FieldWarning] = field(default_factory=list)


@dataclass
class Written(Generic[ItemT]):
    """What ``create`` and ``update`` return: the object as the provider now has it, and the fields not written."""

    item: ItemT
    warnings: list[FieldWarning] = field(default_factory=list)


class Resource:
    """A unified resource of one provider (e.g. tickets): override the operations the provider supports.

    ``list`` returns a ``ResourcePage``, ``get`` one ``unified_models`` object, ``create``/``update`` a ``Written``
    (input: the resource's ``*Create``/``*Update`` model). Fill ``remote_data`` always: Unigate removes it unless
    the caller asked for it (so return objects built for this call, not shared ones). Raise ``ProviderError`` for
    provider refusals; an operation left as is answers 501.
    """

    name: ClassVar[str] = ""
    fields: ClassVar[tuple[str, ...]] = ()  # unified fields the resource fills, for the reference; () = undeclared

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Any]:
        raise NotSupported(self.provider.catalog_key, f"listing {self.name}")

    async def get(self, ctx: ProviderContext, remote_id: str) -> RemoteObject:
        raise NotSupported(self.provider.catalog_key, f"getting {self.name}")

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Any]:
        raise NotSupported(self.provider.catalog_key, f"creating {self.name}")

    async def update(self, ctx: ProviderContext, remote_id: str, data: BaseModel) -> Written[Any]:
        raise NotSupported(self.provider.catalog_key, f"updating {self.name}")

    @classmethod
    def operations(cls) -> tuple[str, ...]:
        """The operations this resource overrides."""
        return tuple(op for op in ("list", "get", "create", "update") if getattr(cls, op) is not getattr(Resource, op))


class Provider:
    """Base class of provider plugins. Subclass it, set ``catalog_key`` and register it."""

    catalog_key: ClassVar[str] = ""
    resources: ClassVar[Mapping[str, type[Resource]]] = {}

    def resource(self, name: str) -> Resource | None:
        cls = self.resources.get(name)
        return cls(self) if cls else None

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Before a new or re-authorised connection is stored: e.g. look up an account id and keep it in
        ``ctx.connection_config``; raising stores nothing."""

    async def verify_credentials(self, ctx: ProviderContext) -> None:
        """Check new API-key or Basic credentials; raise ``CredentialsRejected`` to refuse them.

        The default is the catalog's ``proxy.verification``; override it for providers that need more.
        """

    async def pre_connection_deletion(self, ctx: ProviderContext) -> None:
        """Before a connection is deleted: e.g. remove a webhook registered at the provider."""

    async def refresh_tokens(self, refresh: TokenRefresh) -> RefreshedTokens | None:
        """Refresh an OAuth 2 connection's tokens a non-standard way; None (the default) uses the standard grant.

        Raise ``CredentialsRejected`` when the provider refuses the refresh token (the connection must reconnect).
        """
        return None

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """Classify this provider's errors before the ``classify_upstream_error`` hook; None to pass."""
        return None


def unsettable(fields: Mapping[str, Any], reasons: Mapping[str, str], object_id: str | None) -> list[FieldWarning]:
    """A warning for each field sent with a value (not null or empty) that the provider cannot set, with the reason."""
    return [
        FieldWarning(field=name, message=reason, object_id=object_id)
        for name, reason in reasons.items()
        if fields.get(name) not in (None, [])
    ]


def unsupported_filter(field: str, message: str) -> ProviderError:
    """A 400 ``invalid_query_params`` for a list filter the provider cannot apply; ``message`` says why and the fix."""
    return ProviderError(400, "invalid_query_params", f"{field}: {message}", field=field)


def refuse_modified_after(query: ListQuery, provider: str, what: str) -> None:
    """Refuse ``modified_after`` on a list the provider cannot filter by modification time (never ignore it)."""
    if query.modified_after is not None:
        message = f"{provider} cannot filter {what} by modification time; leave it out"
        raise unsupported_filter("modified_after", message)


def error_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a provider's error answer; ``{}`` when the answer has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
