"""What a provider plugin implements: a ``Provider`` class per catalog entry, with ``Resource`` scripts.

A provider class names its catalog entry (``catalog_key``), optionally reacts to connection events (fetch an
account id after connecting, verify credentials, clean up before deletion), classifies the provider's errors,
and lists its unified resources (``resources = {"tickets": GitHubTickets}``). Resource scripts call the provider
through ``ctx.http``, an httpx client that already carries the connection's credentials and base URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import httpx

if TYPE_CHECKING:
    from gateway.runtime import Gateway

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


class CredentialsRejected(Exception):
    """Raised by ``Provider.verify_credentials`` when the provider refuses the credentials."""


@dataclass
class ProviderContext:
    """What a provider's methods and resource scripts get for one connection."""

    gateway: Gateway
    provider: str
    integration_key: str
    connection_id: str
    connection_config: dict[str, Any]
    metadata: dict[str, Any]
    http: httpx.AsyncClient


class Resource:
    """A unified resource of one provider (e.g. tickets): override the operations the provider supports.

    Each operation returns ``unified_models`` objects; an operation left as is answers 501.
    """

    name: ClassVar[str] = ""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def list(self, ctx: ProviderContext, query: Mapping[str, Any]) -> Any:
        raise NotSupported(self.provider.catalog_key, f"listing {self.name}")

    async def get(self, ctx: ProviderContext, remote_id: str) -> Any:
        raise NotSupported(self.provider.catalog_key, f"getting {self.name}")

    async def create(self, ctx: ProviderContext, data: Any) -> Any:
        raise NotSupported(self.provider.catalog_key, f"creating {self.name}")

    async def update(self, ctx: ProviderContext, remote_id: str, data: Any) -> Any:
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
        """After a connection is created: e.g. look up an account id and store it in ``ctx.connection_config``."""

    async def verify_credentials(self, ctx: ProviderContext) -> None:
        """Check new API-key or Basic credentials; raise ``CredentialsRejected`` to refuse them.

        The default is the catalog's ``proxy.verification``; override it for providers that need more.
        """

    async def pre_connection_deletion(self, ctx: ProviderContext) -> None:
        """Before a connection is deleted: e.g. remove a webhook registered at the provider."""

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """Classify this provider's errors before the ``classify_upstream_error`` hook; None to pass."""
        return None
