"""``/dashboard``: every integration with its provider, key, auth mode and number of connections; and ``GET /``,
which sends browsers here and keeps answering API clients with the JSON 404."""

from __future__ import annotations

from sqlmodel import col, func, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from gateway.api.connect_choices import LOGOS
from gateway.dashboard.auth import HOME, Visit, redirect
from gateway.dashboard.catalog_view import provider_view
from gateway.store.integrations import list_integrations
from gateway.store.tables import Connection

NOTICES = {
    "deleted": "The integration and its connections were deleted.",
    "signed-in": "Signed in.",
}


def _quality(accept: str, wanted: str) -> float:
    """The q-value ``accept`` gives ``wanted`` (``type/subtype``), through ``type/*`` and ``*/*`` when not named."""
    best, specificity = 0.0, -1
    major = wanted.split("/")[0]
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        media = media.lower()
        rank = 2 if media == wanted else 1 if media == f"{major}/*" else 0 if media == "*/*" else -1
        if rank < specificity or rank < 0:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best, specificity = q, rank
    return best


def prefers_html(accept: str) -> bool:
    """Whether ``accept`` rates HTML above JSON (a browser's ``text/html,...,*/*;q=0.8`` does; ``*/*`` does not)."""
    html = _quality(accept, "text/html")
    return html > 0 and html > _quality(accept, "application/json")


async def root(request: Request) -> Response:
    if prefers_html(request.headers.get("accept", "")):
        return redirect(HOME)
    raise HTTPException(404)


async def integrations_page(visit: Visit) -> Response:
    gateway = visit.gateway
    counted = select(Connection.integration_id, func.count(col(Connection.id))).group_by(col(Connection.integration_id))
    async with gateway.sessions() as session:
        rows = list(await list_integrations(session))
        counts = dict((await session.exec(counted)).all())
    items = []
    for row in rows:
        view = provider_view(row.provider, gateway.catalog.get(row.provider) or {})
        items.append(
            {
                "key": row.unique_key,
                "name": row.display_name or view.display_name,
                "provider": view.display_name,
                "logo": f"/connect/static/logos/{row.provider}.svg"
                if (LOGOS / f"{row.provider}.svg").is_file()
                else None,
                "initial": next((c.upper() for c in view.display_name if c.isalnum()), "?"),
                "auth_mode": view.auth_mode,
                "connections": counts.get(row.id or 0, 0),
            }
        )
    notice = NOTICES.get(visit.request.query_params.get("notice", ""))
    return visit.render("home.html", items=items, notice=notice)
