"""A typed Python client for Unigate, sync (``Unigate``) and async (``AsyncUnigate``), over httpx.

It imports only httpx, pydantic and ``unified_models``, never the rest of ``gateway`` (an import-linter contract
checks it), so an application may use it without running a server. See docs/client.md.
"""

from gateway.client.aio import AsyncActions, AsyncConnection, AsyncUnigate
from gateway.client.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnigateError,
    UnprocessableError,
)
from gateway.client.models import ActionRun, ConnectionDetail, ConnectSession, Integration
from gateway.client.models import Connection as ConnectionSummary
from gateway.client.proxy import AsyncProxy, Proxy
from gateway.client.resources import AsyncResource, Resource
from gateway.client.sync import Actions, Connection, Unigate

__all__ = [
    "Actions",
    "ActionRun",
    "AsyncActions",
    "AsyncConnection",
    "AsyncProxy",
    "AsyncResource",
    "AsyncUnigate",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "Connection",
    "ConnectionDetail",
    "ConnectionSummary",
    "ConnectSession",
    "Integration",
    "NotFoundError",
    "Proxy",
    "RateLimitedError",
    "Resource",
    "ServerError",
    "Unigate",
    "UnigateError",
    "UnprocessableError",
]
