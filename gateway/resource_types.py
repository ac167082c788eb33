"""The unified resource types the gateway serves: the built-in ones, and those plugins declare.

A resource type is a name (``tickets``, a plugin's ``milestones``) with its models, the list filters its route
accepts, where it sits in the URL space (top level, or listed under a parent), and the operations routes are
mounted for. ``build_resource_types`` starts from the built-in table and adds each registered provider's
``Provider.resources``: a new name becomes a type of its own; a built-in name may bring a subclass of the built-in
model whose extra fields are merged into the type, so the routes, ``/openapi.json`` and the reference show them.
Conflicting declarations fail at start-up naming both distributions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo

from gateway.plugins import PluginError
from gateway.provider import LIST_FILTERS, OPERATIONS, Resource
from gateway.registry import ProviderRegistry
from unified_models import (
    Account,
    Attachment,
    Collection,
    Comment,
    CommentCreate,
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
    RemoteObject,
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

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
#: First path segments the rest of the API uses (and the next features will): no resource may take them.
RESERVED = frozenset(
    {
        "action",
        "actions",
        "admin",
        "api-auth",
        "app-auth",
        "auth",
        "config",
        "connect",
        "connection",
        "connections",
        "crm",
        "dashboard",
        "docs",
        "environment",
        "health",
        "integrations",
        "logs",
        "metrics",
        "oauth",
        "oauth2",
        "openapi.json",
        "providers",
        "proxy",
        "ready",
        "records",
        "reference",
        "static",
        "sync",
        "webhook",
        "webhooks",
    }
)


@dataclass(frozen=True)
class ResourceType:
    """One resource of the unified API, as its routes serve it."""

    name: str
    model: type[RemoteObject]
    create: type[BaseModel] | None = None
    update: type[BaseModel] | None = None
    filters: frozenset[str] = frozenset()  # ``ListQuery`` filters the list route accepts (besides modified_after)
    filter_model: type[BaseModel] | None = None  # filters of the resource's own, in ``ListQuery.extra``
    parent: str | None = None  # listed (and created) under ``/{parent}/{id}/{name}``
    parent_filter: str = "parent_id"  # the ``ListQuery`` field that receives the parent's id
    nested_create: type[BaseModel] | None = None  # body of ``POST /{parent}/{id}/{name}``, without the parent
    parent_field: str | None = None  # the create model's field that receives the parent's id
    operations: tuple[str, ...] = ()  # operations routes are mounted for
    holds: str = ""  # what a list holds, for route summaries
    declared_by: str = "unigate"  # the distribution that declared the type

    @property
    def builtin(self) -> bool:
        return self.declared_by == "unigate"

    def paths(self) -> dict[str, tuple[str, str]]:
        """Operation → (method, Starlette path) of each route the type has; ids are ``{id:path}``."""
        collection = f"/{self.parent}/{{id:path}}/{self.name}" if self.parent else f"/{self.name}"
        item = f"/{self.name}/{{id:path}}"
        nested_create = self.parent is not None and self.nested_create is not None
        every = {
            "list": ("GET", collection),
            "create": ("POST", collection if nested_create else f"/{self.name}"),
            "upsert": ("POST", f"/{self.name}/upsert"),
            "get": ("GET", item),
            "update": ("PATCH", item),
            "delete": ("DELETE", item),
        }
        return {op: every[op] for op in self.operations}


def _read_only(name: str, model: type[RemoteObject], holds: str, *filters: str) -> ResourceType:
    return ResourceType(name, model, filters=frozenset(filters), operations=("list", "get"), holds=holds)


BUILT_IN = (
    ResourceType(
        "tickets",
        Ticket,
        TicketCreate,
        TicketUpdate,
        filters=frozenset({"collection_id", "status", "assignee_id"}),
        operations=("list", "get", "create", "update"),
        holds="tickets",
    ),
    ResourceType(
        "comments",
        Comment,
        CommentCreate,
        parent="tickets",
        parent_filter="ticket_id",
        nested_create=NewComment,
        parent_field="ticket",
        operations=("list", "create"),
        holds="a ticket's comments",
    ),
    _read_only("collections", Collection, "collections (projects, repositories, lists)"),
    _read_only("users", User, "users", "collection_id"),
    _read_only("tags", Tag, "tags (labels)", "collection_id"),
    _read_only("teams", Team, "teams (groups of agents)"),
    _read_only("accounts", Account, "accounts (customer organizations)"),
    _read_only("contacts", Contact, "contacts (the people tickets come from)"),
    _read_only("attachments", Attachment, "attachments (files on tickets)", "ticket_id"),
    ResourceType(
        "crm/contacts",
        CrmContact,
        CrmContactCreate,
        CrmContactUpdate,
        filters=frozenset({"email", "company_id", "owner_id"}),
        operations=("list", "get", "create", "update"),
        holds="CRM contacts (people)",
    ),
    ResourceType(
        "crm/companies",
        Company,
        CompanyCreate,
        CompanyUpdate,
        filters=frozenset({"domain", "owner_id"}),
        operations=("list", "get", "create", "update"),
        holds="CRM companies (accounts, organizations)",
    ),
    ResourceType(
        "crm/deals",
        Deal,
        DealCreate,
        DealUpdate,
        filters=frozenset({"company_id", "contact_id", "owner_id", "status"}),
        operations=("list", "get", "create", "update"),
        holds="deals (opportunities)",
    ),
    _read_only("crm/pipelines", Pipeline, "deal pipelines and their stages"),
    ResourceType(
        "crm/notes",
        Note,
        NoteCreate,
        filters=frozenset({"company_id", "contact_id", "deal_id"}),
        operations=("list", "get", "create"),
        holds="notes on CRM records",
    ),
    ResourceType(
        "crm/tasks",
        Task,
        TaskCreate,
        TaskUpdate,
        filters=frozenset({"company_id", "contact_id", "deal_id", "owner_id"}),
        operations=("list", "get", "create", "update"),
        holds="tasks on CRM records",
    ),
    _read_only("crm/users", User, "CRM users (record owners)"),
)


class ResourceTypes(Mapping[str, ResourceType]):
    """Resource name → type, in mounting order (built-ins first)."""

    def __init__(self, types: Mapping[str, ResourceType]) -> None:
        self._types = MappingProxyType(dict(types))

    def __getitem__(self, name: str) -> ResourceType:
        return self._types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def children(self, parent: str) -> list[ResourceType]:
        return [t for t in self._types.values() if t.parent == parent]


@dataclass(frozen=True)
class _Declaration:
    distribution: str
    cls: type[Resource[Any, Any, Any]]

    def __str__(self) -> str:
        return f"{self.distribution} ({self.cls.__module__}.{self.cls.__qualname__})"


def _declarations(registry: ProviderRegistry) -> dict[str, list[_Declaration]]:
    """Each resource name's declaring classes, once per (distribution, class)."""
    seen: dict[str, list[_Declaration]] = {}
    for registration in registry.registrations.values():
        for name, cls in registration.provider.resources.items():
            declaration = _Declaration(registration.distribution, cls)
            if declaration not in seen.setdefault(name, []):
                seen[name].append(declaration)
    return seen


