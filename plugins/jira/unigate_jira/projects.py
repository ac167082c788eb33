"""Jira projects as collections (ids are project keys, ``KAN``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from gateway.provider import LIST_FILTERS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Collection, CollectionType
from unigate_jira.common import api, check, fetch_offset_page, refuse


def to_collection(project: dict[str, Any], provider: str = "jira") -> Collection:
    return Collection(
        id=str(project["key"]),
        remote_id=str(project["id"]),
        provider=provider,
        remote_data=project,
        name=project.get("name"),
        description=project.get("description") or None,
        collection_type=CollectionType.PROJECT,
    )


class JiraCollections(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /project/search``: the projects the connection's user can browse; one by ``GET /project/{key}``."""

    name = "collections"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = ("id", "remote_id", "provider", "remote_data", "name", "description", "collection_type")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        refuse(query, "projects")
        params = {"expand": "description", "orderBy": "key"}
        items, following = await fetch_offset_page(ctx, "/project/search", query, params, "values", "projects")
        return ResourcePage([to_collection(p, ctx.provider) for p in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        path = api(ctx, f"/project/{quote(remote_id, safe='')}")
        response = await ctx.http.get(path, params={"expand": "description"})
        check(response, f"project {remote_id}")
        return to_collection(response.json(), ctx.provider)
