"""The Connections tab: each end user's connection, when it was made and how its credentials are doing; a
re-authorise link (``POST /connect/sessions/reconnect``'s handler: a Connect UI link that may only re-authorise
that connection, for its end user); deleting one (after a confirmation) runs ``DELETE /connections/{id}``'s
handler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlmodel import col, select
from starlette.responses import Response

from gateway.api import connect_session_routes, connections
from gateway.dashboard.auth import Visit, redirect
from gateway.dashboard.calls import call_api
from gateway.dashboard.integration import missing, open_integration, tab
from gateway.dashboard.render import problem
from gateway.errors import GatewayError
from gateway.store.tables import Connection
from gateway.store.types import utcnow

EXPIRING_WITHIN = timedelta(minutes=15)  # an access token this close to its expiry (or past it) is "expiring"


@dataclass
class ConnectionView:
    connection_id: str
    end_user: str
    created_at: datetime
    status: str  # ok, expiring, refresh failed, exhausted
    detail: str


def credential_status(row: Connection, now: datetime) -> tuple[str, str]:
    """``ok``, ``expiring`` (refreshed on next use), ``refresh failed`` or ``exhausted`` (refreshes failed too often:
    no more are tried until it is re-authorised), with what the operator should know."""
    if row.refresh_exhausted:
        why = row.last_refresh_error or "refreshing failed too often"
        return "exhausted", f"{why}; no more refreshes are tried: send the end user a re-authorise link"
    if row.last_refresh_failure_at is not None:
        return "refresh failed", row.last_refresh_error or "the last refresh failed; the end user may reconnect"
    if row.expires_at is not None and row.expires_at - now < EXPIRING_WITHIN:
        verb = "expired" if row.expires_at <= now else "expires"
        return "expiring", f"{verb} {row.expires_at:%Y-%m-%d %H:%M} UTC; refreshed on next use"
    if row.expires_at is not None:
        return "ok", f"valid until {row.expires_at:%Y-%m-%d %H:%M} UTC"
    return "ok", "does not expire"


def end_user_text(end_user: dict[str, Any] | None) -> str:
    if not end_user:
        return "—"
    parts = [str(end_user.get(k)) for k in ("display_name", "email", "id") if end_user.get(k)]
    return " · ".join(dict.fromkeys(parts)) or "—"


async def connections_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    query = (
        select(Connection)
        .where(Connection.integration_id == opened.row.id)
        .order_by(col(Connection.created_at).desc(), col(Connection.id).desc())
    )
    async with visit.gateway.sessions() as session:
        rows = list((await session.exec(query)).all())
    now = utcnow()
    views = [
        ConnectionView(r.connection_id, end_user_text(r.end_user), r.created_at, *credential_status(r, now))
        for r in rows
    ]
    return tab(visit, opened, "connections", "connections.html", connections=views)


async def reconnect_link(visit: Visit) -> Response:
    """A fresh connect link that re-authorises this connection only, shown to copy and send to its end user."""
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    connection_id = visit.request.path_params["connection_id"]
    async with visit.gateway.sessions() as session:
        row = (
            await session.exec(
                select(Connection).where(
                    Connection.integration_id == opened.row.id, Connection.connection_id == connection_id
                )
            )
        ).first()
    if row is None:
        return problem(404, "No such connection", f"{opened.row.unique_key} has no connection {connection_id!r}.")
    end_user = {"id": row.end_user_id or connection_id, **{k: v for k, v in (row.end_user or {}).items() if v}}
    body = connect_session_routes.ReconnectSession.model_validate(
        {"connection_id": connection_id, "integration_id": opened.row.unique_key, "end_user": end_user}
    )
    try:
        answer = await call_api(visit.request, connect_session_routes.create_reconnect_session, body=body)
    except GatewayError as exc:
        return problem(exc.status_code, "No link made", exc.message)
    data = answer["data"]
    return tab(
        visit,
        opened,
        "connections",
        "reconnect.html",
        connection_id=connection_id,
        link=data["connect_link"],
        expires_at=data["expires_at"],
    )


async def delete_connection_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    connection_id = visit.request.path_params["connection_id"]
    return tab(visit, opened, "connections", "delete_connection.html", connection_id=connection_id)


async def delete_connection(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    connection_id = visit.request.path_params["connection_id"]
    query = connections.KeyQuery(provider_config_key=opened.row.unique_key)
    try:
        await call_api(visit.request, connections.remove, query=query, path={"connection_id": connection_id})
    except GatewayError as exc:
        return problem(exc.status_code, "Not deleted", exc.message)
    return redirect(
        f"/dashboard/integrations/{quote(opened.row.unique_key, safe='')}/connections?notice=connection-deleted"
    )
