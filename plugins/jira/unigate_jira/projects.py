"""Jira projects as collections (ids are project keys, ``KAN``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Collection, CollectionType
from unigate_jira.common import api, check, fetch_offset_page


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


class JiraCollections(Resource[Collection]):
    """``GET /project/search``: the projects the connection's user can browse; one by ``GET /project/{key}``."""

    fields = ("id", "remote_id", "provider", "remote_data", "name", "description", "collection_type")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        params = {"expand": "description", "orderBy": "key"}
        items, following = await fetch_offset_page(ctx, "/project/search", query, params, "values", "projects")
        return ResourcePage([to_collection(p) for p in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        path = api(ctx, f"/project/{quote(remote_id, safe='')}")
        response = await ctx.http.get(path, params={"expand": "description"})
        check(ctx, response, f"getting project {remote_id}")
        return to_collection(response.json())
