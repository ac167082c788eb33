"""The asynchronous client: ``AsyncUnigate(base_url, secret_key)`` and the connection-scoped ``AsyncConnection``."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Never, TypeVar, overload

import httpx
from pydantic import BaseModel

import gateway.client.actions as actions
import gateway.client.management as management
import gateway.client.records as records
from gateway.client.models import ActionRun, ConnectionDetail, ConnectSession, Integration
from gateway.client.models import Connection as ConnectionSummary
from gateway.client.proxy import AsyncProxy
from gateway.client.resources import AsyncChildResource, AsyncResource
from gateway.client.transport import AsyncTransport
from unified_models import (
    Account,
    Attachment,
    Collection,
    Comment,
    Company,
    CompanyCreate,
    CompanyUpdate,
    Contact,
    CrmContact,
    CrmContactCreate,
    CrmContactUpdate,
    Deal,
    DealCreate,
    DealUpdate,
    NewComment,
    Note,
    NoteCreate,
    Pipeline,
    Tag,
    Task,
    TaskCreate,
    TaskUpdate,
    Team,
    Ticket,
    TicketCreate,
    TicketUpdate,
    User,
)

M = TypeVar("M", bound=BaseModel)
C = TypeVar("C", bound=BaseModel)
U = TypeVar("U", bound=BaseModel)


class AsyncActions:
    """A connection's actions: ``trigger`` waits for the output; ``trigger_async`` and ``result`` poll a run."""

    def __init__(self, transport: AsyncTransport, scope: dict[str, str]) -> None:
        self._transport = transport
        self._scope = scope

    async def trigger(self, name: str, input: Any = None, *, max_retries: int = 0) -> Any:
        """The action's output (any JSON); its errors raise."""
        return await self._transport.run(actions.trigger(self._scope, name, input, max_retries, run_async=False))

    async def trigger_async(self, name: str, input: Any = None, *, max_retries: int = 0) -> str:
        """Start a background run; its id, for ``result``."""
        run_id: str = await self._transport.run(actions.trigger(self._scope, name, input, max_retries, run_async=True))
        return run_id

    async def result(self, run_id: str) -> ActionRun:
        """The run's state (``done`` with its ``output`` once it succeeded); a failed run raises its error."""
        return await self._transport.run(actions.result(self._scope, run_id))


