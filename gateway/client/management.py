"""The calls of integrations, connections and connect sessions (sync and async clients share them)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from gateway.client.calls import Call, data_of, json_of, query, segment
from gateway.client.models import Connection, ConnectionDetail, ConnectSession, Integration

_INTEGRATIONS = TypeAdapter(list[Integration])
_CONNECTIONS = TypeAdapter(list[Connection])


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def list_integrations() -> Call[list[Integration]]:
    return Call("GET", "/integrations", lambda r: _INTEGRATIONS.validate_python(r.json()["data"]))


def get_integration(unique_key: str, include: str | None) -> Call[Integration]:
    return Call("GET", f"/integrations/{segment(unique_key)}", data_of(Integration), query({"include": include}))


def create_integration(body: dict[str, Any]) -> Call[Integration]:
    return Call("POST", "/integrations", data_of(Integration), json=_drop_none(body))


def delete_integration(unique_key: str) -> Call[Any]:
    return Call("DELETE", f"/integrations/{segment(unique_key)}", json_of)


def list_connections(filters: dict[str, Any]) -> Call[list[Connection]]:
    return Call("GET", "/connections", lambda r: _CONNECTIONS.validate_python(r.json()["connections"]), query(filters))


def get_connection(connection_id: str, provider_config_key: str, refresh_token: bool) -> Call[ConnectionDetail]:
    params = query({"provider_config_key": provider_config_key, "refresh_token": refresh_token or None})
    return Call(
        "GET", f"/connections/{segment(connection_id)}", lambda r: ConnectionDetail.model_validate(r.json()), params
    )


def import_connection(body: dict[str, Any]) -> Call[ConnectionDetail]:
    return Call("POST", "/connections", lambda r: ConnectionDetail.model_validate(r.json()), json=_drop_none(body))


def delete_connection(connection_id: str, provider_config_key: str) -> Call[Any]:
    params = {"provider_config_key": provider_config_key}
    return Call("DELETE", f"/connections/{segment(connection_id)}", json_of, params)


def create_connect_session(body: dict[str, Any]) -> Call[ConnectSession]:
    return Call("POST", "/connect/sessions", data_of(ConnectSession), json=_drop_none(body))
