"""The API reference and Scripts tabs: the data of ``/reference/{provider}`` (with the integration's field mappings)
and of ``GET /integrations/{key}/scripts``."""

from __future__ import annotations

from starlette.responses import Response

from gateway.dashboard.auth import Visit
from gateway.dashboard.calls import call_api
from gateway.dashboard.integration import missing, open_integration, tab
from gateway.store.field_mappings import read_mappings
from gateway.unified import scripts
from gateway.unified.reference import described_resources, provider_reference


async def reference_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    reference = provider_reference(visit.gateway, opened.row.provider)
    async with visit.gateway.sessions() as session:
        reference.field_mappings = await read_mappings(session, opened.row.id or 0)
    resources = described_resources(visit.gateway, reference)
    return tab(visit, opened, "reference", "reference.html", reference=reference, resources=resources)


async def scripts_page(visit: Visit) -> Response:
    opened = await open_integration(visit)
    if opened is None:
        return missing(visit)
    answer = await call_api(visit.request, scripts.integration_scripts, path={"unique_key": opened.row.unique_key})
    data = answer["data"]
    by_type: dict[str, list[dict[str, object]]] = {"resource": [], "action": [], "sync": []}
    for script in data["scripts"]:
        by_type.setdefault(script["type"], []).append(script)
    return tab(visit, opened, "scripts", "scripts.html", data=data, by_type=by_type)
