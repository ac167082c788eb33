"""A provider's syncs as the Scripts listing describes them: what each copies, how, how often, the model's schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from gateway.provider import Sync
from gateway.resource_types import ResourceTypes


class SyncScriptRef(BaseModel):
    """A sync in ``GET /integrations/{key}/scripts``."""

    type: Literal["sync"] = "sync"
    name: str = Field(description="The sync's name in `/sync/trigger`, `/sync/status`...")
    resource: str = Field(description="The unified resource it copies (its list operation is what it calls)")
    model: str = Field(description="The records' model in `GET /records?model=`")
    incremental: bool = Field(description="True: only what changed since the last run; false: all, deletions found")
    frequency: str = Field(description="How often it runs by default")
    scope: str | None = Field(description="The resource whose objects it lists per (e.g. collections)")
    description: str
    output_schema: dict[str, Any] = Field(description="JSON Schema of the records")


def sync_scripts(syncs: Mapping[str, Sync], types: ResourceTypes) -> list[SyncScriptRef]:
    refs = []
    for name, sync in syncs.items():
        model = types[sync.resource].model
        refs.append(
            SyncScriptRef(
                name=name,
                resource=sync.resource,
                model=model.__name__,
                incremental=sync.incremental,
                frequency=sync.frequency,
                scope=sync.scope,
                description=sync.description,
                output_schema=model.model_json_schema(),
            )
        )
    return refs
