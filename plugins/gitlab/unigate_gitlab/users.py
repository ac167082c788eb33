"""Users (numeric ids): a project's members with ``collection_id``, else the instance's active users; labels as tags."""

from __future__ import annotations

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    with_cursor,
)
from unified_models import Tag, User
from unigate_gitlab.common import check, fetch_page, require_project
from unigate_gitlab.mapping import to_tag, to_user


class GitLabUsers(Resource[User]):
    """``/projects/:id/members/all`` (inherited members too), or ``/users?active=true`` with keyset paging."""

    fields = (*ENVELOPE_FIELDS, "name", "username", "email_address", "is_active", "avatar")
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        if query.collection_id:
            path = require_project(query, "members")
            items, following = await fetch_page(
                ctx, f"{path}/members/all", query, {}, f"members of project {query.collection_id}"
            )
        else:
            params = {"active": "true", "pagination": "keyset", "order_by": "id", "sort": "asc"}
            items, following = await fetch_page(ctx, "/users", query, params, "users of the instance")
        return ResourcePage([to_user(u) for u in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        if not remote_id.isdigit():
            raise ProviderError(400, "invalid_id", f"id: {remote_id!r} is not a GitLab user id; send the number")
        response = await ctx.http.get(f"/users/{remote_id}")
        check(ctx, response, f"getting user {remote_id}")
        return to_user(response.json())


class GitLabTags(Resource[Tag]):
    """``/projects/:id/labels``: the project's labels, inherited group labels included."""

    fields = ("id", "remote_id", "provider", "remote_data", "name")
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        project, _, next_url = (query.cursor or "").partition(" ")  # the cursor carries the project: labels do not
        project = project or str(query.collection_id or "")
        path = "" if next_url else require_project(query, "labels") + "/labels"
        params = {"include_ancestor_groups": "true"}
        page = with_cursor(query, next_url or None)
        items, following = await fetch_page(ctx, path, page, params, f"project {project}")
        tags = [to_tag(label, project) for label in items]
        return ResourcePage(tags, f"{project} {following}" if following else None)
