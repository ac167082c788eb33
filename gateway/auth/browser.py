"""What the browser auth routes share: who may call them, and Nango's bracketed query parameters.

A browser route is authorised by a connect session token (``?connect_session_token=`` or ``Authorization:
Bearer nango_connect_session_...``), or by the secret key for server-side calls. ``gateway.auth.lane`` says what
each may write; the checks that can be made before the flow starts are made here, and ``save_connection`` makes
them again when it stores the connection.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from gateway.auth.connect_sessions import check_allowed, find_session, is_session_token
from gateway.auth.lane import (
    WriteRule,
    check_authorization_params,
    check_end_user,
    chosen_connection_config,
    connection_exists,
    reconnect_target_gone,
)
from gateway.auth.services import ConnectionServices
from gateway.errors import GatewayError
from gateway.store.connections import find_connection
from gateway.store.tables import ConnectSession

BRACKET = re.compile(r"^([a-z_]+)\[([^\]]+)\]$")
CONNECTION_ID = re.compile(r"^[A-Za-z0-9_.@:|-]{1,255}$")


@dataclass
class BrowserCall:
    """A browser auth request: its connection id, form values and the session that allowed it."""

    connection_id: str
    params: dict[str, str] = field(default_factory=dict)
    authorization_params: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    user_scope: str | None = None
    ws_client_id: str | None = None
    session: ConnectSession | None = None
    rule: WriteRule = WriteRule.UPSERT

    @property
    def end_user(self) -> dict[str, Any] | None:
        return self.session.end_user if self.session else None

    @property
    def tags(self) -> dict[str, str] | None:
        return dict(self.session.tags) if self.session and self.session.tags else None

    def defaults(self, integration_key: str) -> dict[str, Any]:
        """The session's ``integrations_config_defaults`` for this integration."""
        if self.session is None:
            return {}
        found = (self.session.integrations_config_defaults or {}).get(integration_key)
        return found if isinstance(found, dict) else {}

    def connection_config(self, integration_key: str, entry: dict[str, Any]) -> dict[str, Any]:
        """The settings this call may give the connection: the session's pinned values, then ``params[...]``."""
        pinned = self.defaults(integration_key).get("connection_config") or {}
        return chosen_connection_config(entry, pinned, self.params, from_end_user=self.session is not None)


def bracketed(query: QueryParams, name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in query.multi_items():
        match = BRACKET.match(key)
        if match and match.group(1) == name:
            found[match.group(2)] = value
    return found


async def authorise_browser_call(gateway: ConnectionServices, request: Request, integration_key: str) -> BrowserCall:
    query = request.query_params
    connection_id = query.get("connection_id") or str(uuid.uuid4())
    if not CONNECTION_ID.match(connection_id):
        raise GatewayError(
            400, "invalid_query_params", "connection_id: use 1 to 255 letters, digits or _ . @ : | - characters"
        )
    call = BrowserCall(
        connection_id=connection_id,
        params=bracketed(query, "params"),
        authorization_params=bracketed(query, "authorization_params"),
        credentials=bracketed(query, "credentials"),
        user_scope=query.get("user_scope"),
        ws_client_id=query.get("ws_client_id"),
    )
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else ""
    token = query.get("connect_session_token") or (bearer if is_session_token(bearer) else "")
    if token:
        async with gateway.sessions() as session:
            call.session = await find_session(session, token)
        check_allowed(call.session, integration_key, call.connection_id if query.get("connection_id") else None)
        check_authorization_params(call.authorization_params)
        if call.session.reconnect_connection_id:
            call.connection_id = call.session.reconnect_connection_id
            call.rule = WriteRule.REPLACE
        else:
            call.rule = WriteRule.CREATE
        await _check_target(gateway, call, integration_key)
        return call
    if bearer:
        await gateway.api_keys.authenticate(request)
        return call
    raise GatewayError(
        401,
        "missing_connect_session_token",
        "Send a connect session token (?connect_session_token=...), created with POST /connect/sessions",
    )


async def _check_target(gateway: ConnectionServices, call: BrowserCall, integration_key: str) -> None:
    """Refuse, before any flow starts, a connection the session may not write (``save_connection`` checks again)."""
    async with gateway.sessions() as session:
        found = await find_connection(session, integration_key, call.connection_id)
    if call.rule is WriteRule.CREATE and found is not None:
        raise connection_exists(call.connection_id)
    if call.rule is WriteRule.REPLACE:
        if found is None:
            raise reconnect_target_gone(call.connection_id)
        check_end_user(found[0].end_user_id, call.end_user)
