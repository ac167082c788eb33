"""The asynchronous client: ``AsyncUnigate(base_url, secret_key)`` and the connection-scoped ``AsyncConnection``."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Never, TypeVar

import httpx
from pydantic import BaseModel

from gateway.client import actions, management
from gateway.client.models import ActionRun, ConnectionDetail, ConnectSession, Integration
from gateway.client.models import Connection as ConnectionSummary
from gateway.client.proxy import AsyncProxy
from gateway.client.resources import AsyncResource
from gateway.client.transport import AsyncTransport
from unified_models import (
    Account,
    Attachment,
    Collection,
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


class AsyncConnection:
    """One connection's unified resources, proxy and actions: ``client.connection("github-prod", "user-42")``."""

    def __init__(self, transport: AsyncTransport, provider_config_key: str, connection_id: str) -> None:
        self._transport = transport
        self.provider_config_key = provider_config_key
        self.connection_id = connection_id
        self.scope = {"Connection-Id": connection_id, "Provider-Config-Key": provider_config_key}
        r = self.resource
        self.tickets: AsyncResource[Ticket, TicketCreate, TicketUpdate] = r("tickets", Ticket)
        self.collections: AsyncResource[Collection, Never, Never] = r("collections", Collection)
        self.users: AsyncResource[User, Never, Never] = r("users", User)
        self.tags: AsyncResource[Tag, Never, Never] = r("tags", Tag)
        self.teams: AsyncResource[Team, Never, Never] = r("teams", Team)
        self.accounts: AsyncResource[Account, Never, Never] = r("accounts", Account)
        self.contacts: AsyncResource[Contact, Never, Never] = r("contacts", Contact)
        self.attachments: AsyncResource[Attachment, Never, Never] = r("attachments", Attachment)
        self.crm_contacts: AsyncResource[CrmContact, CrmContactCreate, CrmContactUpdate] = r("crm/contacts", CrmContact)
        self.crm_companies: AsyncResource[Company, CompanyCreate, CompanyUpdate] = r("crm/companies", Company)
        self.crm_deals: AsyncResource[Deal, DealCreate, DealUpdate] = r("crm/deals", Deal)
        self.crm_pipelines: AsyncResource[Pipeline, Never, Never] = r("crm/pipelines", Pipeline)
        self.crm_notes: AsyncResource[Note, NoteCreate, Never] = r("crm/notes", Note)
        self.crm_tasks: AsyncResource[Task, TaskCreate, TaskUpdate] = r("crm/tasks", Task)
        self.crm_users: AsyncResource[User, Never, Never] = r("crm/users", User)
        self.proxy = AsyncProxy(transport.http, self.scope)
        self.actions = AsyncActions(transport, self.scope)

    def resource(
        self, name: str, model: type[M], create: type[C] | None = None, update: type[U] | None = None
    ) -> AsyncResource[M, C, U]:
        """Any resource type by its route name, e.g. a plugin's ``resource("milestones", Milestone, ...)``."""
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
