"""The Logs and Syncs tabs: the integration's provider calls (``GET /logs``'s query, by connection, errors only),
and each connection's syncs (``GET /sync/status``'s answer) with a "run now" button (``POST /sync/trigger``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from sqlmodel import col, select
from starlette.responses import Response

from gateway.api import logs, syncs
from gateway.dashboard.auth import Visit, redirect
from gateway.dashboard.calls import call_api, model
from gateway.dashboard.integration import missing, open_integration, tab
from gateway.errors import GatewayError
from gateway.store.tables import Connection

PAGE_SIZE = 50
SYNC_NOTICES = {"triggered": "Sync queued: it runs now, refresh the page to see it finish."}


async def _connection_ids(visit: Visit, integration_id: int | None) -> list[str]:
    query = select(Connection.connection_id).where(Connection.integration_id == integration_id)
    async with visit.gateway.sessions() as session:
        return sorted((await session.exec(query.order_by(col(Connection.connection_id)))).all())


async def logs_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    params = visit.request.query_params
    chosen = {
        "connection_id": params.get("connection_id", ""),
        "errors_only": params.get("errors_only", "") == "on",
        "cursor": params.get("cursor", ""),
    }
    query: dict[str, Any] = {"integration": opened.row.unique_key, "limit": PAGE_SIZE}
    query.update({k: v for k, v in chosen.items() if v})
    error: str | None = None
    page: dict[str, Any] = {"logs": [], "next_cursor": None}
    try:
        page = await call_api(visit.request, logs.list_logs, query=model(logs.LogQuery, query, "query_params"))
    except GatewayError as exc:
        error = exc.message
    next_url = None
    if page["next_cursor"]:
        keep = {k: ("on" if v is True else v) for k, v in chosen.items() if v and k != "cursor"}
        next_url = f"{opened.url}/logs?{urlencode({**keep, 'cursor': page['next_cursor']})}"
    return tab(
        visit,
        opened,
        "logs",
        "logs.html",
        entries=page["logs"],
        chosen=chosen,
        connection_ids=await _connection_ids(visit, opened.row.id),
        next_url=next_url,
        error=error,
    )


async def syncs_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    status_query = syncs.StatusQuery(syncs="*", provider_config_key=opened.row.unique_key)
    answer = await call_api(visit.request, syncs.status, query=status_query)
    declared = (
        visit.gateway.providers[opened.row.provider].syncs if opened.row.provider in visit.gateway.providers else {}
    )
    notice = SYNC_NOTICES.get(visit.request.query_params.get("notice", ""))
    rows = sorted(answer["syncs"], key=lambda s: (s["connection_id"], s["name"]))
    return tab(visit, opened, "syncs", "syncs.html", syncs=rows, declared=declared, sync_notice=notice)


async def run_sync(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    body = {
        "syncs": [visit.form.get("sync", "")],
        "provider_config_key": opened.row.unique_key,
        "connection_id": visit.form.get("connection_id", ""),
    }
    try:
        await call_api(visit.request, syncs.trigger, body=model(syncs.SyncsBody, body))
    except GatewayError as exc:
        return tab(visit, opened, "syncs", "syncs.html", exc.status_code, syncs=[], declared={}, error=exc.message)
    return redirect(f"/dashboard/integrations/{quote(opened.row.unique_key, safe='')}/syncs?notice=triggered")
