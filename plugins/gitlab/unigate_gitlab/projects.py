"""Projects as collections (``group/project``); milestones (``group/project/milestones/<id>``) read one by one."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, LIST_FILTERS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Collection
from unigate_gitlab.common import check, fetch_page, iso, project_path
from unigate_gitlab.mapping import to_collection, to_milestone


class GitLabCollections(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /projects?membership=true`` (keyset paging by id); get also reads a milestone (``.../milestones/<id>``).

    Milestones appear in tickets' ``collections``; listing them needs ``collection_id`` on ``GET /collections``.
    """

    name = "collections"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (*ENVELOPE_FIELDS, "name", "description", "collection_type", "parent_collection", "collection_url")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        params = {"membership": "true", "simple": "false"}
        if query.modified_after is not None:  # updated_after needs order_by=updated_at, which keyset cannot page
            params.update(updated_after=iso(query.modified_after), order_by="updated_at", sort="desc")
        else:
            params.update(pagination="keyset", order_by="id", sort="asc")
        items, following = await fetch_page(ctx, "/projects", query, params, "projects of the user")
        return ResourcePage([to_collection(p, self.provider.catalog_key) for p in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        project, _, number = remote_id.partition("/milestones/")
        if number.isdigit():
            response = await ctx.http.get(f"{project_path(project, 'id')}/milestones/{number}")
            check(response, f"milestone {remote_id}")
            return to_milestone(response.json(), project, self.provider.catalog_key)
        response = await ctx.http.get(project_path(remote_id, "id"))
        check(response, f"project {remote_id}")
        return to_collection(response.json(), self.provider.catalog_key)
