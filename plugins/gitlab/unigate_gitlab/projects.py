"""Projects as collections (``group/project``); milestones (``group/project/milestones/<id>``) read one by one."""

from __future__ import annotations

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource, ResourcePage, format_time
from unified_models import Collection
from unigate_gitlab.common import check, fetch_page, project_path
from unigate_gitlab.mapping import to_collection, to_milestone


class GitLabCollections(Resource[Collection]):
    """``GET /projects?membership=true`` (keyset paging by id); get also reads a milestone (``.../milestones/<id>``).

    Milestones appear in tickets' ``collections``; listing them needs ``collection_id`` on ``GET /collections``.
    """

    fields = (*ENVELOPE_FIELDS, "name", "description", "collection_type", "parent_collection", "collection_url")
    filters = frozenset({"modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        params = {"membership": "true", "simple": "false"}
        if query.modified_after is not None:  # updated_after needs order_by=updated_at, which keyset cannot page
            params.update(updated_after=format_time(query.modified_after), order_by="updated_at", sort="desc")
        else:
            params.update(pagination="keyset", order_by="id", sort="asc")
        items, following = await fetch_page(ctx, "/projects", query, params, "projects of the user")
        return ResourcePage([to_collection(p) for p in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        project, _, number = remote_id.partition("/milestones/")
        if number.isdigit():
            response = await ctx.http.get(f"{project_path(project, 'id')}/milestones/{number}")
            check(ctx, response, f"getting milestone {remote_id}")
            return to_milestone(response.json(), project)
        response = await ctx.http.get(project_path(remote_id, "id"))
        check(ctx, response, f"getting project {remote_id}")
        return to_collection(response.json())
