"""Users (ids are user gids) and tags (ids are tag gids; tickets name tags by ``name``), per workspace."""

from __future__ import annotations

from gateway.provider import ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models import Tag, User
from unigate_asana.common import check, data_of, gid
from unigate_asana.mapping import to_tag, to_user
from unigate_asana.paging import Plan, read_page, workspace_gids

USER_FIELDS = "name,email,photo"
TAG_FIELDS = "name,color,notes,created_at,permalink_url,workspace"


async def workspace_filter(ctx: ProviderContext, query: ListQuery, what: str) -> str | None:
    """The workspace ``collection_id`` names, if any; 400 for a project id (Asana lists these per workspace)."""
    if not query.collection_id:
        return None
    workspace = gid(query.collection_id, "collection_id")
    if workspace not in await workspace_gids(ctx):
        raise ProviderError(
            400,
            "invalid_query_params",
            f"collection_id: Asana lists {what} per workspace; send a workspace id (GET /collections, no parent)",
            field="collection_id",
        )
    return workspace


class AsanaUsers(Resource[User]):
    """``GET /users``: users of every workspace the connection sees (or of the workspace ``collection_id`` names)."""

    filters = frozenset({"collection_id"})
    fields = ("id", "remote_id", "provider", "remote_data", "name", "email_address", "avatar")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            workspace = await workspace_filter(ctx, query, "users")
            plan = Plan([("/users", {"opt_fields": USER_FIELDS, **({"workspace": workspace} if workspace else {})})])
        items, following = await read_page(ctx, plan, query.page_size, "users")
        return ResourcePage([to_user(user) for _, user in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(f"/users/{gid(remote_id)}", params={"opt_fields": USER_FIELDS})
        check(ctx, response, f"user {remote_id}")
        return to_user(data_of(response))


class AsanaTags(Resource[Tag]):
    """``GET /tags`` of each workspace (or of the workspace ``collection_id`` names)."""

    filters = frozenset({"collection_id"})
    fields = ("id", "remote_id", "provider", "remote_created_at", "remote_data", "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            workspace = await workspace_filter(ctx, query, "tags")
            workspaces = [workspace] if workspace else await workspace_gids(ctx)
            plan = Plan([("/tags", {"workspace": w, "opt_fields": TAG_FIELDS}) for w in workspaces])
        items, following = await read_page(ctx, plan, query.page_size, "tags")
        return ResourcePage([to_tag(tag) for _, tag in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Tag:
        response = await ctx.http.get(f"/tags/{gid(remote_id)}", params={"opt_fields": TAG_FIELDS})
        check(ctx, response, f"tag {remote_id}")
        return to_tag(data_of(response))
