"""What a provider plugin implements: a ``Provider`` class serving catalog entries, with ``Resource`` scripts.

A provider class names the catalog entries it serves (``catalog_keys``), optionally reacts to connection events
(fetch an account id after connecting, verify credentials, clean up before deletion), classifies the provider's
errors, and lists its unified resources (``resources = {"tickets": GitHubTickets}``; the key is the resource's
name) and its actions (``actions = {"add-labels": AddLabels}``, see ``Action``). Scripts call the
provider through ``ctx.http``, an httpx client that already carries the connection's credentials and base URL.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, Generic

import httpx
from pydantic import BaseModel
from typing_extensions import TypeVar

from gateway.provider.classification import ErrorResolution, UpstreamError
from gateway.provider.refusals import NotSupported
from gateway.provider.syncs import Sync
from gateway.provider.tokens import RefreshedTokens, TokenRefresh
from gateway.provider.webhooks import IncomingWebhook, WebhookResult
from unified_models import FieldWarning, RemoteObject


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
    # resource -> unified custom field name -> provider field: the integration's and connection's field mapping
    # (the gateway renames ``custom_fields`` keys by it; a plugin may read it to ask for those fields)
    field_mappings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


ItemT = TypeVar("ItemT", bound=RemoteObject)
ModelT = TypeVar("ModelT", bound=RemoteObject, default=RemoteObject)
CreateT = TypeVar("CreateT", bound=BaseModel, default=BaseModel)
UpdateT = TypeVar("UpdateT", bound=BaseModel, default=BaseModel)


@dataclass(frozen=True)
class ListQuery:
    """What a resource's ``list`` gets: page size, the provider's own cursor, and the filters the route accepts.

    ``cursor`` is the provider cursor a previous page returned (Unigate unwraps and verifies the caller's opaque
    cursor first), None for the first page. Filters are unified ids; the gateway refuses (400) a filter the
    resource does not declare in ``Resource.filters`` (or its ``filter_model``), so a declared filter must be
    applied, never ignored. ``parent_id`` is the path's id of a nested resource (``Resource.parent``); ``extra``
    holds the values of the resource's own ``filter_model`` fields, validated.
    """

    page_size: int = 50  # 1-200; providers with a lower maximum return shorter pages
    cursor: str | None = None
    modified_after: datetime | None = None
    include_remote_data: bool = False
    status: str | None = None  # the model's normalised status: a TicketStatus, DealStatus ... value
    collection_id: str | None = None
    assignee_id: str | None = None
    ticket_id: str | None = None
    email: str | None = None  # CRM: contacts with this email address
    domain: str | None = None  # CRM: companies with this web domain
    company_id: str | None = None
    contact_id: str | None = None
    deal_id: str | None = None
    owner_id: str | None = None
    parent_id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# The filters a resource may declare: the ``ListQuery`` fields other than paging, output options and the parent.
LIST_FILTERS = frozenset(f.name for f in fields(ListQuery)) - {
    "page_size",
    "cursor",
    "include_remote_data",
    "parent_id",
    "extra",
}
OPERATIONS = ("list", "get", "create", "update", "delete", "upsert")

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


class Resource(Generic[ModelT, CreateT, UpdateT]):
    """A unified resource of one provider (e.g. ``Resource[Ticket, TicketCreate, TicketUpdate]``): override the
    operations the provider supports.

    ``list`` returns a ``ResourcePage``, ``get`` one ``unified_models`` object, ``create``/``update``/``upsert`` a
    ``Written``, ``delete`` nothing. ``filters`` declares the ``ListQuery`` filters the resource applies,
    ``filter_model`` (a pydantic model of optional fields) filters of its own; the gateway refuses the others (400)
    before the call.

    A resource name the unified API does not have (``milestones``) is mounted from the declaration alone:
    ``GET/POST /milestones``, ``GET/PATCH/DELETE /milestones/{id}`` for the operations overridden, typed by the
    generic arguments (``Resource[Milestone, MilestoneCreate, MilestoneUpdate]``); with ``parent = "tickets"``
    its list is ``GET /tickets/{id}/milestones`` instead, the ticket's id in ``query.parent_id``. A built-in
    name (``tickets``) may use a subclass of the built-in model to add fields.

    Fill ``remote_data`` always; the gateway stamps ``provider`` with the connection's catalog key and removes
    ``remote_data`` unless asked (so return objects built for this call, not shared ones). Raise ``ProviderError``
    for provider refusals; an operation left as is answers 501.
    """

    fields: ClassVar[tuple[str, ...]] = ()  # unified fields the resource fills, for the reference; () = undeclared
    filters: ClassVar[frozenset[str]] = frozenset()  # ListQuery filters ``list`` applies
    filter_model: ClassVar[type[BaseModel] | None] = None  # the resource's own list filters, in ``query.extra``
    parent: ClassVar[str | None] = None  # nest the list under ``/{parent}/{id}/{name}``

    def __init__(self, provider: Provider, name: str) -> None:
        self.provider = provider
        self.name = name  # the resource's key in ``Provider.resources``

    def _not_supported(self, verb: str) -> NotSupported:
        return NotSupported(self.provider.catalog_key, f"{verb} {self.name}")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[ModelT]:
        raise self._not_supported("listing")

    async def get(self, ctx: ProviderContext, remote_id: str) -> ModelT:
        raise self._not_supported("getting")

    async def create(self, ctx: ProviderContext, data: CreateT) -> Written[ModelT]:
        raise self._not_supported("creating")

    async def update(self, ctx: ProviderContext, remote_id: str, data: UpdateT) -> Written[ModelT]:
        raise self._not_supported("updating")

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        raise self._not_supported("deleting")

    async def upsert(self, ctx: ProviderContext, data: CreateT) -> Written[ModelT]:
        """Create the object, or update the one with the same natural key (a contact's email, a company's domain)."""
        raise self._not_supported("upserting")

    @classmethod
    def operations(cls) -> tuple[str, ...]:
        """The operations this resource overrides."""
        return tuple(op for op in OPERATIONS if getattr(cls, op) is not getattr(Resource, op))

    @classmethod
    def models(cls) -> tuple[type[BaseModel] | None, type[BaseModel] | None, type[BaseModel] | None]:
        """``(model, create, update)`` as declared by ``Resource[Model, Create, Update]``; None where not."""
        for klass in cls.__mro__:
            for base in getattr(klass, "__orig_bases__", ()):
                if typing.get_origin(base) is Resource:
                    args = [_declared_model(arg) for arg in (*typing.get_args(base), None, None, None)[:3]]
                    return args[0], args[1], args[2]
        return None, None, None


InputT = TypeVar("InputT", bound=BaseModel, default=BaseModel)
OutputT = TypeVar("OutputT", bound=BaseModel, default=BaseModel)


class Action(Generic[InputT, OutputT]):
    """An action of one provider: override ``run``. Raise ``ProviderError`` for provider refusals.

    ``description`` (default: the class docstring's first paragraph) is shown in the Scripts listing and the
    reference. ``ctx.http`` carries the connection's credentials and base URL, as in resource scripts.
    """

    description: ClassVar[str] = ""

    def __init__(self, provider: Provider, name: str) -> None:
        self.provider = provider
        self.name = name  # the action's key in ``Provider.actions``

    async def run(self, ctx: ProviderContext, input: InputT) -> OutputT:
        raise NotImplementedError(f"{type(self).__qualname__} must implement run()")

    @classmethod
    def models(cls) -> tuple[type[BaseModel], type[BaseModel]]:
        """``(input model, output model)`` as declared by ``Action[Input, Output]``; ``BaseModel`` where not."""
        for klass in cls.__mro__:
            for base in getattr(klass, "__orig_bases__", ()):
                if typing.get_origin(base) is Action:
                    args = [_model_or_base(arg) for arg in typing.get_args(base)]
                    return args[0], args[1]
        return BaseModel, BaseModel

    @classmethod
    def summary(cls) -> str:
        """The description, or the docstring's first paragraph."""
        text = cls.description or (cls.__doc__ or "")
        return " ".join(text.strip().split("\n\n")[0].split())


def _model_or_base(arg: Any) -> type[BaseModel]:
    return _declared_model(arg) or BaseModel


def _declared_model(arg: Any) -> type[BaseModel] | None:
    """``arg`` if it is a model class other than the generic parameters' defaults, else None."""
    usable = isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in (BaseModel, RemoteObject)
    return arg if usable else None


class Provider:
    """Base class of provider plugins: set ``catalog_keys`` (or ``catalog_key`` for one) and register the class.

    One instance serves every key in ``catalog_keys`` (e.g. ``("github", "github-app")``); ``ctx.provider`` says
    which one a call is for. ``replaces`` names built-in keys this class takes over (see docs/plugins.md).
    """

    catalog_keys: ClassVar[tuple[str, ...]] = ()
    catalog_key: ClassVar[str] = ""  # the first of ``catalog_keys``; setting it alone means ``catalog_keys = (it,)``
    replaces: ClassVar[tuple[str, ...]] = ()
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {}
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {}
    syncs: ClassVar[Mapping[str, Sync]] = {}  # name -> what it copies into the records cache

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "catalog_key" in own and "catalog_keys" not in own:
            cls.catalog_keys = (cls.catalog_key,) if cls.catalog_key else ()
        elif cls.catalog_keys:
            cls.catalog_key = cls.catalog_keys[0]
        if isinstance(cls.replaces, str):
            cls.replaces = (cls.replaces,)

    def resource(self, name: str) -> Resource[Any, Any, Any] | None:
        cls = self.resources.get(name)
        return cls(self, name) if cls else None

    def action(self, name: str) -> Action[Any, Any] | None:
        cls = self.actions.get(name)
        return cls(self, name) if cls else None

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

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """Verify and read a webhook the provider sent to ``/webhook/{environment}/{integration}``; None (the
        default): this provider's webhooks are not handled (answered 404)."""
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
