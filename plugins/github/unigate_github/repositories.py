"""The connection user's repositories as collections (``owner/repo``)."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, LIST_FILTERS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Collection, CollectionType
from unigate_github.common import HEADERS, check, fetch_page, refuse_modified_after, repo_path, since, when


def to_collection(repo: dict[str, Any], provider: str = "github") -> Collection:
    return Collection(
        id=str(repo["full_name"]),
        remote_id=str(repo["id"]),
        provider=provider,
        remote_created_at=when(repo.get("created_at")),
        remote_updated_at=when(repo.get("updated_at")),
        remote_data=repo,
        name=repo.get("full_name"),
        description=repo.get("description"),
        collection_type=CollectionType.REPOSITORY,
        collection_url=repo.get("html_url"),
    )


class GitHubCollections(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /user/repos``: repositories the user owns, collaborates on, or sees through an organisation; one by
    ``GET /repos/{owner}/{repo}``."""

    name = "collections"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "collection_type",
        "collection_url",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        params = {"since": since(query.modified_after)} if query.modified_after else {}
        items, next_url = await fetch_page(ctx, "/user/repos", query, params, "repositories of the user")
        return ResourcePage([to_collection(repo, ctx.provider) for repo in items], next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        response = await ctx.http.get(repo_path(remote_id, "id"), headers=HEADERS)
        check(response, f"repository {remote_id}")
        return to_collection(response.json(), ctx.provider)


class GitHubInstallationCollections(GitHubCollections):
    """``GET /installation/repositories``: the repositories a GitHub App installation was granted."""

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        refuse_modified_after(query, "an installation's repositories")
        what = "repositories of the installation"
        items, next_url = await fetch_page(ctx, "/installation/repositories", query, {}, what, "repositories")
        return ResourcePage([to_collection(repo, ctx.provider) for repo in items], next_url)
