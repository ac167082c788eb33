"""``GET /providers`` and ``GET /providers/{name}``: the resolved catalog."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import not_found


class ProviderQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    search: str | None = Field(default=None, description="Case-insensitive match on name, display name or category")


class ProviderOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    display_name: str
    auth_mode: str | None = None
    categories: list[str] = []
    docs: str | None = None


class ProviderList(BaseModel):
    data: list[ProviderOut]


class ProviderEnvelope(BaseModel):
    data: ProviderOut


def provider_body(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, **entry}


def _matches(name: str, entry: dict[str, Any], needle: str) -> bool:
    haystack = [name, str(entry.get("display_name", "")), *map(str, entry.get("categories") or [])]
    return any(needle in text.lower() for text in haystack)


async def list_providers(call: Call[Any, ProviderQuery]) -> Response:
    catalog = call.request.app.state.gateway.catalog
    needle = (call.query.search or "").strip().lower()
    data = [provider_body(n, e) for n, e in catalog.items() if not needle or _matches(n, e, needle)]
    return Json({"data": data})


async def get_provider(call: Call[Any, Any]) -> Response:
    catalog = call.request.app.state.gateway.catalog
    name = call.path["name"]
    if name not in catalog:
        raise not_found("unknown_provider", f"Provider {name!r} is not in the catalog; list them with GET /providers")
    return Json({"data": provider_body(name, catalog[name])})


ENDPOINTS = [
    Endpoint(
        "GET",
        "/providers",
        list_providers,
        "List catalog providers",
        "providers",
        query=ProviderQuery,
        response=ProviderList,
    ),
    Endpoint(
        "GET",
        "/providers/{name}",
        get_provider,
        "Get one catalog provider",
        "providers",
        response=ProviderEnvelope,
        errors=(404,),
    ),
]
