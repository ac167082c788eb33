"""``/dashboard/integrations/new``: search the catalog, pick a provider, fill in only what its auth mode needs, save.

Saving runs ``POST /integrations``'s handler with the form as its body, so the checks and the stored row are the
API's; an error is shown on the form and nothing is created.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from gateway.api import integrations
from gateway.dashboard.auth import Visit, redirect
from gateway.dashboard.calls import call_api, model
from gateway.dashboard.catalog_view import ProviderView, credentials_from_form, provider_view, search
from gateway.errors import GatewayError


def _form(
    visit: Visit, view: ProviderView, values: dict[str, str], error: str | None = None, status: int = 200
) -> Response:
    return visit.render(
        "new_form.html",
        status,
        provider=view,
        values=values,
        error=error,
        callback_url=visit.gateway.settings.oauth_callback_url,
    )


async def new_page(visit: Visit) -> Response:
    params = visit.request.query_params
    name = params.get("provider", "")
    if name:
        if name not in visit.gateway.catalog:
            return visit.render("new.html", 404, query=name, results=[], error=f"No provider {name!r} in the catalog.")
        view = provider_view(name, visit.gateway.catalog[name])
        return _form(visit, view, {"unique_key": name, "scopes": view.default_scopes})
    query = params.get("q", "")
    return visit.render("new.html", query=query, results=search(visit.gateway, query), error=None)


async def create(visit: Visit) -> Response:
    form = visit.form
    name = form.get("provider", "")
    if name not in visit.gateway.catalog:
        return visit.render("new.html", 400, query=name, results=[], error=f"No provider {name!r} in the catalog.")
    view = provider_view(name, visit.gateway.catalog[name])
    body: dict[str, Any] = {"provider": name, "unique_key": form.get("unique_key", "").strip()}
    credentials = credentials_from_form(view, form)
    if credentials is not None:
        body["credentials"] = credentials
    values = {k: v for k, v in form.items() if k in ("unique_key", "client_id", "scopes", "app_id", "app_link")}
    try:
        await call_api(visit.request, integrations.create, body=model(integrations.CreateIntegration, body))
    except GatewayError as exc:
        return _form(visit, view, values, exc.message, exc.status_code)
    return redirect(f"/dashboard/integrations/{quote(body['unique_key'], safe='')}?notice=created")
