"""Query strings, bodies and answer envelopes of the unified endpoints (also what /openapi.json documents)."""

from __future__ import annotations

import functools
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from gateway.resource_types import ResourceType
from unified_models import FieldWarning, TicketStatus, UtcDatetime

T = TypeVar("T", bound=BaseModel)


class ItemParams(BaseModel):
    """Query of the single-object routes."""

    model_config = ConfigDict(extra="forbid")
    include_remote_data: bool = Field(default=False, description="Include the provider's payload as `remote_data`")


class ListParams(ItemParams):
    """Query common to every list route."""

    page_size: int = Field(default=50, ge=1, le=200, description="Items per page (a provider may return fewer)")
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page, exactly as received")
    modified_after: UtcDatetime | None = Field(
        default=None, description="Only objects changed at or after this time (ISO-8601 with a time zone)"
    )
    source: Literal["live", "cache"] = Field(
        default="live",
        description="`live` asks the provider; `cache` answers from the records syncs keep (no provider call; "
        "objects gone from the provider have `remote_was_deleted: true`)",
    )


class ListEnvelope(BaseModel, Generic[T]):
    """One page: the items, the opaque cursor of the next page (null on the last), and warnings if any."""

    data: list[T]
    next_cursor: str | None
    warnings: list[FieldWarning] | None = Field(
        default=None, description="Present only when the provider could not read some fields"
    )


class ItemEnvelope(BaseModel, Generic[T]):
    """One object, and warnings about the fields the provider could not write, if any."""

    data: T
    warnings: list[FieldWarning] | None = Field(
        default=None, description="Present only when some fields sent could not be written (the rest succeeded)"
    )


#: The standard list filters a resource type may accept, as query fields (``modified_after`` is in ``ListParams``).
FILTER_FIELDS: dict[str, tuple[Any, Any]] = {
    "collection_id": (
        str | None,
        Field(default=None, description="Id of a `Collection` (GitHub `owner/repo`)"),
    ),
    "status": (TicketStatus | None, Field(default=None, description="Only objects with this normalised status")),
    "assignee_id": (str | None, Field(default=None, description="Only tickets assigned to this `User` id")),
    "ticket_id": (str | None, Field(default=None, description="Only the objects of this `Ticket` id")),
    "email": (str | None, Field(default=None, description="Only contacts with this email address (exact match)")),
    "domain": (str | None, Field(default=None, description="Only companies with this web domain (`example.com`)")),
    "company_id": (str | None, Field(default=None, description="Only objects associated with this `Company` id")),
    "contact_id": (str | None, Field(default=None, description="Only objects associated with this `CrmContact` id")),
    "deal_id": (str | None, Field(default=None, description="Only objects associated with this `Deal` id")),
    "owner_id": (str | None, Field(default=None, description="Only objects owned by this `User` id")),
}


def list_params(resource: ResourceType) -> type[ListParams]:
    """The query model of ``resource``'s list route: paging, ``modified_after``, its standard and own filters."""
    return _list_params(resource.model, frozenset(resource.filters), resource.filter_model)


@functools.cache  # kept for the process: every gateway built in it (tests build many) reuses the model
def _list_params(
    model: type[BaseModel], filters: frozenset[str], filter_model: type[BaseModel] | None
) -> type[ListParams]:
    fields: dict[str, Any] = {name: FILTER_FIELDS[name] for name in sorted(filters) if name in FILTER_FIELDS}
    if "status" in fields and "status" in model.model_fields:  # the model's own enum: TicketStatus, ...
        fields["status"] = (model.model_fields["status"].annotation, fields["status"][1])
    if filter_model is not None:
        for name, info in filter_model.model_fields.items():
            fields[name] = (info.annotation, info)
    if not fields:
        return ListParams
    name = f"{model.__name__}ListParams"
    return create_model(name, __base__=ListParams, __module__=__name__, **fields)
