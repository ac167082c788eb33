"""What every unified model shares: strict configuration, the id envelope, aware UTC datetimes, pages, warnings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, normalised to UTC; a naive datetime is rejected."""


class UnifiedModel(BaseModel):
    """Base of every unified model: unknown fields are rejected; output schemas list every field as present."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class RemoteObject(UnifiedModel):
    """The envelope every unified object carries: Unigate's id, the provider's id and timestamps, the raw payload."""

    id: str = Field(
        min_length=1,
        description="Unigate's stable id for the object within its connection; enough to fetch the object again "
        "(format documented per provider, e.g. `octo/hello#42` for a GitHub issue)",
    )
    remote_id: str = Field(min_length=1, description="The provider's own primary id for the object, as a string")
    provider: str = Field(min_length=1, description="Catalog key of the provider the object comes from, e.g. `github`")
    remote_created_at: UtcDatetime | None = Field(
        default=None, description="When the provider says the object was created (UTC); null if unknown"
    )
    remote_updated_at: UtcDatetime | None = Field(
        default=None, description="When the provider says the object was last changed (UTC); null if unknown"
    )
    remote_was_deleted: bool = Field(
        default=False, description="True once a sync cache has seen the object deleted; always false on live reads"
    )
    field_mappings: dict[str, Any] | None = Field(
        default=None, description="Custom fields mapped for this integration or connection, by unified name"
    )
    remote_data: dict[str, Any] | None = Field(
        default=None,
        description="The provider's payload for the object, untouched; only filled when include_remote_data=true",
    )


class FieldWarning(UnifiedModel):
    """A field the provider could not read or set, and why (the request still succeeded)."""

    field: str = Field(min_length=1, description="Unified field name, dotted for nested fields, e.g. `priority`")
    message: str = Field(min_length=1, description="Why the field could not be read or set, for a human")
    object_id: str | None = Field(
        default=None, description="Unigate id of the object concerned; null when the warning applies to every item"
    )


T = TypeVar("T", bound=BaseModel)


class Page(UnifiedModel, Generic[T]):
    """One page of a list: the items, the cursor of the next page, and any warnings."""

    data: list[T] = Field(description="The items of this page, in the provider's order")
    next_cursor: str | None = Field(
        default=None, description="Opaque cursor to send as `cursor` for the next page; null on the last page"
    )
    warnings: list[FieldWarning] = Field(
        default_factory=list, description="Fields the provider could not read for some or all items"
    )
