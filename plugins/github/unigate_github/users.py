"""Assignable users (ids are logins) and labels (tags, ``owner/repo/labels/<name>``) of a repository."""

from __future__ import annotations

from typing import Any

from gateway.provider import LIST_FILTERS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models import Tag, User
from unigate_github.common import HEADERS, check, fetch_page, full_name_of, listing_path, refuse_modified_after


def to_user(user: dict[str, Any], provider: str = "github") -> User:
    return User(
        id=str(user["login"]),
        remote_id=str(user["id"]),
        provider=provider,
        remote_data=user,
        name=user.get("name"),
        username=user.get("login"),
        email_address=user.get("email"),
        avatar=user.get("avatar_url"),
    )


def to_tag(label: dict[str, Any], collection: str, provider: str = "github") -> Tag:
    return Tag(
        id=f"{collection}/labels/{label['name']}",
        remote_id=str(label["id"]),
        provider=provider,
        remote_data=label,
        name=str(label["name"]),
    )


class GitHubUsers(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /repos/{owner}/{repo}/assignees``: the users issues of a repository can be assigned to; one user by
    ``GET /users/{login}``."""

    name = "users"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = ("id", "remote_id", "provider", "remote_data", "username", "avatar", "name", "email_address")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        path = listing_path(query, "users", "/assignees")
        refuse_modified_after(query, "users")
        items, next_url = await fetch_page(ctx, path, query, {}, f"repository {query.collection_id}")
        return ResourcePage([to_user(user, ctx.provider) for user in items], next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        if not remote_id or "/" in remote_id:
            raise ProviderError(400, "invalid_id", f"id: {remote_id!r} is not a GitHub login", field="id")
        response = await ctx.http.get(f"/users/{remote_id}", headers=HEADERS)
        check(response, f"user {remote_id}")
        return to_user(response.json(), ctx.provider)


class GitHubTags(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /repos/{owner}/{repo}/labels``."""

    name = "tags"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = ("id", "remote_id", "provider", "remote_data", "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        path = listing_path(query, "labels", "/labels")
        refuse_modified_after(query, "labels")
        items, next_url = await fetch_page(ctx, path, query, {}, f"repository {query.collection_id}")
        tags = [to_tag(label, query.collection_id or full_name_of(str(label["url"])), ctx.provider) for label in items]
        return ResourcePage(tags, next_url)