def build_resource_types(registry: ProviderRegistry) -> ResourceTypes:
    """The built-in types extended and completed by the registered providers; ``PluginError`` on conflicts."""
    types = {t.name: t for t in BUILT_IN}
    for name, declarations in _declarations(registry).items():
        for declaration in declarations:
            _check_filters(name, declaration)
        if name in types:
            types[name] = _extended(types[name], declarations)
        else:
            types[name] = _declared(name, declarations)
    for t in types.values():
        if t.parent is not None and t.parent not in types:
            raise PluginError(
                f"{t.declared_by} declares resource {t.name!r} under parent {t.parent!r}, which no plugin or "
                "built-in type declares; set parent to an existing resource name"
            )
    return ResourceTypes(types)


def _check_filters(name: str, declaration: _Declaration) -> None:
    unknown = sorted(set(declaration.cls.filters) - LIST_FILTERS)
    if unknown:
        raise PluginError(
            f"{declaration} declares filters {unknown} on resource {name!r}; standard filters are "
            f"{sorted(LIST_FILTERS)} (declare others in filter_model)"
        )


def _declared(name: str, declarations: list[_Declaration]) -> ResourceType:
    """A resource name the unified API does not have: its first declaration defines it, the others must agree."""
    first = declarations[0]
    if not NAME.match(name) or name in RESERVED:
        why = "it is a path the API uses" if name in RESERVED else "use lowercase letters, digits, - and _"
        raise PluginError(f"{first} declares resource {name!r}, which cannot be a route: {why}")
    model, create, update = first.cls.models()
    if not (isinstance(model, type) and issubclass(model, RemoteObject)):
        raise PluginError(
            f"{first} declares resource {name!r} without a model: subclass Resource[Model, Create, Update] with "
            "Model a unified_models.RemoteObject subclass"
        )
    shape = (model, create, update, first.cls.parent, first.cls.filter_model)
    for other in declarations[1:]:
        if (*other.cls.models(), other.cls.parent, other.cls.filter_model) != shape:
            raise PluginError(
                f"resource {name!r} is declared by both {first} and {other} with different models, parent or "
                "filter_model; rename one of them or share one declaration"
            )
    operations = _operations(declarations, create, update)
    summary = (first.cls.__doc__ or "").strip().split("\n")[0].rstrip(".")
    return ResourceType(
        name,
        model,
        create,
        update,
        filters=frozenset().union(*(d.cls.filters for d in declarations)),
        filter_model=first.cls.filter_model,
        parent=first.cls.parent,
        operations=operations,
        holds=summary or name,
        declared_by=first.distribution,
    )