class AsyncRecords:
    """A connection's records cache and syncs: ``async for record in conn.records.list("Ticket")``."""

    def __init__(self, transport: AsyncTransport, scope: dict[str, str]) -> None:
        self._transport = transport
        self._scope = scope

    async def list(
        self, model: str, *, cursor: str | None = None, limit: int = 100, modified_after: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every record of ``model`` after ``cursor`` (each with ``_nango_metadata``, whose cursor resumes)."""
        while True:
            items, cursor = await self._transport.run(
                records.records_page(self._scope, model, cursor, limit, modified_after)
            )
            for item in items:
                yield item
            if cursor is None:
                return

    async def trigger(self, *syncs: str, reset: bool = False) -> bool:
        return await self._transport.run(records.trigger(self._scope, syncs, reset))

    async def status(self, *syncs: str) -> builtins.list[dict[str, Any]]:
        """``GET /sync/status`` entries of the named syncs (all when none is named)."""
        return await self._transport.run(records.status(self._scope, syncs))


class AsyncConnection:
    """One connection's unified resources, proxy and actions: ``client.connection("github-prod", "user-42")``."""

    def __init__(self, transport: AsyncTransport, provider_config_key: str, connection_id: str) -> None:
        self._transport = transport
        self.provider_config_key = provider_config_key
        self.connection_id = connection_id
        self.scope = {"Connection-Id": connection_id, "Provider-Config-Key": provider_config_key}
        r = self.resource
        self.tickets = r("tickets", Ticket, TicketCreate, TicketUpdate)
        self.comments: AsyncChildResource[Comment, NewComment] = AsyncChildResource(
            transport, "tickets", "comments", Comment, self.scope
        )
        self.collections = r("collections", Collection)
        self.users = r("users", User)
        self.tags = r("tags", Tag)
        self.teams = r("teams", Team)
        self.accounts = r("accounts", Account)
        self.contacts = r("contacts", Contact)
        self.attachments = r("attachments", Attachment)
        self.crm_contacts = r("crm/contacts", CrmContact, CrmContactCreate, CrmContactUpdate)
        self.crm_companies = r("crm/companies", Company, CompanyCreate, CompanyUpdate)
        self.crm_deals = r("crm/deals", Deal, DealCreate, DealUpdate)
        self.crm_pipelines = r("crm/pipelines", Pipeline)
        self.crm_notes = r("crm/notes", Note, NoteCreate)
        self.crm_tasks = r("crm/tasks", Task, TaskCreate, TaskUpdate)
        self.crm_users = r("crm/users", User)
        self.proxy = AsyncProxy(transport.http, self.scope)
        self.actions = AsyncActions(transport, self.scope)
        self.records = AsyncRecords(transport, self.scope)

    @overload
    def resource(self, name: str, model: type[M]) -> AsyncResource[M, Never, Never]: ...
    @overload
    def resource(self, name: str, model: type[M], create: type[C]) -> AsyncResource[M, C, Never]: ...
    @overload
    def resource(self, name: str, model: type[M], create: type[C], update: type[U]) -> AsyncResource[M, C, U]: ...
    def resource(
        self, name: str, model: type[M], create: type[C] | None = None, update: type[U] | None = None
    ) -> AsyncResource[M, Any, Any]:
        """Any resource type by its route name, e.g. a plugin's ``resource("milestones", Milestone, ...)``.

        ``create`` and ``update`` only type the methods of those names; left out, the type checker refuses them.
        """
        return AsyncResource(self._transport, name, model, self.scope)


class AsyncUnigate:
    """The asynchronous client. ``async with AsyncUnigate("http://127.0.0.1:3003", key) as client: ...``."""

    def __init__(self, base_url: str, secret_key: str, *, timeout: float = 60.0, http: httpx.AsyncClient | None = None):
        headers = {"Authorization": f"Bearer {secret_key}"}
        self.http = http or httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)
        self._transport = AsyncTransport(self.http)

    async def __aenter__(self) -> AsyncUnigate:
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def connection(self, provider_config_key: str, connection_id: str) -> AsyncConnection:
        return AsyncConnection(self._transport, provider_config_key, connection_id)

    # Integrations
    async def list_integrations(self) -> list[Integration]:
        return await self._transport.run(management.list_integrations())

    async def get_integration(self, unique_key: str, *, include: str | None = None) -> Integration:
        return await self._transport.run(management.get_integration(unique_key, include))

    async def create_integration(
        self, provider: str, unique_key: str, *, credentials: dict[str, Any] | None = None, **fields: Any
    ) -> Integration:
        body = {"provider": provider, "unique_key": unique_key, "credentials": credentials, **fields}
        return await self._transport.run(management.create_integration(body))

    async def delete_integration(self, unique_key: str) -> None:
        await self._transport.run(management.delete_integration(unique_key))

    # Connections
    async def list_connections(self, **filters: Any) -> list[ConnectionSummary]:
        """``filters``: ``connectionId``, ``search``, ``endUserId``, ``integrationId``, ``page``, ``limit``..."""
        return await self._transport.run(management.list_connections(filters))

    async def get_connection(
        self, provider_config_key: str, connection_id: str, *, refresh_token: bool = False
    ) -> ConnectionDetail:
        return await self._transport.run(management.get_connection(connection_id, provider_config_key, refresh_token))

    async def import_connection(
        self, provider_config_key: str, connection_id: str, credentials: dict[str, Any], **fields: Any
    ) -> ConnectionDetail:
        body = {"provider_config_key": provider_config_key, "connection_id": connection_id, "credentials": credentials}
        return await self._transport.run(management.import_connection({**body, **fields}))

    async def delete_connection(self, provider_config_key: str, connection_id: str) -> None:
        await self._transport.run(management.delete_connection(connection_id, provider_config_key))

    # Connect sessions
    async def create_connect_session(self, end_user: dict[str, Any], **fields: Any) -> ConnectSession:
        """``end_user``: ``{"id", "email"?, "display_name"?}``; ``fields``: ``allowed_integrations``, ``tags``..."""
        return await self._transport.run(management.create_connect_session({"end_user": end_user, **fields}))
