"""Repositories as collections (``owner/repo``): the user's, or a GitHub App installation's."""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
    format_time,
    parse_time,
    refuse_modified_after,
)
from unified_models import Collection, CollectionType
from unigate_github.common import HEADERS, check, fetch_page, repo_path


def to_collection(repo: dict[str, Any]) -> Collection:
    return Collection(
        id=str(repo["full_name"]),
        remote_id=str(repo["id"]),
        provider="github",
        remote_created_at=parse_time(repo.get("created_at")),
        remote_updated_at=parse_time(repo.get("updated_at")),
        remote_data=repo,
        name=repo.get("full_name"),
        description=repo.get("description"),
        collection_type=CollectionType.REPOSITORY,
        collection_url=repo.get("html_url"),
    )


class GitHubCollections(Resource[Collection]):
    """``GET /user/repos``: repositories the user owns, collaborates on, or sees through an organisation; for an
    App installation (``APP`` mode) ``GET /installation/repositories``. One by ``GET /repos/{owner}/{repo}``."""

    fields = (*ENVELOPE_FIELDS, "name", "description", "collection_type", "collection_url")
    filters = frozenset({"modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        if ctx.catalog_entry.get("auth_mode") == "APP":
            refuse_modified_after(query, "GitHub", "an installation's repositories")
            what = "repositories of the installation"
            items, next_url = await fetch_page(ctx, "/installation/repositories", query, {}, what, "repositories")
        else:
            params = {"since": format_time(query.modified_after)} if query.modified_after else {}
            items, next_url = await fetch_page(ctx, "/user/repos", query, params, "repositories of the user")
        return ResourcePage([to_collection(repo) for repo in items], next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        response = await ctx.http.get(repo_path(remote_id, "id"), headers=HEADERS)
        check(ctx, response, f"getting repository {remote_id}")
        return to_collection(response.json())
