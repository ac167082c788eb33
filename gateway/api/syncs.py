"""Nango's sync routes: ``POST /sync/trigger``, ``/sync/start``, ``/sync/pause``, ``GET /sync/status`` and
``PUT /sync/update-connection-frequency``, over the syncs of the connections of one integration."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.connections import require_connection
from gateway.store.integrations import require_integration
from gateway.store.tables import Connection
from gateway.store.types import utcnow
from gateway.syncs.frequency import seconds_of


class SyncName(BaseModel):
    name: str = Field(min_length=1)
    variant: str | None = None


class SyncOptions(BaseModel):
    reset: bool = Field(default=False, description="Forget the checkpoint: the next run fetches everything")
    emptyCache: bool = Field(default=False, description="With reset, also delete the records")  # noqa: N815


class SyncsBody(BaseModel):
    model_config = ConfigDict(extra="allow")  # Nango's SDK sends deprecated fields (sync_mode, full_resync)
    syncs: list[str | SyncName] = Field(min_length=1, description="Sync names (or {name, variant})")
    provider_config_key: str = Field(min_length=1, description="The integration")
    connection_id: str | None = Field(default=None, description="One connection; all of the integration's if absent")
    opts: SyncOptions | None = None


class FrequencyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sync_name: str = Field(min_length=1)
    sync_variant: str | None = None
    provider_config_key: str = Field(min_length=1)
    connection_id: str = Field(min_length=1)
    frequency: str | None = Field(description="`every 5m`, `every day`...; null restores the sync's default")


class StatusQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    syncs: str = Field(min_length=1, description="Comma-separated sync names, or `*`")
    provider_config_key: str = Field(min_length=1)
    connection_id: str | None = None


class Success(BaseModel):
    success: bool


class Statuses(BaseModel):
    syncs: list[dict[str, Any]]


def _names(gateway: Gateway, provider: str, requested: list[str | SyncName]) -> list[str]:
    declared = gateway.providers[provider].syncs if provider in gateway.providers else {}
    names = [item if isinstance(item, str) else item.name for item in requested]
    for name in names:
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise GatewayError(400, "unknown_sync", f"syncs: {provider} has no sync {name!r}; its syncs: {known}")
    return names


async def _connections(gateway: Gateway, key: str, connection_id: str | None) -> tuple[str, dict[int, str]]:
    """The integration's provider and its connections (one, or all): primary key -> connection id."""
    async with gateway.sessions() as session:
        if connection_id is not None:
            row, integration = await require_connection(session, key, connection_id)
            return integration.provider, {row.id or 0: row.connection_id}
        integration = await require_integration(session, key, "unknown_provider_config")
        query = select(Connection.id, Connection.connection_id).where(Connection.integration_id == integration.id)
        return integration.provider, {pk: cid for pk, cid in (await session.exec(query)).all() if pk is not None}


async def _change(call: Call[SyncsBody, Any], **values: Any) -> list[int]:
    gateway: Gateway = call.request.app.state.gateway
    provider, pks = await _connections(gateway, call.body.provider_config_key, call.body.connection_id)
    names = _names(gateway, provider, call.body.syncs)
    changed = []
    for pk in pks:
        changed += await gateway.syncs.states.change(pk, names, **values)
    return changed


async def trigger(call: Call[SyncsBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    opts = call.body.opts or SyncOptions()
    values: dict[str, Any] = {"next_run_at": utcnow(), "paused": False}
    if opts.reset or opts.emptyCache:
        values["checkpoint"] = {}
    changed = await _change(call, **values)
    if opts.emptyCache:
        provider, pks = await _connections(gateway, call.body.provider_config_key, call.body.connection_id)
        for name in _names(gateway, provider, call.body.syncs):
            model = gateway.resource_types[gateway.providers[provider].syncs[name].resource].model.__name__
            for pk in pks:
                await gateway.syncs.records.empty(pk, model)
    for state_id in changed:
        gateway.syncs.queue.submit(str(state_id))
    return Json({"success": True})


async def start(call: Call[SyncsBody, Any]) -> Response:
    await _change(call, paused=False)
    return Json({"success": True})


async def pause(call: Call[SyncsBody, Any]) -> Response:
    await _change(call, paused=True)
    return Json({"success": True})


def _status(state: dict[str, Any], connection_id: str, frequency: str, counts: dict[str, int]) -> dict[str, Any]:
    """Nango's status entry; ``status`` is PAUSED, RUNNING, SUCCESS, ERROR, or PENDING before the first run."""
    finished = state["last_finished_at"]
    return {
        "id": str(state["id"]),
        "connection_id": connection_id,
        "name": state["sync_name"],
        "status": "PAUSED" if state["paused"] else state["status"],
        "type": "INCREMENTAL" if state["checkpoint"] else "INITIAL",
        "frequency": state["frequency"] or frequency,
        "finishedAt": finished.isoformat() if finished else None,
        "nextScheduledSyncAt": None if state["paused"] else state["next_run_at"].isoformat(),
        "latestResult": state["last_result"],
        "recordCount": counts,
        "error": state["last_error"],
    }


async def status(call: Call[Any, StatusQuery]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    provider, pks = await _connections(gateway, call.query.provider_config_key, call.query.connection_id)
    declared = gateway.providers[provider].syncs if provider in gateway.providers else {}
    wanted = list(declared) if call.query.syncs.strip() == "*" else call.query.syncs.split(",")
    names = _names(gateway, provider, [name.strip() for name in wanted if name.strip()])
    answers = []
    for pk, connection_id in pks.items():
        for state in await gateway.syncs.states.of_connection(pk, names):
            sync = declared[state["sync_name"]]
            model = gateway.resource_types[sync.resource].model.__name__
            counts = {model: await gateway.syncs.records.count(pk, model)}
            answers.append(_status(state, connection_id, sync.frequency, counts))
    return Json({"syncs": answers})


async def update_frequency(call: Call[FrequencyBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    body = call.body
    if body.frequency is not None:
        seconds_of(body.frequency)
    provider, pks = await _connections(gateway, body.provider_config_key, body.connection_id)
    (name,) = _names(gateway, provider, [body.sync_name])
    for pk in pks:
        await gateway.syncs.states.change(pk, [name], frequency=body.frequency)
    return Json({"frequency": body.frequency or gateway.providers[provider].syncs[name].frequency})


TAG, ERRORS = "syncs", (400, 404)
ENDPOINTS = [
    Endpoint("POST", "/sync/trigger", trigger, "Run syncs now", TAG, body=SyncsBody, response=Success, errors=ERRORS),
    Endpoint("POST", "/sync/start", start, "Resume paused syncs", TAG, body=SyncsBody, response=Success, errors=ERRORS),
    Endpoint("POST", "/sync/pause", pause, "Pause syncs", TAG, body=SyncsBody, response=Success, errors=ERRORS),
    Endpoint("GET", "/sync/status", status, "Syncs' state", TAG, query=StatusQuery, response=Statuses, errors=ERRORS),
    Endpoint(
        "PUT",
        "/sync/update-connection-frequency",
        update_frequency,
        "Set how often one connection's sync runs",
        TAG,
        body=FrequencyBody,
        errors=ERRORS,
    ),
]
