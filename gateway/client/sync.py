"""The synchronous client: ``Unigate(base_url, secret_key)`` and the connection-scoped ``Connection``."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Never, TypeVar, overload

import httpx
from pydantic import BaseModel

import gateway.client.actions as actions
import gateway.client.management as management
import gateway.client.records as records
from gateway.client.models import ActionRun, ConnectionDetail, ConnectSession, Integration
from gateway.client.models import Connection as ConnectionSummary
from gateway.client.proxy import Proxy
from gateway.client.resources import ChildResource, Resource
from gateway.client.transport import SyncTransport
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


class Actions:
    """A connection's actions: ``trigger`` waits for the output; ``trigger_async`` and ``result`` poll a run."""

    def __init__(self, transport: SyncTransport, scope: dict[str, str]) -> None:
        self._transport = transport
        self._scope = scope

    def trigger(self, name: str, input: Any = None, *, max_retries: int = 0) -> Any:
        """The action's output (any JSON); its errors raise."""
        return self._transport.run(actions.trigger(self._scope, name, input, max_retries, run_async=False))

    def trigger_async(self, name: str, input: Any = None, *, max_retries: int = 0) -> str:
        """Start a background run; its id, for ``result``."""
        run_id: str = self._transport.run(actions.trigger(self._scope, name, input, max_retries, run_async=True))
        return run_id

    def result(self, run_id: str) -> ActionRun:
        """The run's state (``done`` with its ``output`` once it succeeded); a failed run raises its error."""
        return self._transport.run(actions.result(self._scope, run_id))


class Records:
    """A connection's records cache and syncs: ``list("Ticket")`` follows the cursor; ``trigger``, ``status``."""

    def __init__(self, transport: SyncTransport, scope: dict[str, str]) -> None:
        self._transport = transport
        self._scope = scope

    def list(
        self, model: str, *, cursor: str | None = None, limit: int = 100, modified_after: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every record of ``model`` after ``cursor`` (each with ``_nango_metadata``, whose cursor resumes)."""
        while True:
            page = records.records_page(self._scope, model, cursor, limit, modified_after)
            items, cursor = self._transport.run(page)
            yield from items
            if cursor is None:
                return

    def trigger(self, *syncs: str, reset: bool = False) -> bool:
        return self._transport.run(records.trigger(self._scope, syncs, reset))

    def status(self, *syncs: str) -> builtins.list[dict[str, Any]]:
        """``GET /sync/status`` entries of the named syncs (all when none is named)."""
        return self._transport.run(records.status(self._scope, syncs))


class Connection:
    """One connection's unified resources, proxy and actions: ``client.connection("github-prod", "user-42")``."""

    def __init__(self, transport: SyncTransport, provider_config_key: str, connection_id: str) -> None:
        self._transport = transport
        self.provider_config_key = provider_config_key
        self.connection_id = connection_id
        self.scope = {"Connection-Id": connection_id, "Provider-Config-Key": provider_config_key}
        r = self.resource
        self.tickets = r("tickets", Ticket, TicketCreate, TicketUpdate)
        self.comments: ChildResource[Comment, NewComment] = ChildResource(
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
        self.proxy = Proxy(transport.http, self.scope)
        self.actions = Actions(transport, self.scope)
        self.records = Records(transport, self.scope)

    @overload
    def resource(self, name: str, model: type[M]) -> Resource[M, Never, Never]: ...
    @overload
    def resource(self, name: str, model: type[M], create: type[C]) -> Resource[M, C, Never]: ...
    @overload
    def resource(self, name: str, model: type[M], create: type[C], update: type[U]) -> Resource[M, C, U]: ...
    def resource(
        self, name: str, model: type[M], create: type[C] | None = None, update: type[U] | None = None
    ) -> Resource[M, Any, Any]:
        """Any resource type by its route name, e.g. a plugin's ``resource("milestones", Milestone, ...)``.

        ``create`` and ``update`` only type the methods of those names; left out, the type checker refuses them.
        """
        return Resource(self._transport, name, model, self.scope)


class Unigate:
    """The synchronous client. ``with Unigate("http://127.0.0.1:3003", key) as client: ...``."""

    def __init__(self, base_url: str, secret_key: str, *, timeout: float = 60.0, http: httpx.Client | None = None):
        headers = {"Authorization": f"Bearer {secret_key}"}
        self.http = http or httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        self._transport = SyncTransport(self.http)

    def __enter__(self) -> Unigate:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def connection(self, provider_config_key: str, connection_id: str) -> Connection:
        return Connection(self._transport, provider_config_key, connection_id)

    # Integrations
    def list_integrations(self) -> list[Integration]:
        return self._transport.run(management.list_integrations())

    def get_integration(self, unique_key: str, *, include: str | None = None) -> Integration:
        return self._transport.run(management.get_integration(unique_key, include))

    def create_integration(
        self, provider: str, unique_key: str, *, credentials: dict[str, Any] | None = None, **fields: Any
    ) -> Integration:
        body = {"provider": provider, "unique_key": unique_key, "credentials": credentials, **fields}
        return self._transport.run(management.create_integration(body))

    def delete_integration(self, unique_key: str) -> None:
        self._transport.run(management.delete_integration(unique_key))

    # Connections
    def list_connections(self, **filters: Any) -> list[ConnectionSummary]:
        """``filters``: ``connectionId``, ``search``, ``endUserId``, ``integrationId``, ``page``, ``limit``..."""
        return self._transport.run(management.list_connections(filters))

    def get_connection(
        self, provider_config_key: str, connection_id: str, *, refresh_token: bool = False
    ) -> ConnectionDetail:
        return self._transport.run(management.get_connection(connection_id, provider_config_key, refresh_token))

    def import_connection(
        self, provider_config_key: str, connection_id: str, credentials: dict[str, Any], **fields: Any
    ) -> ConnectionDetail:
        body = {"provider_config_key": provider_config_key, "connection_id": connection_id, "credentials": credentials}
        return self._transport.run(management.import_connection({**body, **fields}))

    def delete_connection(self, provider_config_key: str, connection_id: str) -> None:
        self._transport.run(management.delete_connection(connection_id, provider_config_key))

    # Connect sessions
    def create_connect_session(self, end_user: dict[str, Any], **fields: Any) -> ConnectSession:
        """``end_user``: ``{"id", "email"?, "display_name"?}``; ``fields``: ``allowed_integrations``, ``tags``..."""
        return self._transport.run(management.create_connect_session({"end_user": end_user, **fields}))