def _operations(
    declarations: list[_Declaration], create: type[BaseModel] | None, update: type[BaseModel] | None
) -> tuple[str, ...]:
    """The operations any declaration implements; a write needs its model."""
    implemented = {op for d in declarations for op in d.cls.operations()}
    for op, model in (("create", create), ("upsert", create), ("update", update)):
        if op in implemented and model is None:
            who = next(d for d in declarations if op in d.cls.operations())
            raise PluginError(f"{who} implements {op} without declaring its model in Resource[Model, Create, Update]")
    return tuple(op for op in OPERATIONS if op in implemented)


def _extended(builtin: ResourceType, declarations: list[_Declaration]) -> ResourceType:
    """A built-in type with the fields plugins' subclasses add, and the operations and standard filters they
    implement."""
    models: list[type[BaseModel] | None] = [builtin.model, builtin.create, builtin.update]
    for index, role in enumerate(("model", "create model", "update model")):
        base = models[index]
        subclasses = []
        for d in declarations:
            declared = d.cls.models()[index]
            if declared is None or declared is base:
                continue
            if base is None or not issubclass(declared, base):
                raise PluginError(
                    f"{d} declares resource {builtin.name!r} with {role} {declared.__name__}, which is not the "
                    f"built-in {getattr(base, '__name__', 'none')} or a subclass of it"
                )
            subclasses.append((d, declared))
        if subclasses and base is not None:
            models[index] = _merged(builtin.name, base, subclasses)
    extra_ops = {op for d in declarations for op in d.cls.operations()} - set(builtin.operations)
    writable = {
        "create": models[1],
        "upsert": models[1],
        "update": models[2],
        "delete": True,
        "list": True,
        "get": True,
    }
    operations = tuple(op for op in OPERATIONS if op in builtin.operations or (op in extra_ops and writable[op]))
    model = models[0]
    assert model is not None and issubclass(model, RemoteObject)
    filters = builtin.filters.union(*(d.cls.filters for d in declarations))  # standard filters a plugin applies
    return replace(builtin, model=model, create=models[1], update=models[2], operations=operations, filters=filters)


def _merged(name: str, base: type[BaseModel], subclasses: list[tuple[_Declaration, type[BaseModel]]]) -> Any:
    """``base`` plus every field the subclasses add (optional: not every provider fills them)."""
    added: dict[str, tuple[_Declaration, Any]] = {}
    for declaration, model in subclasses:
        for field_name, info in model.model_fields.items():
            if field_name in base.model_fields:
                continue
            known = added.get(field_name)
            if known is not None and known[1].annotation != info.annotation:
                raise PluginError(
                    f"resource {name!r}: field {field_name!r} is added by both {known[0]} and {declaration} with "
                    "different types; rename one of them"
                )
            added[field_name] = (declaration, info)
    fields: dict[str, Any] = {}
    for field_name, (declaration, info) in added.items():
        note = f"(added by {declaration.distribution}; null where the provider does not fill it)"
        description = f"{info.description} {note}" if info.description else note
        optional = {"default": None} if info.is_required() else {}
        fields[field_name] = (
            info.annotation | None,
            FieldInfo.merge_field_infos(info, description=description, **optional),
        )
    return create_model(base.__name__, __base__=base, __module__=base.__module__, __doc__=base.__doc__, **fields)
