"""Workspaces and projects as collections (ids are gids); a project's ``parent_collection`` is its workspace."""

from __future__ import annotations

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Collection
from unigate_asana.common import check, data_of, gid
from unigate_asana.mapping import to_project, to_workspace
from unigate_asana.paging import Plan, read_page, workspace_gids

WORKSPACE_FIELDS = "name,is_organization,email_domains"
PROJECT_FIELDS = "name,notes,archived,created_at,modified_at,permalink_url,workspace,team,owner"
FIELDS = (
    "id", "remote_id", "provider", "remote_created_at", "remote_updated_at", "remote_data",
    "name", "description", "collection_type", "parent_collection", "collection_url",
)  # fmt: skip


class AsanaCollections(Resource[Collection]):
    """``GET /workspaces``, then ``GET /projects`` of each workspace."""

    fields = FIELDS

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            projects = [
                ("/projects", {"workspace": w, "opt_fields": PROJECT_FIELDS}) for w in await workspace_gids(ctx)
            ]
            plan = Plan([("/workspaces", {"opt_fields": WORKSPACE_FIELDS}), *projects])
        items, following = await read_page(ctx, plan, query.page_size, "workspaces and projects")
        return ResourcePage(
            [to_workspace(item) if plan.sources[source][0] == "/workspaces" else to_project(item)
             for source, item in items],
            following,
        )  # fmt: skip

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        found = await ctx.http.get(f"/projects/{gid(remote_id)}", params={"opt_fields": PROJECT_FIELDS})
        if found.status_code != 404:
            check(ctx, found, f"project {remote_id}")
            return to_project(data_of(found))
        found = await ctx.http.get(f"/workspaces/{remote_id}", params={"opt_fields": WORKSPACE_FIELDS})
        check(ctx, found, f"project or workspace {remote_id}")
        return to_workspace(data_of(found))
