"""Assignable users (ids are logins) and labels (tags, ``owner/repo/labels/<name>``) of a repository."""

from __future__ import annotations

from typing import Any

from gateway.provider import ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models import Tag, User
from unigate_github.common import HEADERS, check, fetch_page, full_name_of, require_collection


def to_user(user: dict[str, Any]) -> User:
    return User(
        id=str(user["login"]),
        remote_id=str(user["id"]),
        provider="github",
        remote_data=user,
        name=user.get("name"),
        username=user.get("login"),
        email_address=user.get("email"),
        avatar=user.get("avatar_url"),
    )


def to_tag(label: dict[str, Any], collection: str) -> Tag:
    return Tag(
        id=f"{collection}/labels/{label['name']}",
        remote_id=str(label["id"]),
        provider="github",
        remote_data=label,
        name=str(label["name"]),
    )


class GitHubUsers(Resource[User]):
    """``GET /repos/{owner}/{repo}/assignees``: the users issues of a repository can be assigned to; one user by
    ``GET /users/{login}``."""

    fields = ("id", "remote_id", "provider", "remote_data", "username", "avatar", "name", "email_address")
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        path = require_collection(query, "users") + "/assignees"
        items, next_url = await fetch_page(ctx, path, query, {}, f"assignees of {query.collection_id}")
        return ResourcePage([to_user(user) for user in items], next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        if not remote_id or "/" in remote_id:
            raise ProviderError(400, "invalid_id", f"id: {remote_id!r} is not a GitHub login", field="id")
        response = await ctx.http.get(f"/users/{remote_id}", headers=HEADERS)
        check(ctx, response, f"getting user {remote_id}")
        return to_user(response.json())


class GitHubTags(Resource[Tag]):
    """``GET /repos/{owner}/{repo}/labels``."""

    fields = ("id", "remote_id", "provider", "remote_data", "name")
    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        path = require_collection(query, "labels") + "/labels"
        items, next_url = await fetch_page(ctx, path, query, {}, f"labels of {query.collection_id}")
        tags = [to_tag(label, query.collection_id or full_name_of(str(label["url"]))) for label in items]
        return ResourcePage(tags, next_url)
