"""One integration's pages: the tabs they share, and the Settings tab (edit, rename, delete with a confirmation).

Edits run ``PATCH /integrations/{key}``'s handler (a rename keeps the connections), deletion
``DELETE /integrations/{key}``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlmodel import col, func, select
from starlette.responses import Response

from gateway.api import integrations
from gateway.dashboard.auth import Visit, redirect
from gateway.dashboard.calls import call_api, model
from gateway.dashboard.catalog_view import ProviderView, provider_view
from gateway.dashboard.render import problem
from gateway.errors import GatewayError
from gateway.store.integrations import get_integration
from gateway.store.tables import Connection, Integration

TABS = [
    ("settings", "Settings", ""),
    ("reference", "API reference", "/reference"),
    ("scripts", "Scripts", "/scripts"),
    ("connections", "Connections", "/connections"),
    ("logs", "Logs", "/logs"),
    ("syncs", "Syncs", "/syncs"),
]
NOTICES = {"created": "Integration created.", "saved": "Changes saved.", "connection-deleted": "Connection deleted."}


@dataclass
class Opened:
    """The integration a tab shows, with its catalog entry."""

    row: Integration
    provider: ProviderView

    @property
    def name(self) -> str:
        return self.row.display_name or self.provider.display_name

    @property
    def url(self) -> str:
        return f"/dashboard/integrations/{quote(self.row.unique_key, safe='')}"


async def open_integration(visit: Visit) -> Opened | None:
    async with visit.gateway.sessions() as session:
        row = await get_integration(session, visit.request.path_params["key"])
    if row is None:
        return None
    return Opened(row, provider_view(row.provider, visit.gateway.catalog.get(row.provider) or {}))


def missing(visit: Visit) -> Response:
    key = visit.request.path_params["key"]
    return problem(404, "No such integration", f"There is no integration {key!r}. It may have been renamed or deleted.")


def tab(visit: Visit, opened: Opened, current: str, template: str, status: int = 200, **context: Any) -> Response:
    notice = NOTICES.get(visit.request.query_params.get("notice", ""))
    return visit.render(template, status, integration=opened, tabs=TABS, current=current, notice=notice, **context)


def _settings(visit: Visit, opened: Opened, error: str | None = None, status: int = 200, **values: str) -> Response:
    row = opened.row
    shown = {
        "display_name": row.display_name or "",
        "unique_key": row.unique_key,
        "client_id": row.client_id or "",
        "scopes": row.scopes or "",
        "app_id": row.app_id or "",
        "app_link": row.app_link or "",
        **values,
    }
    return tab(
        visit,
        opened,
        "settings",
        "settings.html",
        status,
        values=shown,
        error=error,
        has_secrets=bool(row.secrets),
        callback_url=visit.gateway.settings.oauth_callback_url,
    )


async def settings_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    return missing(visit) if opened is None else _settings(visit, opened)


def _credentials(visit: Visit, opened: Opened, form: dict[str, str]) -> dict[str, Any] | None:
    """The credentials to send: what was typed, with blank secrets kept as stored; None when nothing is set."""
    kind = opened.provider.credential_type
    typed = {name: form.get(name, "").strip() for name, *_ in opened.provider.fields}
    if kind is None or (not any(typed.values()) and not opened.row.credentials_type):
        return None
    stored = visit.gateway.vault.open(Integration, "secrets", opened.row.secrets) if opened.row.secrets else {}
    credentials: dict[str, Any] = {"type": kind}
    for name, _, secret, required in opened.provider.fields:
        value = typed[name] or (str(stored.get(name, "")) if secret else "")
        if value or required:
            credentials[name] = value
    return credentials


async def save_settings(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    form = visit.form
    body: dict[str, Any] = {"display_name": form.get("display_name", "").strip()}
    new_key = form.get("unique_key", "").strip()
    if new_key != opened.row.unique_key:
        body["unique_key"] = new_key
    credentials = _credentials(visit, opened, form)
    if credentials is not None:
        body["credentials"] = credentials
    keep = {
        k: v
        for k, v in form.items()
        if k in ("display_name", "unique_key", "client_id", "scopes", "app_id", "app_link")
    }
    try:
        update = model(integrations.UpdateIntegration, body)
        answer = await call_api(
            visit.request, integrations.update, body=update, path={"unique_key": opened.row.unique_key}
        )
    except GatewayError as exc:
        return _settings(visit, opened, exc.message, exc.status_code, **keep)
    return redirect(f"/dashboard/integrations/{quote(answer['data']['unique_key'], safe='')}?notice=saved")


async def _connection_count(visit: Visit, row: Integration) -> int:
    query = select(func.count(col(Connection.id))).where(Connection.integration_id == row.id)
    async with visit.gateway.sessions() as session:
        return int((await session.exec(query)).one())


async def delete_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    count = await _connection_count(visit, opened.row)
    return tab(visit, opened, "settings", "delete_integration.html", connections=count)


async def delete(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    try:
        await call_api(visit.request, integrations.remove, path={"unique_key": opened.row.unique_key})
    except GatewayError as exc:
        return problem(exc.status_code, "Not deleted", exc.message)
    return redirect("/dashboard?notice=deleted")
